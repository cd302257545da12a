import Foundation
import OverdueCore

/// Prints a JSON value for `--json` output: keys sorted, one document.
func printJSON(_ value: JSONValue) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

extension JSONValue {
    /// Plain text of a scalar, for tables.
    var plainText: String {
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
