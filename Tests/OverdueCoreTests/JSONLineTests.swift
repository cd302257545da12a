import Foundation
@testable import OverdueCore
import Testing

@Suite("JSONLine: the journals' JSON writer")
struct JSONLineTests {
    static let samples: [JSONValue] = [
        .object(["invoice": .string("INV/2027 #1"), "amount": .string("1200.50"), "nested": .object(["b": .null, "a": .bool(true)])]),
        .object(["text": .string("quote \" backslash \\ newline \n tab \t cr \r nul \u{0} bell \u{7} slash / é € 😀"),
                 "list": .array([.number(Decimal(string: "12.345")!), .number(-7), .number(0), .array([])]), "empty": .object([:])]),
        .object(["Zed": .number(1), "alpha": .number(2), "Émile": .number(3), "_": .number(4)]),
    ]

    @Test("writes exactly what JSONEncoder with sorted keys and unescaped slashes writes", arguments: samples)
    func sameAsJSONEncoder(value: JSONValue) throws {
        let expected = Array(try JSONEncoder.journalLine().encode(value))
        #expect(String(decoding: JSONLine.bytes(value), as: UTF8.self) == String(decoding: expected, as: UTF8.self))
    }

    @Test("reads back to the same value", arguments: samples)
    func roundTrip(value: JSONValue) throws {
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data(JSONLine.bytes(value))) == value)
    }
}
