import Foundation
import OverdueCalendar
@testable import OverdueCore
import OverdueConfig
import Testing

@Suite("Reference rates: the bundled table, and the operator's file merged by series and date")
struct ReferenceRatesConfigTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A config directory holding `overdue.toml` with `[charges]` and the given rate file.
    static func load(rates: String) throws -> Config {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("overdue-rates-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try rates.write(to: dir.appendingPathComponent("rates.toml"), atomically: true, encoding: .utf8)
        let text = "[charges]\nreference_rates = \"rates.toml\"\n"
        return try ConfigLoader.parse(text, path: dir.appendingPathComponent("overdue.toml").path)
    }

    static func day(_ text: String) -> CalendarDate { CalendarDate(iso: text)! }

    @Test("the embedded table is Sources/OverdueCore/Charges/reference-rates.toml (run scripts/embed-rates.py after editing it)")
    func embedded() throws {
        let source = try String(contentsOf: Self.root.appendingPathComponent("Sources/OverdueCore/Charges/reference-rates.toml"), encoding: .utf8)
        #expect(ReferenceRateData.text + "\n" == source)
        // Every series a rule names is in it, with a source, from 2019 (or before) to at least the first half of 2026.
        for country in ["DE", "AT", "FR", "NL", "PL", "GB"] {
            let series = ReferenceRates.bundled[StatutoryRules.rule(for: country)!.series]
            #expect(series?.source.isEmpty == false)
            #expect(series?.rate(on: Self.day("2019-01-01")) != nil, "\(country)")
            #expect(series?.rate(on: Self.day("2026-01-01")) != nil, "\(country)")
        }
    }

    @Test("an override file replaces one value and keeps the rest; without known_until it is known to its last date")
    func override() throws {
        let config = try Self.load(rates: """
            # our correction
            [de-basiszins]
            2026-07-01 = "1.52"
            """)
        let series = try #require(config.referenceRates["de-basiszins"])
        #expect(series.rate(on: Self.day("2026-07-01")) == Decimal(string: "1.52"))
        #expect(series.rate(on: Self.day("2026-01-01")) == Decimal(string: "1.27"))
        #expect(series.rate(on: Self.day("2023-01-01")) == Decimal(string: "1.62"))
        #expect(series.source == ReferenceRates.bundled["de-basiszins"]!.source)
        #expect(config.referenceRates["ecb-mro"] == ReferenceRates.bundled["ecb-mro"])
        // The planner gets the merged table: interest for July 2026 now runs at 1.52 + 9.
        #expect(config.plannerSettings.referenceRates == config.referenceRates)
        let law = StatutoryRules.rule(for: "DE")!
        #expect(law.rate(on: Self.day("2026-08-01"), interestStart: Self.day("2026-08-01"), rates: config.referenceRates).rate
                == Decimal(string: "10.52"))
        // Replacing a bundled date wins over the bundled value.
        let replaced = try Self.load(rates: "[ecb-mro]\nknown_until = 2026-07-31\n2026-06-17 = \"2.40\"\n")
        #expect(replaced.referenceRates["ecb-mro"]?.rate(on: Self.day("2026-07-01")) == Decimal(string: "2.40"))
        #expect(replaced.referenceRates["ecb-mro"]?.rate(on: Self.day("2026-08-01")) == nil)
    }

    @Test("a malformed file is refused with its path, the line and the fix", arguments: [
        ("[de-basiszins]\n2026-07-01 = \"1,52\"\n", 2, "is not a number"),
        ("[de-basiszins]\n2026-13-01 = \"1.52\"\n", 2, "neither a date nor a known key"),
        ("2026-07-01 = \"1.52\"\n", 1, "before any series header"),
        ("[de-basiszins]\n# fine\n2026-07-01 = \"1.52\"\n2026-07-01 = \"1.60\"\n", 4, "appears twice"),
        ("[DE Basiszins]\n", 1, "not a series header"),
        ("[de-basiszins]\nknown_until = \"soon\"\n2026-07-01 = \"1.52\"\n", 2, "not a date"),
    ])
    func malformed(text: String, line: Int, problem: String) throws {
        do {
            _ = try Self.load(rates: text)
            Issue.record("accepted: \(text)")
        } catch {
            let message = "\(error)"
            #expect(message.contains("charges.reference_rates"), "\(message)")
            #expect(message.contains("rates.toml, line \(line): "), "\(message)")
            #expect(message.contains(problem), "\(message)")
        }
    }

    @Test("a reference_rates file that does not exist is named")
    func missing() throws {
        let text = "[charges]\nreference_rates = \"/nonexistent/rates.toml\"\n"
        #expect(throws: ConfigError.self) { try ConfigLoader.parse(text, path: "/tmp/overdue.toml") }
    }

    @Test("charges = \"statutory\" turns the law on; another word is refused")
    func policyCharges() throws {
        let policy = "[[policy]]\nname = \"law\"\nstages = [{ name = \"final\", offset_days = 15, channels = [\"email\"], final = true }]\n"
        let config = try ConfigLoader.parse(policy + "charges = \"statutory\"\n", path: "/tmp/overdue.toml")
        #expect(config.policies[0].statutoryCharges)
        #expect(try ConfigLoader.parse(policy, path: "/tmp/overdue.toml").policies[0].statutoryCharges == false)
        #expect(throws: ConfigError.self) { try ConfigLoader.parse(policy + "charges = \"legal\"\n", path: "/tmp/overdue.toml") }
    }
}
