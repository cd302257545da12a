import Mustache

/// A Mustache template prepared for rendering many letters: the static text
/// cut out once, each tag's name split once, and a typed context
/// (`TemplateValue`) instead of `Any`.
///
/// Why not swift-mustache's own renderer: it resolves every tag by casting
/// each object on its context stack to five protocols and by splitting the
/// tag's name, per letter; that was 28 % of the CPU of an e-mail run
/// (docs/PERFORMANCE.md). The parsing stays swift-mustache's: its parser
/// (standalone lines, partial indentation, pragmas) is read from the parsed
/// `MustacheTemplate` through `Mirror`, because the library keeps its tokens
/// internal. Only the subset the letters need is compiled (text, variables,
/// sections, inverted sections, partials, content types and the transforms
/// listed in `Transform`); a template using anything else (lambdas,
/// inheritance blocks, dynamic partials, other transforms) compiles to nil
/// and its language keeps swift-mustache's renderer. The rendering rules
/// below copy swift-mustache 2.1.1's `Template+Render.swift` and
/// `Context.swift` rule for rule; `CompiledTemplateTests` holds them to
/// produce the same text for every bundled template and for random ones.
struct CompiledTemplate: Sendable {
    indirect enum Node: Sendable {
        case text(String)
        case variable(Tag, escaped: Bool)
        case section(Tag, CompiledTemplate)
        case inverted(Tag, CompiledTemplate)
        case partial(String, indentation: String?)
        case contentType(Escaping)
    }

    /// A tag's name, split once, and its transforms (applied last to first).
    struct Tag: Sendable {
        enum Scope: Sendable { case current, sequence, top, stack }
        var scope: Scope
        var path: [String]
        var transforms: [Transform]
    }

    enum Transform: String, Sendable {
        // On a sequence element (`{{#first()}}`).
        case first, last, index, even, odd
        // On a string.
        case uppercased, lowercased, capitalized
        // On a list.
        case count, empty
        // On a number.
        case plusone, minusone, equalzero
    }

    enum Escaping: Sendable {
        case html, text, json
        func apply(_ text: String, into out: inout String) {
            switch self {
            case .text: out += text
            case .html: HTMLEscape.append(text, into: &out)
            case .json: out += JSONContentType().escapeText(text)
            }
        }
    }

    let nodes: [Node]

    /// nil when the template uses something outside the compiled subset.
    init?(_ template: MustacheTemplate) {
        guard let tokens = Mirror(reflecting: template).children.first(where: { $0.label == "tokens" })?.value,
              let nodes = Self.nodes(tokens) else { return nil }
        self.nodes = nodes
    }

    private init(nodes: [Node]) { self.nodes = nodes }

    private static func nodes(_ tokens: Any) -> [Node]? {
        var nodes: [Node] = []
        for token in Mirror(reflecting: tokens).children {
            guard let node = node(token.value) else { return nil }
            nodes.append(node)
        }
        return nodes
    }

    /// One `MustacheTemplate.Token`, read by its case name and payload.
    private static func node(_ token: Any) -> Node? {
        guard let payload = Mirror(reflecting: token).children.first, let kind = payload.label else { return nil }
        let fields = Dictionary(Mirror(reflecting: payload.value).children.compactMap { child in child.label.map { ($0, child.value) } },
                                uniquingKeysWith: { first, _ in first })
        switch kind {
        case "text":
            return (payload.value as? String).map(Node.text)
        case "variable", "unescapedVariable":
            guard let tag = tag(fields) else { return nil }
            return .variable(tag, escaped: kind == "variable")
        case "section", "invertedSection":
            guard let tag = tag(fields), let body = fields["template"] as? MustacheTemplate,
                  let compiled = CompiledTemplate(body) else { return nil }
            return kind == "section" ? .section(tag, compiled) : .inverted(tag, compiled)
        case "partial":
            // (String, indentation: String?, inherits: [String: MustacheTemplate]?)
            guard let name = fields[".0"] as? String, let indentation = fields["indentation"].flatMap(unwrapped),
                  let inherits = fields["inherits"].flatMap(unwrapped), inherits == nil else { return nil }
            return .partial(name, indentation: indentation as? String)
        case "contentType":
            // The library's own types are internal: told apart by what they do.
            if payload.value is JSONContentType { return .contentType(.json) }
            guard let type = payload.value as? MustacheContentType else { return nil }
            switch type.escapeText("<") {
            case "<": return .contentType(.text)
            case "&lt;": return .contentType(.html)
            default: return nil
            }
        default:
            return nil  // lambdas, blocks, dynamic partials: swift-mustache renders these
        }
    }

    /// The value inside an `Optional` seen as `Any`: nil if it is not an
    /// optional, `.some(nil)` for `.none`.
    private static func unwrapped(_ value: Any) -> Any?? {
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional else { return nil }
        return .some(mirror.children.first?.value)
    }

    private static func tag(_ fields: [String: Any]) -> Tag? {
        guard let name = fields["name"] as? String, let transformNames = fields["transforms"] as? [String] else { return nil }
        var transforms: [Transform] = []
        for name in transformNames {
            guard let transform = Transform(rawValue: name) else { return nil }
            transforms.append(transform)
        }
        if name == "." { return Tag(scope: .current, path: [], transforms: transforms) }
        if name.isEmpty {
            return transforms.isEmpty ? nil : Tag(scope: .sequence, path: [], transforms: transforms)
        }
        let path = name.split(separator: ".").map(String.init)
        return Tag(scope: name.hasPrefix(".") ? .top : .stack, path: path, transforms: transforms)
    }
}

/// Rendering: swift-mustache's rules over `TemplateValue`.
extension CompiledTemplate {
    /// The state swift-mustache keeps in its `MustacheContext`.
    struct Context {
        var stack: [TemplateValue]
        var sequence: Sequence?
        var indentation: String?
        var escaping: Escaping
        let partials: [String: CompiledTemplate]
    }

    struct Sequence {
        var first: Bool
        var last: Bool
        var index: Int
    }

    func render(_ root: TemplateValue, partials: [String: CompiledTemplate]) -> String {
        var out = ""
        out.reserveCapacity(4096)
        render(Context(stack: [root], sequence: nil, indentation: nil, escaping: .html, partials: partials), into: &out)
        return out
    }

    /// One template (the whole, a section's body or a partial): with an
    /// indentation, a rendered piece that starts a new line is indented.
    func render(_ start: Context, into out: inout String) {
        var context = start
        guard let indentation = context.indentation, !indentation.isEmpty else {
            // Appended straight to `out`: only an indented template needs to
            // see where each piece starts.
            for node in nodes { render(node, context: &context, into: &out) }
            return
        }
        var local = ""
        for node in nodes {
            var piece = ""
            render(node, context: &context, into: &piece)
            if !piece.isEmpty, local.last == "\n" { local += indentation }
            local += piece
        }
        out += local
    }

    private func render(_ node: Node, context: inout Context, into out: inout String) {
        switch node {
        case .text(let text):
            out += text
        case .variable(let tag, let escaped):
            guard let value = Self.lookup(tag, context) else { return }
            let text = value.mustacheText
            if escaped { context.escaping.apply(text, into: &out) } else { out += text }
        case .section(let tag, let body):
            switch Self.lookup(tag, context) {
            case .list(let items)?:
                for (index, item) in items.enumerated() {
                    var inner = context
                    inner.stack.append(item)
                    inner.sequence = Sequence(first: index == 0, last: index == items.count - 1, index: index)
                    body.render(inner, into: &out)
                }
            case .bool(let on)?:
                if on { body.render(context, into: &out) }
            case nil:
                return
            case let value?:
                var inner = context
                inner.stack.append(value)
                inner.sequence = nil
                body.render(inner, into: &out)
            }
        case .inverted(let tag, let body):
            switch Self.lookup(tag, context) {
            case .list(let items)?:
                guard items.isEmpty else { return }
                var inner = context
                inner.stack.append(.list(items))
                inner.sequence = nil
                body.render(inner, into: &out)
            case .bool(let on)?:
                if !on { body.render(context, into: &out) }
            case nil:
                body.render(context, into: &out)
            case .some:
                return
            }
        case .partial(let name, let indentation):
            guard let partial = context.partials[name] else { return }
            var inner = context
            if let indentation { inner.indentation = (context.indentation ?? "") + indentation }
            inner.sequence = nil
            inner.escaping = .html
            partial.render(inner, into: &out)
        case .contentType(let escaping):
            context.escaping = escaping
        }
    }

    private static func lookup(_ tag: Tag, _ context: Context) -> TemplateValue? {
        var value: TemplateValue?
        switch tag.scope {
        case .current:
            value = context.stack.last
        case .sequence:
            guard let sequence = context.sequence, let first = tag.transforms.last else { return nil }
            // A sequence's own transforms, then (rarely) more on the result.
            switch first {
            case .first: value = .bool(sequence.first)
            case .last: value = .bool(sequence.last)
            case .index: value = .int(sequence.index)
            case .even: value = .bool(sequence.index & 1 == 0)
            case .odd: value = .bool(sequence.index & 1 == 1)
            default: return nil
            }
            return apply(tag.transforms.dropLast(), to: value!)
        case .top:
            value = context.stack.last.flatMap { child(tag.path[...], of: $0) }
        case .stack:
            guard let name = tag.path.first else { return nil }
            // The first name climbs the stack; the rest do not.
            for object in context.stack.reversed() {
                if let found = object.child(name) {
                    value = child(tag.path.dropFirst(), of: found)
                    break
                }
            }
        }
        guard let value else { return nil }
        return apply(tag.transforms[...], to: value)
    }

    private static func child(_ path: ArraySlice<String>, of value: TemplateValue) -> TemplateValue? {
        var current = value
        for name in path {
            guard let next = current.child(name) else { return nil }
            current = next
        }
        return current
    }

    private static func apply(_ transforms: ArraySlice<Transform>, to start: TemplateValue) -> TemplateValue? {
        var value = start
        for transform in transforms.reversed() {
            switch (transform, value) {
            case (.uppercased, .string(let text)): value = .string(text.uppercased())
            case (.lowercased, .string(let text)): value = .string(text.lowercased())
            case (.capitalized, .string(let text)): value = .string(text.capitalized)
            case (.empty, .string(let text)): value = .bool(text.isEmpty)
            case (.count, .list(let items)): value = .int(items.count)
            case (.empty, .list(let items)): value = .bool(items.isEmpty)
            case (.even, .int(let number)): value = .bool(number & 1 == 0)
            case (.odd, .int(let number)): value = .bool(number & 1 == 1)
            case (.plusone, .int(let number)): value = .int(number + 1)
            case (.minusone, .int(let number)): value = .int(number - 1)
            case (.equalzero, .int(let number)): value = .bool(number == 0)
            default: return nil
            }
        }
        return value
    }
}

/// Mustache's HTML escaping (`&`, `<`, `>`, `"`, `'`), over UTF-8 bytes.
enum HTMLEscape {
    static func append(_ text: String, into out: inout String) {
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else {
            out += text
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
    }
}
