import Foundation
@testable import OverdueCore
import Testing

@Suite("Money: fixed-point text from integer minor units")
struct MoneyFormatTests {
    @Test("half-even rounding, signs, zeros, every minor-unit count")
    func examples() {
        #expect(Money.format(Decimal(string: "0.005")!, minorUnits: 2) == "0.00")
        #expect(Money.format(Decimal(string: "0.015")!, minorUnits: 2) == "0.02")
        #expect(Money.format(Decimal(string: "-0.015")!, minorUnits: 2) == "-0.02")
        #expect(Money.format(Decimal(string: "12.345")!, minorUnits: 3) == "12.345")
        #expect(Money.format(7, minorUnits: 4) == "7.0000")
        #expect(Money.format(Decimal(string: "1999.5")!, minorUnits: 0) == "2000")
        #expect(Money.format(Decimal(string: "123456789012345.67")!, minorUnits: 2) == "123456789012345.67")
        #expect(Money.format(Decimal(string: "1e20")!, minorUnits: 2) == "100000000000000000000.00")  // past Int64: the general path
    }

    @Test("the same text as Decimal's own description, for 20,000 random amounts")
    func agreesWithDescription() {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let digits = Int.random(in: 0...5, using: &random)
            let text = "\(Bool.random(using: &random) ? "-" : "")\(Int.random(in: 0...999_999_999, using: &random)).\(String(Int.random(in: 0...99_999, using: &random)).prefix(digits))"
            let value = Decimal(string: text.hasSuffix(".") ? String(text.dropLast()) : text)!
            let units = Int.random(in: 0...4, using: &random)
            #expect(Money.format(value, minorUnits: units) == Money.formatByDescription(value, minorUnits: units), "\(text) @ \(units)")
        }
    }
}
