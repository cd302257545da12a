import Foundation
import Testing

/// docs/ARCHITECTURE.md is the newcomer's map; a map naming files that were
/// renamed or removed sends them looking for what is not there. These tests
/// keep every name in it pointing at something in the tree.
@Suite("docs/ARCHITECTURE.md names only what exists")
struct ArchitectureDocTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test("every module in its table is a directory under Sources/, and every file and Sources/ path it names exists")
    func namesExist() throws {
        let text = try String(contentsOf: Self.repository.appendingPathComponent("docs/ARCHITECTURE.md"), encoding: .utf8)
        let check = DocNameCheck(repository: Self.repository)
        #expect(check.missing(in: text) == [], "rename them in docs/ARCHITECTURE.md, or bring the files back")
    }

    @Test("every directory under Sources/ is named in it")
    func everyModuleIsNamed() throws {
        let text = try String(contentsOf: Self.repository.appendingPathComponent("docs/ARCHITECTURE.md"), encoding: .utf8)
        let named = Set(DocNameCheck.codeSpans(text))
        let modules = try FileManager.default.contentsOfDirectory(atPath: Self.repository.appendingPathComponent("Sources").path)
        #expect(modules.filter { !$0.hasPrefix(".") && !named.contains($0) }.sorted() == [], "say what the module holds in the table")
    }

    @Test("the check can fail: a renamed module, path, bare file name and glob are each reported")
    func reportsWhatIsMissing() {
        let text = """
            | `OverdueCoreX` | holds | may import |
            `Sources/OverdueCore/Ledgerz.swift` and `Sources/OverdueCore/Ledger.swift`; `Dispatchr.swift`;
            `Planner+*.swift` and `Plannr+*.swift`; `python3 scripts/no-such.py`; `Sources/overdue/<Name>Command.swift`
            """
        #expect(DocNameCheck(repository: Self.repository).missing(in: text) == [
            "module OverdueCoreX (no Sources/OverdueCoreX)", "Sources/OverdueCore/Ledgerz.swift", "Dispatchr.swift",
            "Plannr+*.swift", "scripts/no-such.py",
        ])
    }
}

/// Reads the names in a markdown text's code spans and says which are not
/// in the repository: modules (the first cell of a table row) must be
/// directories under Sources/; paths (with a slash) must exist from the
/// root; bare file names (.swift, .md, .sh, .py) must exist somewhere in the
/// tree. `*` and `<placeholder>` match any part of a name.
struct DocNameCheck {
    let repository: URL
    static let fileExtensions = [".swift", ".md", ".sh", ".py"]

    /// Every file and directory below the root, relative, hidden ones and build output left out.
    var tree: [String] {
        let root = repository.standardizedFileURL.path
        guard let walk = FileManager.default.enumerator(atPath: root) else { return [] }
        var paths: [String] = []
        while let path = walk.nextObject() as? String {
            if path.split(separator: "/").contains(where: { $0.hasPrefix(".") }) {
                walk.skipDescendants()
                continue
            }
            paths.append(path)
        }
        return paths
    }

    static func codeSpans(_ text: String) -> [String] {
        text.matches(of: /`([^`\n]+)`/).map { String($0.output.1) }
    }

    func missing(in text: String) -> [String] {
        let tree = tree
        var missing: [String] = []
        for row in text.split(separator: "\n") {
            guard let module = row.firstMatch(of: /^\| `([A-Za-z]+)` \|/)?.output.1 else { continue }
            var isDirectory: ObjCBool = false
            let path = repository.appendingPathComponent("Sources/\(module)").path
            if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) || !isDirectory.boolValue {
                missing.append("module \(module) (no Sources/\(module))")
            }
        }
        for span in Self.codeSpans(text) {
            for token in span.split(separator: " ").map(String.init) where Self.isName(token) && !missing.contains(token) {
                let wanted = token.hasSuffix("/") ? String(token.dropLast()) : token
                let pattern = Self.pattern(wanted)
                let found = token.contains("/")
                    ? tree.contains { $0.wholeMatch(of: pattern) != nil }
                    : tree.contains { ($0.split(separator: "/").last.map(String.init) ?? $0).wholeMatch(of: pattern) != nil }
                if !found { missing.append(token) }
            }
        }
        return missing
    }

    static func isName(_ token: String) -> Bool {
        token.hasPrefix("Sources/") || fileExtensions.contains { token.hasSuffix($0) }
    }

    /// `*` and `<…>` match any run of characters within one path component; the rest is literal.
    static func pattern(_ name: String) -> Regex<Substring> {
        var source = ""
        var placeholder = false
        for character in name {
            switch character {
            case "<": placeholder = true; source += "[^/]*"
            case ">": placeholder = false
            case "*": if !placeholder { source += "[^/]*" }
            default: if !placeholder { source += NSRegularExpression.escapedPattern(for: String(character)) }
            }
        }
        return try! Regex(source, as: Substring.self)
    }
}
