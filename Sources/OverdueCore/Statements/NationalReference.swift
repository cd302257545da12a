import Foundation

/// National structured payment references, as a customer record declares
/// its debtor pays with them (`"reference_scheme": "be"`): the reference's
/// body, without its check digits and leading zeros, is the invoice
/// number's digits. Each scheme's check digits are verified, so a number
/// that merely looks like a reference is not taken for one. (Written by
/// hand: no library here knows these schemes; each is a few lines.)
public enum NationalReference: String, Sendable, CaseIterable {
    /// Belgium, "gestructureerde mededeling / communication structurée":
    /// +++123/4567/89002+++, ten digits and two check digits (mod 97, 0 as 97).
    case be
    /// Finland, "viitenumero": up to 19 digits and a check digit (weights 7, 3, 1 from the right).
    case fi
    /// Norway, KID: up to 24 digits and a check digit, MOD10 (Luhn) or MOD11.
    case no
    /// Switzerland, the QR reference (QRR): 26 digits and a check digit (mod 10 recursive).
    case ch

    /// The body's digits without leading zeros, if `digits` (digits only) is a valid reference of this scheme.
    public func body(of digits: String) -> String? {
        let values = digits.compactMap(\.wholeNumberValue)
        guard values.count == digits.count, let check = values.last else { return nil }
        let base = Array(values.dropLast())
        let valid: Bool
        switch self {
        case .be:
            guard values.count == 12 else { return nil }
            let number = base.dropLast().reduce(0) { $0 * 10 + $1 }  // ten digits of the base
            let remainder = number % 97
            valid = (remainder == 0 ? 97 : remainder) == values[10] * 10 + check
            return valid ? Self.trimmed(base.dropLast()) : nil
        case .fi:
            guard (4...20).contains(values.count) else { return nil }
            let weights = [7, 3, 1]
            let sum = base.reversed().enumerated().reduce(0) { $0 + $1.element * weights[$1.offset % 3] }
            valid = (10 - sum % 10) % 10 == check
        case .no:
            guard (2...25).contains(values.count) else { return nil }
            let luhn = base.reversed().enumerated().reduce(0) { total, item in
                let doubled = item.offset % 2 == 0 ? item.element * 2 : item.element
                return total + (doubled > 9 ? doubled - 9 : doubled)
            }
            let weighted = base.reversed().enumerated().reduce(0) { $0 + $1.element * (2 + $1.offset % 6) }
            let mod11 = (11 - weighted % 11) % 11
            valid = (10 - luhn % 10) % 10 == check || (mod11 < 10 && mod11 == check)
        case .ch:
            guard values.count == 27 else { return nil }
            valid = Self.recursiveMod10(base) == check
        }
        return valid ? Self.trimmed(base[...]) : nil
    }

    /// The reference of this scheme for an invoice number's digits (what the invoices print; tests and docs).
    public func make(_ number: String) -> String? {
        let digits = number.compactMap(\.wholeNumberValue)
        guard !digits.isEmpty else { return nil }
        switch self {
        case .be:
            guard digits.count <= 10 else { return nil }
            let base = Array(repeating: 0, count: 10 - digits.count) + digits
            let remainder = base.reduce(0) { $0 * 10 + $1 } % 97
            let check = remainder == 0 ? 97 : remainder
            return base.map(String.init).joined() + (check < 10 ? "0" : "") + String(check)
        case .ch:
            guard digits.count <= 26 else { return nil }
            let base = Array(repeating: 0, count: 26 - digits.count) + digits
            return base.map(String.init).joined() + String(Self.recursiveMod10(base))
        case .fi, .no:
            return (0...9).lazy.map { digits.map(String.init).joined() + String($0) }.first { body(of: $0) != nil }
        }
    }

    /// The candidates a credit may carry a reference in: its structured
    /// reference, and the words of its text ("+++090/9337/55493+++", digit
    /// groups written with spaces), as digits only.
    public static func candidates(reference: String?, text: String) -> [String] {
        var found: [String] = []
        func add(_ raw: some StringProtocol) {
            let digits = String(raw.filter { $0.isASCII && $0.isNumber })
            if digits.count >= 4, !found.contains(digits) { found.append(digits) }
        }
        if let reference { add(reference) }
        let words = text.split(whereSeparator: \.isWhitespace)
        for (index, word) in words.enumerated() {
            guard word.allSatisfy({ $0.isASCII && ($0.isNumber || "+*/".contains($0)) }) else { continue }
            add(word)
            // Groups printed apart ("21 00000 00003 13947 14300 09017"): the words from here on.
            var joined = String(word)
            for next in words.dropFirst(index + 1).prefix(8) {
                guard next.allSatisfy({ $0.isASCII && $0.isNumber }) else { break }
                joined += next
                add(joined)
            }
        }
        return found
    }

    static func trimmed(_ digits: ArraySlice<Int>) -> String {
        let text = digits.drop { $0 == 0 }.map(String.init).joined()
        return text.isEmpty ? "0" : text
    }

    static func recursiveMod10(_ digits: [Int]) -> Int {
        let table = [0, 9, 4, 6, 8, 2, 7, 1, 3, 5]
        let carry = digits.reduce(0) { table[($0 + $1) % 10] }
        return (10 - carry) % 10
    }
}
