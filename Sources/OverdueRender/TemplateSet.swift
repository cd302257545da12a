import Foundation
import OverdueConfig
import Mustache
import OverdueCore

/// A problem in one template file: which file, which line, what to do.
public struct TemplateProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var problem: String

    public var description: String { "\(file):\(line): \(problem)" }
}

/// The message templates for every language: the bundled set, overridden
/// file by file by a user directory (`[brand].templates`).
///
/// Lookup for a name in language L: user/L, bundled/L, user/en, bundled/en.
/// Template files are `LANG/NAME.mustache`, e.g. `de/firm.html.mustache`;
/// partials live in `LANG/partials/`. A regional directory `LANG-REGION/`
/// (e.g. `en-US/`) overrides single files of `LANG/` for letters in that
/// locale (see `LetterVariant` for the spelling rules applied to them all).
public struct TemplateSet: Sendable {
    /// The languages with a bundled template set.
    public static let languages: Set<String> = TemplateLanguages.bundled

    /// One template as loaded: where from and its text.
    struct Source: Sendable {
        var file: String
        var text: String
    }

    private let libraries: [String: MustacheLibrary]
    /// Per language, every template compiled (`CompiledTemplate`); absent
    /// for a language with a template outside the compiled subset, which
    /// swift-mustache then renders.
    private let compiled: [String: [String: CompiledTemplate]]
    let sources: [String: [String: Source]]

    /// Loads and parses everything; throws every problem found.
    public init(userDirectory: String?) throws(TemplateErrors) {
        JSONContentType.registered
        var byLanguage: [String: [String: Source]] = [:]
        let bundled = Self.bundledSources()
        let user = try Self.userSources(userDirectory)
        var problems: [TemplateProblem] = []
        var libraries: [String: MustacheLibrary] = [:]
        var compiled: [String: [String: CompiledTemplate]] = [:]
        for language in Self.languages.union(user.keys).union(bundled.keys) {
            var merged: [String: Source] = [:]
            let base = Self.baseLanguage(language)
            let regional = base == language ? [] : [bundled[language], user[language]]
            for layer in [bundled["en"], user["en"], bundled[base], user[base]] + regional {
                for (name, source) in layer ?? [:] { merged[name] = source }
            }
            var library = MustacheLibrary()
            var prepared: [String: CompiledTemplate]? = [:]
            for (name, source) in merged.sorted(by: { $0.key < $1.key }) {
                do {
                    let template = try MustacheTemplate(string: source.text)
                    library.register(template, named: name)
                    if prepared != nil { prepared?[name] = CompiledTemplate(template) }
                    if prepared?[name] == nil { prepared = nil }
                } catch let error as MustacheTemplate.ParserError {
                    problems.append(TemplateProblem(file: source.file, line: error.context.lineNumber,
                                                    problem: "syntax error: \(error.error) near \"\(error.context.line.trimmingCharacters(in: .whitespaces))\""))
                } catch {
                    problems.append(TemplateProblem(file: source.file, line: 1, problem: "syntax error: \(error)"))
                }
            }
            byLanguage[language] = merged
            libraries[language] = library
            compiled[language] = prepared
        }
        if !problems.isEmpty { throw TemplateErrors(problems: Self.unique(problems)) }
        self.libraries = libraries
        self.compiled = compiled
        sources = byLanguage
    }

    /// The template languages (not the regional sets: a letter's language
    /// is a language, its region only picks among that language's files).
    public var availableLanguages: Set<String> { Set(libraries.keys.filter { !$0.contains("-") }) }

    /// The set a letter in `locale` uses: its regional one if there is one
    /// ("en-US"), else its language's.
    public func setName(for locale: LetterLocale) -> String {
        libraries[locale.identifier] != nil ? locale.identifier : locale.language
    }

    /// "en" of "en-US".
    static func baseLanguage(_ name: String) -> String { name.split(separator: "-").first.map(String.init) ?? name }

    public func has(_ name: String, language: String) -> Bool { sources[language]?[name] != nil }

    /// Whether `name` in `language` is the bundled template (no user file overrides it).
    public func isBundled(_ name: String, language: String) -> Bool { sources[language]?[name]?.file.hasSuffix("(bundled)") == true }

    /// The file a template was loaded from, for messages.
    public func file(of name: String, language: String) -> String { sources[language]?[name]?.file ?? "\(language)/\(name).mustache" }

    /// A message's variables made ready for `language`'s renderer, once per
    /// message (not per template).
    enum Context {
        case compiled(TemplateValue)
        case library(Any)
    }

    func context(_ values: [String: Any], language: String) -> Context {
        compiled[language] != nil ? .compiled(TemplateValue(values)) : .library(MustacheObject.wrap(values))
    }

    /// Whether every template of `language` renders compiled (for tests).
    func isCompiled(_ language: String) -> Bool { compiled[language] != nil }

    /// Renders `name` in `language`; nil if no such template exists.
    func render(_ name: String, language: String, context: Context) -> String? {
        switch context {
        case .compiled(let values):
            guard let templates = compiled[language], let template = templates[name] else { return nil }
            return template.render(values, partials: templates)
        case .library(let values):
            return libraries[language]?.render(values, withTemplate: name)
        }
    }

    /// Renders `name` with swift-mustache's own renderer (for tests).
    func renderWithLibrary(_ name: String, language: String, values: [String: Any]) -> String? {
        libraries[language]?.render(MustacheObject.wrap(values), withTemplate: name)
    }

    /// Names used by templates that are not documented variables, and
    /// partials that do not exist, with file and line.
    public func unknownNames() -> [TemplateProblem] {
        var problems: [TemplateProblem] = []
        for (language, templates) in sources {
            for (_, source) in templates {
                for tag in MustacheTags.scan(source.text) {
                    switch tag.kind {
                    case .partial:
                        if templates[tag.name] == nil {
                            problems.append(TemplateProblem(file: source.file, line: tag.line,
                                                            problem: "partial \"\(tag.name)\" does not exist for language \(language)"))
                        }
                    case .variable, .section:
                        let root = String(tag.name.split(separator: ".").first ?? "")
                        if !TemplateVariables.rootNames.contains(root) {
                            problems.append(TemplateProblem(file: source.file, line: tag.line,
                                                            problem: "unknown variable \"\(tag.name)\"; see docs/templates.md for the variables a template may use"))
                        }
                    }
                }
            }
        }
        return Self.unique(problems)
    }

    static func unique(_ problems: [TemplateProblem]) -> [TemplateProblem] {
        var seen = Set<String>()
        return problems.filter { seen.insert($0.description).inserted }.sorted { ($0.file, $0.line) < ($1.file, $1.line) }
    }

    static func bundledSources() -> [String: [String: Source]] {
        var result: [String: [String: Source]] = [:]
        for (path, text) in BundledTemplates.files {
            let language = String(path.split(separator: "/")[0])
            let name = String(path.dropFirst(language.count + 1))
            result[language, default: [:]][name] = Source(file: "templates/\(path).mustache (bundled)", text: text)
        }
        return result
    }

    static func userSources(_ directory: String?) throws(TemplateErrors) -> [String: [String: Source]] {
        guard let directory else { return [:] }
        var result: [String: [String: Source]] = [:]
        let root = URL(fileURLWithPath: directory)
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [:] }
        for case let url as URL in enumerator where url.pathExtension == "mustache" {
            let relative = url.path.dropFirst(root.path.count + 1)
            let parts = relative.split(separator: "/", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let name = String(parts[1].dropLast(".mustache".count))
            do {
                result[String(parts[0]), default: [:]][name] = Source(file: url.path, text: try String(contentsOf: url, encoding: .utf8))
            } catch {
                throw TemplateErrors(problems: [TemplateProblem(file: url.path, line: 1, problem: "cannot be read as UTF-8: \(error.localizedDescription)")])
            }
        }
        return result
    }
}

public struct TemplateErrors: Error, Sendable, CustomStringConvertible {
    public var problems: [TemplateProblem]
    public init(problems: [TemplateProblem]) { self.problems = problems }
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// The tags of a Mustache template with their line numbers. Written by hand
/// because swift-mustache keeps its parsed tokens internal, and `check` must
/// name the line of an unknown variable.
enum MustacheTags {
    struct Tag {
        enum Kind { case variable, section, partial }
        var kind: Kind
        var name: String
        var line: Int
    }

    static func scan(_ text: String) -> [Tag] {
        var tags: [Tag] = []
        var rest = Substring(text)
        var line = 1
        while let open = rest.range(of: "{{") {
            line += rest[..<open.lowerBound].filter { $0 == "\n" }.count
            var body = rest[open.upperBound...]
            let triple = body.hasPrefix("{")
            if triple { body = body.dropFirst() }
            guard let close = body.range(of: triple ? "}}}" : "}}") else { break }
            let inner = body[..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            rest = body[close.upperBound...]
            line += inner.filter { $0 == "\n" }.count
            guard let sigil = inner.first else { continue }
            switch sigil {
            case "!", "%", "=", "/": continue  // comment, pragma, delimiters, section end
            case "#", "^", "$", "<":
                tags.append(Tag(kind: .section, name: name(inner.dropFirst()), line: line))
            case ">":
                tags.append(Tag(kind: .partial, name: name(inner.dropFirst()), line: line))
            case "&":
                tags.append(Tag(kind: .variable, name: name(inner.dropFirst()), line: line))
            default:
                tags.append(Tag(kind: .variable, name: name(Substring(inner)), line: line))
            }
        }
        return tags
    }

    /// The name without whitespace or transforms ("uppercased(name)" → "name").
    private static func name(_ text: Substring) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let open = trimmed.lastIndex(of: "("), let close = trimmed.firstIndex(of: ")"), open < close {
            return String(trimmed[trimmed.index(after: open)..<close]).trimmingCharacters(in: .whitespaces)
        }
        return trimmed
    }
}

/// A context object for swift-mustache. It resolves every variable by
/// casting each object on its context stack to its protocols; for a
/// `[String: Any]` that cast goes through a generic conditional conformance
/// and was a large share of rendering. A final class answers the same
/// questions from the conformance cache.
final class MustacheObject: MustacheParent {
    let values: [String: Any]

    init(_ values: [String: Any]) { self.values = values }

    func child(named name: String) -> Any? { values[name] }

    /// Wraps nested objects and lists of objects as well.
    static func wrap(_ value: Any) -> Any {
        switch value {
        case let object as [String: Any]: MustacheObject(object.mapValues(wrap))
        case let list as [[String: Any]]: list.map { MustacheObject($0.mapValues(wrap)) }
        case let list as [Any]: list.map(wrap)
        default: value
        }
    }
}

extension TemplateErrors: OverdueError {
    public var code: ErrorCode { .templateInvalid }
}

extension TemplateProblem: OverdueError {
    public var code: ErrorCode { .templateInvalid }
}
