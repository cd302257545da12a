import Foundation
import Mustache
import OverdueCore
@testable import OverdueRender
import Testing
import TestSupport

/// `CompiledTemplate` renders what swift-mustache renders: for every bundled
/// template with real letters' variables, and for random templates over
/// random variables (the parser's standalone lines and indentation, section
/// and lookup rules), byte for byte.
@Suite("Compiled templates: the same text as swift-mustache")
struct CompiledTemplateTests {
    @Test("every bundled language renders compiled")
    func bundledCompile() throws {
        let templates = try TemplateSet(userDirectory: nil)
        for language in LetterFixture.languages + ["en-US", "de-CH"] where templates.has("firm.text", language: language) {
            #expect(templates.isCompiled(language), "\(language)")
        }
    }

    @Test("every bundled template, every stage and channel, as the library renders it",
          arguments: LetterFixture.stages, LetterFixture.languages)
    func bundledParity(stage: String, language: String) throws {
        let renderer = LanguageTests.renderer()
        for channel in [Channel.email, .sms, .webhook] {
            for earlier in [true, false] {
                var request = LetterFixture.request(stage: stage, channel: channel, language: language, links: earlier, earlier: earlier)
                if earlier {
                    request.documents.attached = [LetterDocument(invoices: ["INV-1"], name: "INV-1.pdf", size: 148_213, sha256: "ab")]
                    request.customer.contact = "Jane O'Brien <ap>"
                }
                let locale = renderer.letterLocale(request)
                let set = renderer.templates.setName(for: locale)
                let values = ReminderContext(request: request, brand: renderer.brand, locale: locale).dictionary
                let context = renderer.templates.context(values, language: set)
                for part in ["subject", "text", "html", "sms", "webhook"] {
                    let name = "\(renderer.templateName(request)).\(part)"
                    let compiled = renderer.templates.render(name, language: set, context: context)
                    let library = renderer.templates.renderWithLibrary(name, language: set, values: values)
                    #expect(compiled != nil)
                    #expect(compiled == library, "\(set)/\(name) (\(channel), earlier \(earlier))")
                }
            }
        }
    }

    @Test("random templates over random variables: same text as the library (3,000 cases)")
    func randomParity() throws {
        JSONContentType.registered
        var random = SplitMix64(seed: UInt64(ProcessInfo.processInfo.environment["TEMPLATE_SEED"] ?? "") ?? 7)
        var compiledCount = 0
        for case_ in 0..<3_000 {
            let texts = ["x": RandomTemplate.make(&random, depth: 0), "partials/p": RandomTemplate.make(&random, depth: 2)]
            var library = MustacheLibrary()
            var compiled: [String: CompiledTemplate] = [:]
            for (name, text) in texts {
                guard let template = try? MustacheTemplate(string: text) else { continue }
                library.register(template, named: name)
                compiled[name] = CompiledTemplate(template)
            }
            guard let main = compiled["x"], compiled.count == 2 else { continue }
            compiledCount += 1
            let values = RandomTemplate.values(&random)
            let ours = main.render(TemplateValue(values), partials: compiled)
            let theirs = library.render(MustacheObject.wrap(values), withTemplate: "x")
            #expect(ours == theirs, "case \(case_): \(String(reflecting: texts))")
            if ours != theirs { break }
        }
        // Nearly all random templates parse and stay inside the compiled subset.
        #expect(compiledCount > 2_000)
    }

    @Test("a template outside the compiled subset keeps swift-mustache's renderer")
    func fallback() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("overdue-compiled-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("en"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "{{% CONTENT_TYPE: TEXT}}\n{{reversed(key)}} {{$block}}default{{/block}}".write(
            to: directory.appendingPathComponent("en/firm.text.mustache"), atomically: true, encoding: .utf8)
        let renderer = ReminderRenderer(templates: try TemplateSet(userDirectory: directory.path), brand: LetterFixture.brand)
        #expect(!renderer.templates.isCompiled("en"))
        #expect(renderer.templates.isCompiled("de"))
        let text = try renderer.render(LetterFixture.request(stage: "firm", channel: .email, language: "en")).text
        #expect(text == "tset-1do default\n")
    }
}

/// Random Mustache text over a few names, with the whitespace and line
/// shapes that the standalone-line rules are about.
enum RandomTemplate {
    static let names = ["a", "b", "flag", "off", "items", "none", "obj", "obj.a", "obj.flag", ".", "n", "missing", "text"]

    static func make(_ random: inout SplitMix64, depth: Int) -> String {
        var out = ""
        for _ in 0..<Int.random(in: 1...8, using: &random) {
            out += piece(&random, depth: depth)
        }
        return out
    }

    static func piece(_ random: inout SplitMix64, depth: Int) -> String {
        let name = names.randomElement(using: &random)!
        switch Int.random(in: 0..<14, using: &random) {
        case 0: return ["\n", "  ", "x<&>\"'", " y\n", "\t", "é "].randomElement(using: &random)!
        case 1: return "{{\(name)}}"
        case 2: return "{{{\(name)}}}"
        case 3: return "{{& \(name)}}"
        case 4 where depth < 3, 5 where depth < 3:
            let sigil = Bool.random(using: &random) ? "#" : "^"
            let section = ["flag", "off", "items", "none", "obj", "text", "missing", "n", "first()", "last()"].randomElement(using: &random)!
            let lead = ["", "\n", "  ", "\n  "].randomElement(using: &random)!
            let trail = ["", "\n", " "].randomElement(using: &random)!
            return "\(lead){{\(sigil)\(section)}}\(trail)\(make(&random, depth: depth + 1))\(lead){{/\(section)}}\(trail)"
        case 6 where depth < 2: return ["\n  {{> partials/p}}\n", "{{> partials/p}}", " {{>partials/p}} "].randomElement(using: &random)!
        case 7: return ["{{! comment }}", "\n{{! note }}\n"].randomElement(using: &random)!
        case 8: return ["{{% CONTENT_TYPE: TEXT}}\n", "{{% CONTENT_TYPE: HTML}}\n", "{{% CONTENT_TYPE: JSON}}\n"].randomElement(using: &random)!
        case 9: return ["{{uppercased(text)}}", "{{capitalized(text)}}", "{{count(items)}}", "{{#empty(items)}}E{{/empty(items)}}", "{{index()}}"]
            .randomElement(using: &random)!
        default: return ["Dear ", "line\n", " — ", "}"].randomElement(using: &random)!
        }
    }

    static func values(_ random: inout SplitMix64) -> [String: Any] {
        func word() -> String { ["", "x", "A & B", "<b>", "l'été", "\"q\"", "multi\nline"].randomElement(using: &random)! }
        let itemCount = Int.random(in: 0...3, using: &random)
        var values: [String: Any] = [
            "a": word(), "b": word(), "flag": true, "off": false, "n": Int.random(in: -1...3, using: &random),
            "text": word(), "obj": ["a": word(), "flag": Bool.random(using: &random)] as [String: Any],
            "items": (0..<itemCount).map { _ in ["a": word(), "flag": Bool.random(using: &random)] as [String: Any] },
            "none": [[String: Any]](),
        ]
        if Bool.random(using: &random) { values["missing"] = word() }
        return values
    }
}
