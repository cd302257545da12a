/// ISO 11649 structured creditor references ("RF18 5390 0754 7034"): "RF",
/// two check digits, up to 21 letters and digits; valid when the ISO 7064
/// mod 97-10 check of the rearranged text gives 1 (the rule IBANs use).
public enum CreditorReference {
    /// The reference without spaces, upper case, if `text` is a valid one.
    public static func normalized(_ text: some StringProtocol) -> String? {
        let compact = String(text.filter { !$0.isWhitespace }).uppercased()
        guard compact.hasPrefix("RF"), (5...25).contains(compact.count),
              compact.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }),
              compact.dropFirst(2).prefix(2).allSatisfy(\.isNumber) else { return nil }
        return mod97(String(compact.dropFirst(4) + compact.prefix(4))) == 1 ? compact : nil
    }

    /// The RF reference for `body` (letters and digits): check digits computed.
    public static func make(_ body: String) -> String? {
        let compact = body.uppercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber) }
        guard !compact.isEmpty, compact.count <= 21 else { return nil }
        let check = 98 - mod97(compact + "RF00")
        return "RF" + (check < 10 ? "0" : "") + String(check) + compact
    }

    /// The first valid RF reference in a remittance text, spaces inside it
    /// allowed in groups of four as it is printed.
    public static func find(in text: String) -> String? {
        let words = text.uppercased().split(whereSeparator: { $0 == " " || $0 == "/" || $0 == ":" || $0 == "," })
        for (index, word) in words.enumerated() where word.hasPrefix("RF") {
            // "RF18" "5390" "0754" "7034": the longest run of following groups that checks.
            var candidate = String(word)
            var best = normalized(candidate)
            for next in words.dropFirst(index + 1).prefix(6) {
                guard next.count <= 4, next.allSatisfy({ $0.isLetter || $0.isNumber }) else { break }
                candidate += next
                if let valid = normalized(candidate) { best = valid }
            }
            if let best { return best }
        }
        return nil
    }

    /// The remainder mod 97 of the number the text spells (A = 10 … Z = 35).
    static func mod97(_ text: String) -> Int {
        var remainder = 0
        for character in text {
            guard let value = character.isNumber ? character.wholeNumberValue
                : character.asciiValue.map({ Int($0) - 55 }) else { return -1 }
            remainder = (value >= 10 ? remainder * 100 + value : remainder * 10 + value) % 97
        }
        return remainder
    }
}
