import Foundation

/// "did you mean X-101?" for an event naming an invoice the ledger does not
/// have. Written by hand: a bounded edit distance over the ledger's ids is
/// a few lines, and no library here does it.
extension LedgerEntries {
    /// The id nearest to `id`: the same one written with other case,
    /// separators or leading zeros ("x 0101" → "X-101"), else one at most
    /// two edits away; ties go to the earliest. nil when none is that near.
    public func nearestID(to id: String) -> String? {
        let wanted = Array(Self.normalized(id))
        let plain = Array(id.uppercased())
        var best: (distance: Int, id: String)?
        for entry in values {
            let candidate = entry.invoice.id
            let other = Array(candidate.uppercased())
            if Array(Self.normalized(candidate)) == wanted { return candidate }
            guard abs(other.count - plain.count) <= 2 else { continue }
            let distance = Self.editDistance(plain, other, limit: 2)
            if distance <= 2, distance < (best?.distance ?? .max) { best = (distance, candidate) }
        }
        return best?.id
    }

    /// Upper case, letters and digits only, leading zeros of each number dropped.
    static func normalized(_ id: String) -> String {
        var out = ""
        var digits = ""
        func flush() {
            let trimmed = digits.drop { $0 == "0" }
            out += digits.isEmpty ? "" : (trimmed.isEmpty ? "0" : String(trimmed))
            digits = ""
        }
        for character in id.uppercased() where character.isLetter || character.isNumber {
            if character.isNumber {
                digits.append(character)
            } else {
                flush()
                out.append(character)
            }
        }
        flush()
        return out
    }

    /// Levenshtein distance, stopping once every path exceeds `limit`.
    static func editDistance(_ a: [Character], _ b: [Character], limit: Int) -> Int {
        guard abs(a.count - b.count) <= limit else { return limit + 1 }
        var previous = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            var rowBest = i
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                rowBest = Swift.min(rowBest, current[j])
            }
            if rowBest > limit { return limit + 1 }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}
