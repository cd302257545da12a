/// The header section of one message or MIME part (RFC 5322 §2.2), and
/// the same "Name: value" syntax in each field group of a
/// message/delivery-status part (RFC 3464 §2.1).
public struct MIMEHeaders: Sendable, Equatable {
    public struct Field: Sendable, Equatable {
        public var name: String
        /// Unfolded (line breaks and the indentation after them become one
        /// space), not RFC 2047-decoded; see `MIMEHeaders.decoded(_:)`.
        public var value: String
    }

    public var fields: [Field] = []

    public init(fields: [Field] = []) {
        self.fields = fields
    }

    /// The first field of that name, compared case-insensitively.
    public subscript(_ name: String) -> String? {
        let wanted = name.lowercased()
        return fields.first { $0.name.lowercased() == wanted }?.value
    }

    public func values(_ name: String) -> [String] {
        let wanted = name.lowercased()
        return fields.filter { $0.name.lowercased() == wanted }.map(\.value)
    }

    /// The first field of that name with RFC 2047 encoded-words decoded
    /// (Subject, From display names).
    public func decoded(_ name: String) -> String? {
        self[name].map(MIMEDecoding.decodeEncodedWords)
    }

    /// Reads fields from `bytes` up to the first empty line and returns
    /// them with the index where the body starts. Tolerant by design: an
    /// mbox "From " line before the first field is skipped, a line that is
    /// neither a field nor a continuation ends the header section there
    /// (its text becomes body, as it would for a sender that forgot the
    /// empty line), and header bytes that are not UTF-8 are read as
    /// Windows-1252.
    public static func parse(_ bytes: ArraySlice<UInt8>) -> (headers: MIMEHeaders, bodyStart: Int) {
        var fields: [Field] = []
        var index = bytes.startIndex
        var firstLine = true
        while index < bytes.endIndex {
            let lineEnd = bytes[index...].firstIndex(of: 0x0A) ?? bytes.endIndex
            var contentEnd = lineEnd
            if contentEnd > index, bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            let next = lineEnd < bytes.endIndex ? lineEnd + 1 : lineEnd
            let line = bytes[index..<contentEnd]
            defer { firstLine = false }
            if line.isEmpty { return (MIMEHeaders(fields: fields), next) }
            if let first = line.first, first == 0x20 || first == 0x09 {
                if !fields.isEmpty {
                    let more = MIMEDecoding.headerText(line).trimmingASCIIWhitespace()
                    if !more.isEmpty {
                        fields[fields.count - 1].value += fields[fields.count - 1].value.isEmpty ? more : " " + more
                    }
                }
                index = next
                continue
            }
            if firstLine, line.starts(with: Array("From ".utf8)) {
                index = next
                continue
            }
            guard let field = Self.field(line) else { return (MIMEHeaders(fields: fields), index) }
            fields.append(field)
            index = next
        }
        return (MIMEHeaders(fields: fields), bytes.endIndex)
    }

    /// Header fields from the copy of a message an MTA pasted into its
    /// bounce text, where lines are often re-wrapped without indentation:
    /// lines that are neither fields nor continuations are skipped instead
    /// of ending the section; the first empty line after a field ends it.
    public static func parseLenient(_ text: String) -> MIMEHeaders {
        var fields: [Field] = []
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            if line.allSatisfy(\.isWhitespace) {
                if fields.isEmpty { continue } else { break }
            }
            let bytes = Array(line.utf8)[...]
            if let first = line.first, first == " " || first == "\t" {
                if !fields.isEmpty { fields[fields.count - 1].value += " " + line.trimmingASCIIWhitespace() }
            } else if let field = field(bytes) {
                fields.append(field)
            }
        }
        return MIMEHeaders(fields: fields)
    }

    /// "Name: value"; the name is printable ASCII without spaces (blanks
    /// before the colon are allowed, as obsolete RFC 822 syntax did).
    private static func field(_ line: ArraySlice<UInt8>) -> Field? {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        var nameEnd = colon
        while nameEnd > line.startIndex, line[nameEnd - 1] == 0x20 || line[nameEnd - 1] == 0x09 { nameEnd -= 1 }
        let name = line[line.startIndex..<nameEnd]
        guard !name.isEmpty, name.count <= 128, name.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        let value = MIMEDecoding.headerText(line[(colon + 1)...]).trimmingASCIIWhitespace()
        return Field(name: String(decoding: name, as: UTF8.self), value: value)
    }
}

/// A Content-Type value: "type/subtype" lower-cased and its parameters
/// with lower-cased names (RFC 2045 §5.1), including RFC 2231 continued
/// (`name*0=`, `name*1=`) and charset-encoded (`name*=utf-8''%E2%82%AC`)
/// values.
public struct ContentType: Sendable, Equatable {
    public var mediaType: String
    public var parameters: [String: String]

    /// nil when the value has no "type/subtype" (the caller then uses the
    /// context's default, as RFC 2045 §5.2 says).
    public init?(_ value: String) {
        let pieces = Self.splitOutsideQuotes(value)
        guard let first = pieces.first else { return nil }
        let type = first.trimmingASCIIWhitespace().lowercased()
        let halves = type.split(separator: "/", omittingEmptySubsequences: false)
        guard halves.count == 2, !halves[0].isEmpty, !halves[1].isEmpty, !type.contains(" ") else { return nil }
        mediaType = type
        parameters = Self.parameters(pieces.dropFirst())
    }

    public init(mediaType: String, parameters: [String: String] = [:]) {
        self.mediaType = mediaType
        self.parameters = parameters
    }

    private static func splitOutsideQuotes(_ value: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        for character in value {
            if escaped { current.append(character); escaped = false; continue }
            if quoted, character == "\\" { current.append(character); escaped = true; continue }
            if character == "\"" { quoted.toggle() }
            if character == ";", !quoted {
                pieces.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        pieces.append(current)
        return pieces
    }

    private static func unquote(_ raw: String) -> String {
        let value = raw.trimmingASCIIWhitespace()
        guard value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") else {
            return value.hasPrefix("\"") ? String(value.dropFirst()) : value  // an unterminated quote: keep the rest
        }
        var out = ""
        var escaped = false
        for character in value.dropFirst().dropLast() {
            if !escaped, character == "\\" { escaped = true; continue }
            out.append(character)
            escaped = false
        }
        return out
    }

    private static func parameters(_ pieces: ArraySlice<String>) -> [String: String] {
        var plain: [String: String] = [:]
        // RFC 2231 sections: name → [(index, encoded, value)]
        var sections: [String: [(Int, Bool, String)]] = [:]
        for piece in pieces {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            let key = piece[..<equals].trimmingASCIIWhitespace().lowercased()
            let value = unquote(String(piece[piece.index(after: equals)...]))
            guard !key.isEmpty else { continue }
            if key.contains("*") {
                let parts = key.split(separator: "*", omittingEmptySubsequences: false)
                let base = String(parts[0])
                let encoded = key.hasSuffix("*")
                let number = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
                sections[base, default: []].append((number, encoded, value))
            } else if plain[key] == nil {
                plain[key] = value
            }
        }
        for (base, list) in sections {
            let ordered = list.sorted { $0.0 < $1.0 }
            var charset: String?
            var bytes: [UInt8] = []
            for (position, section) in ordered.enumerated() {
                var text = section.2
                if section.1, position == 0 {
                    // charset'language'value
                    let quoteParts = text.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
                    if quoteParts.count == 3 {
                        charset = String(quoteParts[0])
                        text = String(quoteParts[2])
                    }
                }
                bytes += section.1 ? percentDecode(text) : Array(text.utf8)
            }
            plain[base] = MIMEDecoding.decode(bytes, charset: charset ?? "utf-8")
        }
        return plain
    }

    private static func percentDecode(_ text: String) -> [UInt8] {
        let input = Array(text.utf8)
        var out: [UInt8] = []
        var index = 0
        while index < input.count {
            if input[index] == UInt8(ascii: "%"), index + 2 < input.count,
               let high = MIMEDecoding.hexValue(input[index + 1]), let low = MIMEDecoding.hexValue(input[index + 2]) {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(input[index])
                index += 1
            }
        }
        return out
    }
}
