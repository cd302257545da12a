/// A letter's variables as `CompiledTemplate` reads them: what
/// `ReminderContext` builds, typed once per letter so that no tag lookup
/// casts.
enum TemplateValue: Sendable {
    case string(String)
    case bool(Bool)
    case int(Int)
    case object(Fields)
    case list([TemplateValue])
    /// A value of another type, kept for the text swift-mustache would print.
    case other(String)

    /// An object's fields behind a reference: a context stack copies values.
    final class Fields: Sendable {
        let values: [String: TemplateValue]
        init(_ values: [String: TemplateValue]) { self.values = values }
    }

    /// Types `ReminderContext`'s `[String: Any]`.
    init(_ value: Any) {
        switch value {
        case let text as String: self = .string(text)
        case let flag as Bool: self = .bool(flag)
        case let number as Int: self = .int(number)
        case let object as [String: Any]: self = .object(Fields(object.mapValues(TemplateValue.init)))
        case let list as [[String: Any]]: self = .list(list.map { .object(Fields($0.mapValues(TemplateValue.init))) })
        case let list as [Any]: self = .list(list.map(TemplateValue.init))
        default: self = .other(String(describing: value))
        }
    }

    /// A named child: only objects have them (swift-mustache's `Mirror`
    /// finds no named child in a string, number or list).
    func child(_ name: String) -> TemplateValue? {
        if case .object(let fields) = self { return fields.values[name] }
        return nil
    }

    /// What `{{name}}` prints before escaping, as swift-mustache's
    /// `String(describing:)` does for these types.
    var mustacheText: String {
        switch self {
        case .string(let text): text
        case .bool(let flag): flag ? "true" : "false"
        case .int(let number): String(number)
        case .other(let text): text
        case .object: "OverdueRender.MustacheObject"
        case .list(let items): "[" + items.map(\.describedInList).joined(separator: ", ") + "]"
        }
    }

    private var describedInList: String {
        switch self {
        case .string(let text): String(reflecting: text)
        default: mustacheText
        }
    }
}
