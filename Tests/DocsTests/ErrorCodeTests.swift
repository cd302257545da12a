import Foundation
import OverdueCore
import Testing

/// Every error code is `ErrorCode`'s, and the README's table is that list:
/// a code added in the code without a line in the README (or one left in the
/// README after it went) fails here, with the table to paste.
@Suite("Error codes: one type, the README's table")
struct ErrorCodeTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The README's table as `ErrorCode` writes it.
    static var table: String {
        (["| code | meaning |", "|---|---|"] + ErrorCode.allCases.map { "| `\($0.rawValue)` | \($0.meaning) |" }).joined(separator: "\n")
    }

    @Test("the README's table is ErrorCode's, code for code and word for word")
    func readmeTable() throws {
        let readme = try String(contentsOf: Self.repository.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains(Self.table + "\n"), "replace the table under \"### Error codes\" in README.md with:\n\(Self.table)")
    }

    @Test("codes are kebab-case, area first, each once; no code is written as a string literal in Sources/")
    func codesInOnePlace() throws {
        let codes = ErrorCode.allCases.map(\.rawValue)
        #expect(Set(codes).count == codes.count)
        #expect(codes.allSatisfy { $0.wholeMatch(of: /[a-z]+(-[a-z0-9]+)*/) != nil })
        // A code spelled out where an error is made would escape this list.
        guard let walk = FileManager.default.enumerator(atPath: Self.repository.appendingPathComponent("Sources").path) else { return }
        while let path = walk.nextObject() as? String {
            guard path.hasSuffix(".swift"), !path.hasSuffix("OverdueError.swift") else { continue }
            let text = try String(contentsOf: Self.repository.appendingPathComponent("Sources/\(path)"), encoding: .utf8)
            let literal = text.matches(of: /(?:code: |var code: \w+ \{ )"([a-z]+-[a-z-]+)"/).map { String($0.output.1) }
            #expect(literal.isEmpty, "Sources/\(path) writes \(literal) as text; use ErrorCode")
        }
    }
}
