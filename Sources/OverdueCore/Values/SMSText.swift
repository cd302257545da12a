/// How an SMS text travels: GSM-7 (160 characters, 153 per part when split)
/// if every character is in the GSM 03.38 alphabet, else UCS-2 (70, or 67 per
/// part). Written by hand because no library here knows the GSM alphabet.
public struct SMSText: Sendable, Equatable {
    public enum Encoding: String, Sendable { case gsm7 = "GSM-7", ucs2 = "UCS-2" }

    public let text: String
    public let encoding: Encoding
    public let segments: Int

    /// GSM 03.38 basic character set (one septet each).
    static let basic: Set<Character> = Set(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
    /// The extension table: an escape septet plus one, so two each.
    static let extended: Set<Character> = Set("\u{0C}^{}\\[~]|€")

    public init(_ text: String) {
        self.text = text
        if text.allSatisfy({ Self.basic.contains($0) || Self.extended.contains($0) }) {
            encoding = .gsm7
            segments = Self.count(text.map { Self.extended.contains($0) ? 2 : 1 }, single: 160, multi: 153)
        } else {
            encoding = .ucs2
            segments = Self.count(text.map { $0.utf16.count }, single: 70, multi: 67)
        }
    }

    /// Parts needed for these unit costs; a character never straddles two
    /// parts (an escape pair or a surrogate pair stays together).
    static func count(_ costs: [Int], single: Int, multi: Int) -> Int {
        let total = costs.reduce(0, +)
        if total == 0 { return 0 }
        if total <= single { return 1 }
        var parts = 1
        var used = 0
        for cost in costs {
            if used + cost > multi {
                parts += 1
                used = 0
            }
            used += cost
        }
        return parts
    }

    /// The text cut to fit `maxSegments`, ending in "…" if cut.
    public func shortened(toSegments maxSegments: Int) -> SMSText {
        guard segments > maxSegments else { return self }
        var characters = Array(text)
        while !characters.isEmpty {
            characters.removeLast()
            let candidate = SMSText(String(characters) + (encoding == .gsm7 ? "..." : "…"))
            if candidate.segments <= maxSegments { return candidate }
        }
        return SMSText("")
    }
}
