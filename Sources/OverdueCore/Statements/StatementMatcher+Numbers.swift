import Foundation

/// Invoice numbers in a credit's text: found, written short, unknown, normalised.
extension StatementMatcher {

    /// Open invoices whose numbers the text contains (as one word, or
    /// written over two or three words: "INV 0042").
    func invoiceNumbers(in text: String) -> [String] {
        // An amount ("10.42", "1.200,00") is not an invoice number written with a point.
        let words = text.split(whereSeparator: \.isWhitespace).filter { !Self.looksLikeAmount($0) }
            .flatMap { $0.split(whereSeparator: { ",;()[]".contains($0) }) }
        var found: [String] = []
        for start in words.indices {
            var candidate = ""
            for word in words[start..<min(start + 3, words.endIndex)] {
                candidate += word
                let normalized = Self.normalizedNumber(candidate)
                guard normalized.count >= 3, !(normalized.allSatisfy(\.isNumber) && normalized.count < 4) else { continue }
                for id in byNumber[normalized] ?? [] where !found.contains(id) { found.append(id) }
            }
        }
        return found
    }

    /// Invoices named only by the end of their number beside one named in
    /// full ("INV-2027-0060 + 0061", "RE 4711/12"): the named number with its
    /// last digits replaced by a short group of digits in the text, when
    /// that is an invoice.
    func shortWritten(besides named: [String], in text: String) -> [String] {
        let groups = text.split(whereSeparator: { $0.isWhitespace || ",;+&/()[]".contains($0) })
            .filter { $0.count >= 2 && $0.allSatisfy { $0.isASCII && $0.isNumber } }
        guard !groups.isEmpty else { return [] }
        var found: [String] = []
        for id in named {
            let digits = id.reversed().prefix { $0.isASCII && $0.isNumber }.count
            for group in groups where group.count <= digits {
                let sibling = String(id.dropLast(group.count)) + group
                if sibling != id, allNumbers.contains(sibling), !named.contains(sibling), !found.contains(sibling) { found.append(sibling) }
            }
        }
        return found
    }

    /// A word of the text shaped like the ledger's invoice numbers that is
    /// none of them (a number the payer meant that overdue does not know).
    func unknownNumber(in text: String) -> String? {
        for word in text.split(whereSeparator: \.isWhitespace) {
            let trimmed = word.trimmingCharacters(in: CharacterSet(charactersIn: ",;.:()[]"))
            guard trimmed.contains(where: \.isNumber), !Self.looksLikeAmount(Substring(trimmed)) else { continue }
            let shape = Self.shape(trimmed)
            guard numberShapes.contains(shape), !(shape.allSatisfy { $0 == "9" } && shape.count < 4),
                  byNumber[Self.normalizedNumber(trimmed)] == nil else { continue }
            return trimmed
        }
        return nil
    }

    /// Letters upper-cased, each digit a 9, the rest left out.
    static func shape(_ text: some StringProtocol) -> String {
        // By bytes for ASCII (every invoice number of the ledger is shaped once per statement).
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            var out: [UInt8] = []
            out.reserveCapacity(text.utf8.count)
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): out.append(UInt8(ascii: "9"))
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): out.append(byte & 0xDF)
                default: continue
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
        return String(text.compactMap { $0.isASCII && $0.isNumber ? "9" : $0.isLetter ? Character($0.uppercased()) : nil })
    }

    /// "10.42", "1.200,00", "99,5": digits with a decimal point or comma before one or two digits.
    static func looksLikeAmount(_ word: Substring) -> Bool {
        let bytes = Array(word.utf8)
        guard let separator = bytes.lastIndex(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: ",") }),
              (1...2).contains(bytes.count - separator - 1), separator > 0 else { return false }
        return bytes.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: ",") }
    }

    /// Upper case, letters and digits only, leading zeros of each run of digits dropped.
    static func normalizedNumber(_ text: String) -> String {
        // Invoice numbers are ASCII nearly always: bytes, not Characters
        // (the index of 300,000 numbers was a fifth of a statement's cost).
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            var out: [UInt8] = []
            out.reserveCapacity(text.utf8.count)
            var inRun = false
            var runStart = 0
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    if !inRun { inRun = true; runStart = out.count }
                    if !(byte == UInt8(ascii: "0") && out.count == runStart) { out.append(byte) }
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
                    if inRun, out.count == runStart { out.append(UInt8(ascii: "0")) }  // a run of zeros only
                    inRun = false
                    out.append(byte & 0xDF)
                default:
                    continue
                }
            }
            if inRun, out.count == runStart { out.append(UInt8(ascii: "0")) }
            return String(decoding: out, as: UTF8.self)
        }
        var out = ""
        var run = ""  // the current run of digits, without its leading zeros
        var inRun = false
        func endRun() {
            if inRun { out += run.isEmpty ? "0" : run }
            run = ""
            inRun = false
        }
        for character in text.uppercased() where character.isLetter || (character.isASCII && character.isNumber) {
            if character.isLetter {
                endRun()
                out.append(character)
            } else {
                inRun = true
                if !(run.isEmpty && character == "0") { run.append(character) }
            }
        }
        endRun()
        return out
    }
}
