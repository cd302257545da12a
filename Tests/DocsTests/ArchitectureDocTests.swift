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

    @Test("its may-import column is each target's dependencies in Package.swift, and every import in Sources/ is one of them")
    func mayImport() throws {
        let doc = try String(contentsOf: Self.repository.appendingPathComponent("docs/ARCHITECTURE.md"), encoding: .utf8)
        let manifest = try String(contentsOf: Self.repository.appendingPathComponent("Package.swift"), encoding: .utf8)
        let table = ImportTable(manifest: manifest)
        let column = ImportTable.column(doc)
        #expect(!column.isEmpty)
        for module in Set(column.keys).union(table.dependencies.keys).sorted() {
            let doc = column[module] ?? [], manifest = table.dependencies[module] ?? []
            #expect(doc == manifest, "\(module): only in the column \(doc.subtracting(manifest).sorted()), only in Package.swift \(manifest.subtracting(doc).sorted())")
        }
        for (module, allowed) in table.dependencies {
            for (file, imported) in try ImportTable.imports(in: Self.repository.appendingPathComponent("Sources/\(module)")) {
                let outside = imported.map { table.packageOf[$0] ?? $0 }.filter { !allowed.contains($0) && !ImportTable.system.contains($0) }
                #expect(outside.isEmpty, "Sources/\(module)/\(file) imports \(outside), which its row does not allow")
            }
        }
    }

    @Test("the import check can fail: a module missing from the column and an import not allowed are each seen")
    func importCheckFails() {
        let manifest = """
            .target(name: "OverdueA", dependencies: ["OverdueB", .product(name: "Crypto", package: "swift-crypto")]),
            .executableTarget(name: "c", dependencies: ["OverdueA"]),
            """
        let table = ImportTable(manifest: manifest)
        #expect(table.dependencies == ["OverdueA": ["OverdueB", "swift-crypto"], "c": ["OverdueA"]] && table.packageOf["Crypto"] == "swift-crypto")
        let column = ImportTable.column("| `OverdueA` | holds | OverdueB (`OverdueX` for `y`) |\n| `c` | holds | OverdueA, OverdueB |")
        #expect(column == ["OverdueA": ["OverdueB"], "c": ["OverdueA", "OverdueB"]])
        #expect(column != table.dependencies)
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

/// The modules each target depends on, from Package.swift's text, and the
/// "may import" column of docs/ARCHITECTURE.md's module table, in the same
/// terms: our modules by name, packages by their package name.
struct ImportTable {
    /// Module → our modules and package names it depends on.
    var dependencies: [String: Set<String>] = [:]
    /// Product (the name imported) → its package.
    var packageOf: [String: String] = [:]
    /// What every module may import without saying so.
    static let system: Set<String> = ["Foundation", "FoundationXML", "FoundationNetworking", "Glibc", "Dispatch", "Synchronization"]

    init(manifest: String) {
        // (Targets with a `path:` of their own, such as Tests/TestSupport, are not in Sources/ nor in the table.)
        for match in manifest.matches(of: /\.(?:target|executableTarget)\(\s*name: "([^"]+)",\s*dependencies: \[([^\]]*)\](?!, path:)/) {
            var deps = Set<String>()
            let list = String(match.output.2)
            for product in list.matches(of: /\.product\(name: "([^"]+)", package: "([^"]+)"\)/) {
                packageOf[String(product.output.1)] = String(product.output.2)
                deps.insert(String(product.output.2))
            }
            let plain = list.replacing(/\.product\([^)]*\)/, with: "")
            for name in plain.matches(of: /"([^"]+)"/) { deps.insert(String(name.output.1)) }
            dependencies[String(match.output.1)] = deps
        }
    }

    /// The column, its notes in backticks left out ("OverdueTransports (`Credentials` for `overdue check`)").
    static func column(_ doc: String) -> [String: Set<String>] {
        var table: [String: Set<String>] = [:]
        for row in doc.split(separator: "\n") {
            guard let match = row.firstMatch(of: /^\| `([A-Za-z]+)` \|.*\| ([^|]+) \|$/) else { continue }
            let cell = String(match.output.2).replacing(/`[^`]*`/, with: "")
            let names = cell.matches(of: /\b(Overdue[A-Za-z]*|C?Curl|CQPDF|CZlib|swift-[a-z-]+|TOMLKit|SwiftCSV)\b/).map { String($0.output.1) }
            table[String(match.output.1)] = Set(names)
        }
        return table
    }

    /// Each Swift file below `directory` (relative) with the modules it imports.
    static func imports(in directory: URL) throws -> [(String, [String])] {
        guard let walk = FileManager.default.enumerator(atPath: directory.path) else { return [] }
        var found: [(String, [String])] = []
        while let path = walk.nextObject() as? String {
            guard path.hasSuffix(".swift") else { continue }
            let text = try String(contentsOf: directory.appendingPathComponent(path), encoding: .utf8)
            let modules = text.matches(of: /(?m)^(?:@[A-Za-z_]+ )*import (?:struct |enum |class |func )?([A-Za-z_]+)/).map { String($0.output.1) }
            found.append((path, modules))
        }
        return found
    }
}
