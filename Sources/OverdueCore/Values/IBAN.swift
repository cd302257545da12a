import Foundation

/// The IBAN rule (ISO 13616), once for every place that takes one: the
/// creditor's own account in the config, the accounts a customer record
/// declares. Two letters, two check digits, up to 30 letters or digits; the
/// check digits right by ISO 7064 mod 97-10 (the number with its first four
/// characters moved to the end, letters as 10…35, leaves 1).
public enum IBAN {
    public enum Problem: Sendable { case notAnIBAN, checkDigits }

    /// Why `compact` (upper case, no spaces) is not an IBAN, or nil.
    public static func problem(_ compact: String) -> Problem? {
        guard (15...34).contains(compact.count), compact.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }),
              compact.prefix(2).allSatisfy(\.isLetter), compact.dropFirst(2).prefix(2).allSatisfy(\.isNumber) else { return .notAnIBAN }
        return CreditorReference.mod97(String(compact.dropFirst(4) + compact.prefix(4))) == 1 ? nil : .checkDigits
    }
}
