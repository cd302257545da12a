import Foundation

/// Any JSON value, decoded by Foundation's `JSONDecoder` with numbers kept as
/// `Decimal` (exact: swift-foundation parses them from their digits), so an
/// amount written as a bare number never passes through `Double`.
///
/// Inbox records are first read into this shape so that JSON and CSV input
/// share one validator, and so the validator can name unknown fields.
public enum JSONValue: Sendable, Equatable, Decodable {
    case null
    case bool(Bool)
    case number(Decimal)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        // Ordered by how often each kind appears in invoices, so most values
        // decode on the first try.
        if let container = try? decoder.singleValueContainer() {
            if container.decodeNil() { self = .null; return }
            if let text = try? container.decode(String.self) { self = .string(text); return }
        }
        if let keyed = try? decoder.container(keyedBy: AnyKey.self) {
            var object: [String: JSONValue] = [:]
            object.reserveCapacity(keyed.allKeys.count)
            for key in keyed.allKeys { object[key.stringValue] = try keyed.decode(JSONValue.self, forKey: key) }
            self = .object(object)
            return
        }
        if var unkeyed = try? decoder.unkeyedContainer() {
            var array: [JSONValue] = []
            while !unkeyed.isAtEnd { array.append(try unkeyed.decode(JSONValue.self)) }
            self = .array(array)
            return
        }
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) { self = .bool(flag); return }
        self = .number(try container.decode(Decimal.self))
    }

    /// A short name of the kind, for error messages ("expected text, found a number").
    public var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "true/false"
        case .number: "a number"
        case .string: "text"
        case .array: "a list"
        case .object: "an object"
        }
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

extension JSONValue: Encodable {
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let flag): try container.encode(flag)
        case .number(let number): try container.encode(number)
        case .string(let text): try container.encode(text)
        case .array(let array): try container.encode(array)
        case .object(let object): try container.encode(object)
        }
    }
}

extension JSONEncoder {
    /// One JSON object per line with keys in a stable order: the format of
    /// every journal and log in the spool, so `diff` and `jq` see the same
    /// record the same way.
    public static func journalLine() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

extension JSONValue {
    /// Plain text of a scalar, for tables.
    public var plainText: String {
        switch self {
        case .null: ""
        case .bool(let flag): flag ? "yes" : "no"
        case .number(let number): "\(number)"
        case .string(let text): text
        case .array(let items): items.map(\.plainText).joined(separator: ", ")
        case .object: "…"
        }
    }
}
