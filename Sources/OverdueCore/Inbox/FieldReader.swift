import Foundation
import OverdueCalendar

/// Reads typed fields out of one record object and collects a `FieldProblem`
/// for each that is missing or malformed. Empty text counts as absent, as a
/// blank CSV cell does.
struct FieldReader {
    let object: [String: JSONValue]
    let prefix: String
    var problems: [FieldProblem] = []
    /// Whether the nested object existed at all (for `customer`).
    var isPresent = true

    init(object: [String: JSONValue], prefix: String) {
        self.object = object
        self.prefix = prefix
    }

    func path(_ key: String) -> String { prefix.isEmpty ? key : "\(prefix).\(key)" }

    func isAbsent(_ key: String) -> Bool {
        switch object[key] {
        case nil, .null: true
        case .string(let text): text.isEmpty
        default: false
        }
    }

    mutating func rejectUnknown(allowed: Set<String>) {
        for key in object.keys.sorted() where !allowed.contains(key) {
            problems.append(FieldProblem(
                field: path(key), reason: "is not a known field; the known fields here are \(allowed.sorted().joined(separator: ", ")) (check the spelling)"))
        }
    }

    mutating func nested(_ key: String) -> FieldReader {
        switch object[key] {
        case .object(let inner):
            return FieldReader(object: inner, prefix: path(key))
        case nil, .null:
            var reader = FieldReader(object: [:], prefix: path(key))
            reader.isPresent = false
            problems.append(FieldProblem(field: path(key), reason: "is missing; add the customer with at least id, name and email or phone"))
            return reader
        case .some(let other):
            var reader = FieldReader(object: [:], prefix: path(key))
            reader.isPresent = false
            problems.append(FieldProblem(field: path(key), reason: "must be an object with id, name, email, …; found \(other.kindName)"))
            return reader
        }
    }

    /// Text of a present field, or nil with a problem if it is not text.
    mutating func string(_ key: String) -> String? {
        switch object[key] {
        case .string(let text) where !text.isEmpty: return text
        case nil, .null, .string:
            problems.append(FieldProblem(field: path(key), reason: "is missing"))
        case .number(let number):
            return "\(number)"  // an id such as 112233 written without quotes
        case .some(let other):
            problems.append(FieldProblem(field: path(key), reason: "must be text; found \(other.kindName)"))
        }
        return nil
    }

    mutating func required(_ key: String, _ rule: (String) -> String?) -> String? {
        guard let text = string(key) else { return nil }
        if let reason = rule(text) {
            problems.append(FieldProblem(field: path(key), reason: reason))
            return nil
        }
        return text
    }

    mutating func optional(_ key: String, _ rule: (String) -> String?) -> String? {
        isAbsent(key) ? nil : required(key, rule)
    }

    mutating func identifier(_ key: String) -> String? { required(key, FieldRules.identifier) }

    mutating func text(_ key: String) -> String? { required(key) { FieldRules.text($0) } }

    mutating func date(_ key: String) -> CalendarDate? {
        guard let text = string(key) else { return nil }
        guard let date = CalendarDate(iso: text) else {
            problems.append(FieldProblem(
                field: path(key), reason: "\"\(FieldRules.printable(text))\" is not a date; write it as YYYY-MM-DD, e.g. 2026-12-01"))
            return nil
        }
        return date
    }

    mutating func optionalDate(_ key: String) -> CalendarDate? { isAbsent(key) ? nil : date(key) }

    mutating func amount(_ key: String, minorUnits: Int, allowZero: Bool) -> Decimal? {
        let value: Decimal
        switch object[key] {
        case .number(let number):
            value = number
        case .string(let text) where !text.isEmpty:
            guard let parsed = Money.parse(FieldRules.trimmedSpaces(text)) else {
                problems.append(FieldProblem(
                    field: path(key), reason: "\"\(FieldRules.printable(text))\" is not an amount; write digits with a point for decimals and no currency sign or thousands separator, e.g. 1200.00"))
                return nil
            }
            value = parsed
        case nil, .null, .string:
            problems.append(FieldProblem(field: path(key), reason: "is missing"))
            return nil
        case .some(let other):
            problems.append(FieldProblem(field: path(key), reason: "must be an amount such as \"1200.00\"; found \(other.kindName)"))
            return nil
        }
        if value < 0 || (value == 0 && !allowZero) {
            problems.append(FieldProblem(
                field: path(key), reason: "\(value) is not allowed; it must be \(allowZero ? "zero or more" : "more than zero") (record a credit note or payment as an event)"))
            return nil
        }
        if Money.scale(of: value) > minorUnits {
            problems.append(FieldProblem(
                field: path(key), reason: "\(value) has more decimals than the currency allows (\(minorUnits))"))
            return nil
        }
        return value
    }

    /// A list of `{"due", "amount"}`, or in CSV the compact text
    /// "2026-12-01=600.00;2027-01-01=600.00".
    mutating func installments(minorUnits: Int) -> [Installment] {
        let items: [JSONValue]
        switch object["installments"] {
        case nil, .null: return []
        case .array(let array): items = array
        case .string(let text) where text.isEmpty: return []
        case .string(let text):
            items = text.split(separator: ";").map { part in
                let pieces = part.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
                return .object(["due": .string(pieces.first ?? ""), "amount": .string(pieces.count > 1 ? pieces[1] : "")])
            }
        case .some(let other):
            problems.append(FieldProblem(field: path("installments"), reason: "must be a list of {\"due\", \"amount\"}; found \(other.kindName)"))
            return []
        }
        var result: [Installment] = []
        for (index, item) in items.enumerated() {
            guard case .object(let fields) = item else {
                problems.append(FieldProblem(field: path("installments[\(index + 1)]"), reason: "must be {\"due\": \"YYYY-MM-DD\", \"amount\": \"…\"}"))
                continue
            }
            var inner = FieldReader(object: fields, prefix: path("installments[\(index + 1)]"))
            inner.rejectUnknown(allowed: ["due", "amount"])
            let due = inner.date("due")
            let amount = inner.amount("amount", minorUnits: minorUnits, allowZero: false)
            problems += inner.problems
            if let due, let amount { result.append(Installment(due: due, amount: amount)) }
        }
        return result
    }
}
