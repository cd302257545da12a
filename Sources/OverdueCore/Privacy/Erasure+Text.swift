import Foundation

extension Erasure {
    /// Replaces the erased values wherever they occur in bytes: text files
    /// kept as they came (archived CSV, JSON and XML, `.error` notes) and
    /// the strings of journal and log lines. Case does not matter for ASCII
    /// (`AP@Acme.example` is the address the ledger lowercased); the forms
    /// a value takes in XML (`&amp;`) and JSON (`\"`) are looked for too,
    /// and a phone number in any spacing (`+49 151 1234-5678`).
    public struct TextScrubber: Sendable {
        struct Pattern: Sendable {
            var needle: [UInt8]
            var replacement: [UInt8]
        }

        /// Longest first, so "Jane Doe-Smith" goes before "Jane Doe".
        let patterns: [Pattern]
        /// The customer's ids: replaced only as a whole field (between
        /// quotes, commas, tags or line ends), never inside an invoice number.
        let tokens: [Pattern]
        /// Phone numbers as their digits.
        let phones: [Pattern]

        /// The scrubbed bytes, or nil when none of the values occurs.
        public func scrub(_ bytes: some Collection<UInt8>) -> [UInt8]? {
            let bytes = Array(bytes)
            var out: [UInt8] = []
            var index = 0
            var changed = false
            outer: while index < bytes.count {
                let first = Self.lower(bytes[index])
                for pattern in patterns where pattern.needle[0] == first && Self.matches(pattern.needle, in: bytes, at: index) {
                    if !changed { out.reserveCapacity(bytes.count); out += bytes[..<index]; changed = true }
                    out += pattern.replacement
                    index += pattern.needle.count
                    continue outer
                }
                if Self.isDelimiter(bytes, before: index) {
                    for token in tokens where token.needle[0] == first && Self.matches(token.needle, in: bytes, at: index)
                        && Self.isDelimiter(bytes, at: index + token.needle.count) {
                        if !changed { out.reserveCapacity(bytes.count); out += bytes[..<index]; changed = true }
                        out += token.replacement
                        index += token.needle.count
                        continue outer
                    }
                }
                if first == UInt8(ascii: "+") || Self.isDigit(first), index == 0 || !Self.isDigit(bytes[index - 1]) {
                    for phone in phones {
                        if let end = Self.phoneEnd(phone.needle, in: bytes, at: index) {
                            if !changed { out.reserveCapacity(bytes.count); out += bytes[..<index]; changed = true }
                            out += phone.replacement
                            index = end
                            continue outer
                        }
                    }
                }
                if changed { out.append(bytes[index]) }
                index += 1
            }
            return changed ? out : nil
        }

        public func scrub(_ text: String) -> String {
            scrub(Array(text.utf8)).map { String(decoding: $0, as: UTF8.self) } ?? text
        }

        /// Whether any value occurs (a message to tombstone whole).
        public func occurs(in bytes: some Collection<UInt8>) -> Bool { scrub(bytes) != nil }

        static func lower(_ byte: UInt8) -> UInt8 { byte >= 65 && byte <= 90 ? byte + 32 : byte }
        static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }

        static func matches(_ needle: [UInt8], in bytes: [UInt8], at index: Int) -> Bool {
            guard index + needle.count <= bytes.count else { return false }
            for offset in 0..<needle.count where lower(bytes[index + offset]) != needle[offset] { return false }
            return true
        }

        static let delimiters = Set("\"',;\t\r\n<>=|".utf8)
        static func isDelimiter(_ bytes: [UInt8], before index: Int) -> Bool { index == 0 || delimiters.contains(bytes[index - 1]) }
        static func isDelimiter(_ bytes: [UInt8], at index: Int) -> Bool { index >= bytes.count || delimiters.contains(bytes[index]) }

        /// Where a phone number with these digits ends, if one starts at
        /// `index`: digits with spaces, dashes, dots, slashes or brackets
        /// between them, not followed by another digit.
        static func phoneEnd(_ digits: [UInt8], in bytes: [UInt8], at index: Int) -> Int? {
            var position = index
            if bytes[position] == UInt8(ascii: "+") { position += 1 }
            var matched = 0
            let separators = Set(" -./()".utf8)
            while position < bytes.count, matched < digits.count {
                let byte = bytes[position]
                if isDigit(byte) {
                    guard byte == digits[matched] else { return nil }
                    matched += 1
                } else if !separators.contains(byte) || matched == 0 {
                    return nil
                }
                position += 1
            }
            guard matched == digits.count, position >= bytes.count || !isDigit(bytes[position]) else { return nil }
            return position
        }
    }

    /// The scrubber for what the erasure knows now (make it again after
    /// `noteFreeText`).
    public var scrubber: TextScrubber {
        let tombstoneBytes = Array(tombstone.utf8)
        let freeBytes = Array(freeText.utf8)
        var patterns: [TextScrubber.Pattern] = []
        func add(_ value: String, _ replacement: [UInt8]) {
            for form in Set([value, Self.xmlEscaped(value), Self.jsonEscaped(value)]) {
                patterns.append(TextScrubber.Pattern(needle: form.utf8.map(TextScrubber.lower), replacement: replacement))
            }
        }
        func isPhone(_ value: String) -> Bool {
            value.hasPrefix("+") && value.utf8.filter(TextScrubber.isDigit).count >= 6
                && value.utf8.allSatisfy { TextScrubber.isDigit($0) || $0 == UInt8(ascii: "+") }
        }
        // A phone number only by its digits, with the boundaries `phoneEnd`
        // checks: as a plain substring it would match inside a longer number.
        for value in identifiers where value.count >= Self.minimumScrubLength && !isPhone(value) { add(value, tombstoneBytes) }
        for text in freeTexts where text.count >= Self.minimumFreeTextLength { add(text, freeBytes) }
        let phones = identifiers.filter(isPhone).map {
            TextScrubber.Pattern(needle: Array($0.utf8.filter(TextScrubber.isDigit)), replacement: tombstoneBytes)
        }
        let tokens = ids.subtracting([tombstone]).filter { $0.count >= 2 }.map {
            TextScrubber.Pattern(needle: $0.utf8.map(TextScrubber.lower), replacement: tombstoneBytes)
        }
        return TextScrubber(patterns: patterns.sorted { $0.needle.count > $1.needle.count },
                            tokens: tokens.sorted { $0.needle.count > $1.needle.count },
                            phones: phones.sorted { $0.needle.count > $1.needle.count })
    }

    static func xmlEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func jsonEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
