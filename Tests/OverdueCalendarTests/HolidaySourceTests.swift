import Foundation
@testable import OverdueCalendar
import Testing

/// The compiled-in holiday data is what its source says: the pinned PyPI
/// `holidays` package, run here, agrees with it for one country and year, and
/// the generator would write the generated file unchanged. Needs the package
/// at the pinned version in `.venv-test/` (`scripts/setup-deps.sh --test`
/// installs it) or `$OVERDUE_TEST_PYTHON`; skipped without it.
@Suite("Public holidays: the generated data matches its source")
struct HolidaySourceTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The pin in scripts/holidays-requirements.txt, e.g. "0.109".
    static let pinnedVersion: String? = {
        let requirements = repository.appendingPathComponent("scripts/holidays-requirements.txt")
        guard let text = try? String(contentsOf: requirements, encoding: .utf8) else { return nil }
        return text.split(separator: "\n").first { $0.hasPrefix("holidays==") }.map { String($0.dropFirst("holidays==".count)) }
    }()

    /// As TestSupport's TestPython finds it (OverdueCoreTests does not depend
    /// on TestSupport): `$OVERDUE_TEST_PYTHON`, else the repository's `.venv-test/`.
    static let python: String? = {
        if let chosen = ProcessInfo.processInfo.environment["OVERDUE_TEST_PYTHON"], !chosen.isEmpty { return chosen }
        let venv = repository.appendingPathComponent(".venv-test/bin/python3").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
    }()

    static func run(_ arguments: [String]) -> (status: Int32, output: String)? {
        guard let python else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        process.currentDirectoryURL = repository
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The pinned package is importable: the condition for running these tests.
    static let sourceAvailable: Bool = {
        guard let pinnedVersion,
              let result = run(["-c", "import holidays; print(holidays.__version__)"]), result.status == 0 else { return false }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines) == pinnedVersion
    }()

    @Test("DE 2027 from the pinned holidays package equals the bundled calendar", .enabled(if: sourceAvailable))
    func germany2027() throws {
        // Asked directly, not through the generator, with the choices its
        // header states: national, public category, English (en_US) names.
        let script = """
            import holidays
            days = holidays.country_holidays("DE", years=2027, categories=(holidays.PUBLIC,), language="en_US")
            for day, name in sorted(days.items()):
                print(day.isoformat(), name)
            """
        let result = try #require(Self.run(["-c", script]))
        #expect(result.status == 0, "\(result.output)")
        let source = result.output.split(separator: "\n").map(String.init)
        let bundled = try #require(PublicHolidays.calendar(for: "DE")).byDate.filter { $0.date.year == 2027 }.map { "\($0.date) \($0.name)" }
        #expect(source.count == 9, "\(source)")
        #expect(bundled == source)
        #expect(PublicHolidays.source == "holidays \(Self.pinnedVersion ?? "?")")
    }

    @Test("regenerating PublicHolidayData.swift would not change it", .enabled(if: sourceAvailable))
    func generatedFileUpToDate() throws {
        let result = try #require(Self.run(["scripts/generate-holidays.py", "--check"]))
        #expect(result.status == 0, "\(result.output)")
    }
}
