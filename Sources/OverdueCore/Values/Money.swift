import Foundation

/// Amounts are `Decimal` everywhere, parsed from their text and never through
/// a binary floating-point value.
public enum Money {
    /// Parses "1200", "1200.5", "-3.10". Foundation's `Decimal(string:)` alone
    /// accepts "12abc" as 12, so the shape is checked first.
    public static func parse(_ text: some StringProtocol) -> Decimal? { parse(String(text)) }

    public static func parse(_ text: String) -> Decimal? {
        let bytes = text.utf8
        var sawDigit = false
        var sawPoint = false
        for (index, byte) in bytes.enumerated() {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): sawDigit = true
            case UInt8(ascii: "-") where index == 0: continue
            case UInt8(ascii: ".") where !sawPoint && sawDigit: sawPoint = true; sawDigit = false
            default: return nil
            }
        }
        guard sawDigit, bytes.count <= 40 else { return nil }
        // Built digit by digit rather than with Decimal(string:locale:):
        // that initialiser reads the locale's separator through ICU, which
        // crashed here under concurrent use, and without a locale it follows
        // the process locale (a German one reads "1.5" as 15). Up to 18
        // digits fit a UInt64 exactly; longer ones use Decimal arithmetic.
        var small: UInt64 = 0
        var significand = Decimal(0)
        var fractionDigits = 0
        var inFraction = false
        var negative = false
        var digits = 0
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "-"): negative = true
            case UInt8(ascii: "."): inFraction = true
            default:
                digits += 1
                guard digits <= 38 else { return nil }  // Decimal holds 38 significant digits
                let digit = UInt64(byte - UInt8(ascii: "0"))
                if digits <= 18 {
                    small = small * 10 + digit
                    if digits == 18 { significand = Decimal(small) }
                } else {
                    significand = significand * 10 + Decimal(digit)
                }
                if inFraction { fractionDigits += 1 }
            }
        }
        if digits < 18 { significand = Decimal(small) }
        let value = Decimal(sign: .plus, exponent: -fractionDigits, significand: significand)
        return negative ? -value : value
    }

    /// Digits after the decimal point in `value` (0 for integers).
    public static func scale(of value: Decimal) -> Int {
        max(0, -Int(value.exponent))
    }

    /// Fixed-point text with exactly `minorUnits` decimals ("1200.00"),
    /// rounding half-even (banker's rounding, the usual rule for money).
    /// From integer minor units: `Decimal`'s `description` (the general
    /// path) was several times slower, and every letter formats a dozen.
    public static func format(_ value: Decimal, minorUnits: Int) -> String {
        guard (0..<scales.count).contains(minorUnits) else { return formatByDescription(value, minorUnits: minorUnits) }
        var input = value * scales[minorUnits]
        var rounded = Decimal()
        NSDecimalRound(&rounded, &input, 0, .bankers)
        // Beyond 10^17 minor units Int64 would not hold it (no invoice is that large).
        guard rounded.magnitude < 100_000_000_000_000_000 else { return formatByDescription(value, minorUnits: minorUnits) }
        let units = NSDecimalNumber(decimal: rounded).int64Value
        var digits = String(units.magnitude)
        if minorUnits > 0 {
            if digits.count <= minorUnits { digits = String(repeating: "0", count: minorUnits - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -minorUnits))
        }
        return units < 0 ? "-" + digits : digits
    }

    private static let scales: [Decimal] = [1, 10, 100, 1000, 10000]

    /// The same text through `Decimal.description`, for what `format` does not take.
    static func formatByDescription(_ value: Decimal, minorUnits: Int) -> String {
        var input = value
        var rounded = Decimal()
        NSDecimalRound(&rounded, &input, minorUnits, .bankers)
        let negative = rounded < 0
        let magnitude = negative ? -rounded : rounded
        var text = magnitude.description  // always "." as separator, whatever the locale
        if minorUnits > 0 {
            if let point = text.firstIndex(of: ".") {
                let decimals = text.distance(from: text.index(after: point), to: text.endIndex)
                text += String(repeating: "0", count: max(0, minorUnits - decimals))
            } else {
                text += "." + String(repeating: "0", count: minorUnits)
            }
        }
        return negative ? "-" + text : text
    }
}

/// ISO 4217 currencies.
public enum Currency {
    /// Foundation's list of current ISO 4217 codes (excludes test and fund codes).
    private static let known: Set<String> = Set(Locale.commonISOCurrencyCodes)

    public static func isKnown(_ code: String) -> Bool { known.contains(code) }

    /// Digits after the decimal point (ISO 4217 "minor unit"). Written out by
    /// hand because Foundation on Linux reports 2 for every currency.
    public static func minorUnits(_ code: String) -> Int {
        switch code {
        case "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI",
             "VND", "VUV", "XAF", "XOF", "XPF":
            return 0
        case "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND":
            return 3
        case "CLF", "UYW":
            return 4
        default:
            return 2
        }
    }
}

extension Decimal {
    /// Rounded half away from zero to `places` decimals: for the figures a
    /// person reads (shares, averages, days), not for money (`Money.format`).
    public func rounded(places: Int) -> Decimal {
        var input = self
        var output = Decimal()
        NSDecimalRound(&output, &input, places, .plain)
        return output
    }
}
