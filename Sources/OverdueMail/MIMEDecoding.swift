/// Content-Transfer-Encodings, charsets and RFC 2047 encoded-words for the
/// feedback reader. Everything here is total: malformed input decodes to
/// something (the bytes it could read, U+FFFD, Latin-1) and never throws,
/// because a bounce with a broken body must still be classified.
public enum MIMEDecoding {
    // MARK: Transfer encodings

    /// RFC 2045 §6.8, tolerantly: characters outside the alphabet (line
    /// breaks, stray punctuation) are skipped, missing padding is accepted,
    /// and padding restarts the quantum (some encoders concatenate chunks).
    public static func base64(_ input: some Collection<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(input.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in input {
            let value: UInt32
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(byte - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(byte - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(byte - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "+"), UInt8(ascii: "-"): value = 62  // "-" and "_": the URL-safe alphabet some senders use
            case UInt8(ascii: "/"), UInt8(ascii: "_"): value = 63
            case UInt8(ascii: "="):
                accumulator = 0
                bits = 0
                continue
            default: continue
            }
            accumulator = (accumulator << 6) | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((accumulator >> UInt32(bits)) & 0xFF))
            }
        }
        return out
    }

    /// What is wrong with a base64 body, for the defect list: characters
    /// outside the alphabet (skipped when decoding) or a cut-off last group.
    public static func base64Problem(_ input: some Collection<UInt8>) -> String? {
        var symbols = 0
        var foreign = 0
        for byte in input {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="):
                symbols += 1
            case 0x20, 0x09, 0x0D, 0x0A: break
            default: foreign += 1
            }
        }
        if foreign > 0 { return "\(foreign) characters outside the base64 alphabet skipped" }
        if symbols % 4 != 0 { return "base64 body ends in an incomplete group" }
        return nil
    }

    /// RFC 2045 §6.7. A "=" not followed by two hex digits or a line end is
    /// kept as it is (many senders write a bare "=" in 8-bit bodies).
    /// `underscoreIsSpace` is the RFC 2047 "Q" variant.
    public static func quotedPrintable(_ input: some Collection<UInt8>, underscoreIsSpace: Bool = false) -> [UInt8] {
        let bytes = Array(input)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "=") {
                // Soft line break: "=" then optional blanks then CRLF or LF.
                var look = index + 1
                while look < bytes.count, bytes[look] == 0x20 || bytes[look] == 0x09 { look += 1 }
                if look < bytes.count, bytes[look] == 0x0A { index = look + 1; continue }
                if look + 1 < bytes.count, bytes[look] == 0x0D, bytes[look + 1] == 0x0A { index = look + 2; continue }
                if look == bytes.count { break }
                if index + 2 < bytes.count, let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) {
                    out.append(high << 4 | low)
                    index += 3
                    continue
                }
                out.append(byte)
            } else if underscoreIsSpace, byte == UInt8(ascii: "_") {
                out.append(0x20)
            } else {
                out.append(byte)
            }
            index += 1
        }
        return out
    }

    public static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }

    /// Undoes a Content-Transfer-Encoding; unknown encodings (x-uuencode,
    /// typos) leave the bytes as they are, which is what 7bit/8bit/binary mean.
    public static func transferDecode(_ body: [UInt8], encoding: String?) -> [UInt8] {
        switch encoding?.lowercased().trimmingASCIIWhitespace() {
        case "base64": base64(body)
        case "quoted-printable": quotedPrintable(body)
        default: body
        }
    }

    // MARK: Charsets

    /// Bytes → text in a named charset. UTF-8, US-ASCII, ISO-8859-1 and its
    /// aliases, ISO-8859-15 and Windows-1252 are decoded exactly. Anything
    /// else (ISO-2022-JP, KOI8-R, a typo) is read as UTF-8 when the bytes
    /// are valid UTF-8 and as Latin-1 otherwise: never lossless for those,
    /// but never a crash, and ASCII (addresses, status codes) survives.
    public static func decode(_ bytes: some Collection<UInt8>, charset: String?) -> String {
        let name = (charset ?? "").lowercased().trimmingASCIIWhitespace()
            .trimming("\"'")
        switch name {
        case "utf-8", "utf8":
            return String(decoding: bytes, as: UTF8.self)
        case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "cp819", "ibm819":
            return latin1(bytes)
        case "windows-1252", "cp1252", "x-cp1252", "win-1252":
            return windows1252(bytes)
        case "iso-8859-15", "iso8859-15", "latin-9", "latin9":
            return latin9(bytes)
        default:
            // us-ascii included: 8-bit bytes under a us-ascii label are common
            // and are nearly always UTF-8 or Latin-1.
            if let text = String(validating: Array(bytes), as: UTF8.self) { return text }
            return windows1252(bytes)
        }
    }

    public static func latin1(_ bytes: some Collection<UInt8>) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes { scalars.append(Unicode.Scalar(byte)) }
        return String(scalars)
    }

    /// 0x80–0x9F of Windows-1252 (the rest is Latin-1); 0 = undefined there.
    private static let cp1252High: [UInt32] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
        0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
    ]

    public static func windows1252(_ bytes: some Collection<UInt8>) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            if (0x80...0x9F).contains(byte), let scalar = Unicode.Scalar(cp1252High[Int(byte - 0x80)]), scalar.value != 0 {
                scalars.append(scalar)
            } else {
                scalars.append(Unicode.Scalar(byte))
            }
        }
        return String(scalars)
    }

    /// ISO-8859-15 differs from Latin-1 in eight positions (€, Š, š, Ž, ž, Œ, œ, Ÿ).
    public static func latin9(_ bytes: some Collection<UInt8>) -> String {
        let changed: [UInt8: UInt32] = [0xA4: 0x20AC, 0xA6: 0x0160, 0xA8: 0x0161, 0xB4: 0x017D, 0xB8: 0x017E,
                                        0xBC: 0x0152, 0xBD: 0x0153, 0xBE: 0x0178]
        var scalars = String.UnicodeScalarView()
        for byte in bytes { scalars.append(changed[byte].flatMap(Unicode.Scalar.init) ?? Unicode.Scalar(byte)) }
        return String(scalars)
    }

    /// Header bytes: UTF-8 when valid (RFC 6532 allows it), else Windows-1252
    /// (old clients put raw 8-bit Latin-1 in Subject lines).
    public static func headerText(_ bytes: some Collection<UInt8>) -> String {
        if let text = String(validating: Array(bytes), as: UTF8.self) { return text }
        return windows1252(bytes)
    }

    // MARK: RFC 2047

    /// Decodes every `=?charset?B|Q?text?=` in a header value. Whitespace
    /// between two adjacent encoded-words is dropped (§6.2); anything that
    /// does not parse as an encoded-word stays as written.
    public static func decodeEncodedWords(_ value: String) -> String {
        guard value.contains("=?") else { return value }
        var out = ""
        var pendingSpace = ""
        var lastWasEncoded = false
        var rest = Substring(value)
        while !rest.isEmpty {
            if rest.hasPrefix("=?"), let (decoded, length) = encodedWord(rest) {
                if !lastWasEncoded { out += pendingSpace }
                pendingSpace = ""
                out += decoded
                rest = rest.dropFirst(length)
                lastWasEncoded = true
                continue
            }
            let character = rest.removeFirst()
            if character.isWhitespace {
                pendingSpace.append(" ")
                continue
            }
            out += pendingSpace
            pendingSpace = ""
            out.append(character)
            lastWasEncoded = false
        }
        return out + pendingSpace
    }

    /// One encoded-word at the start of `text`, with its length in characters.
    private static func encodedWord(_ text: Substring) -> (String, Int)? {
        let parts = text.dropFirst(2).split(separator: "?", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4, parts[3].hasPrefix("="), parts[0].count < 64, !parts[2].contains(" ") else { return nil }
        let charset = parts[0].split(separator: "*").first.map(String.init) ?? ""  // RFC 2231 language suffix
        let payload = Array(parts[2].utf8)
        let bytes: [UInt8]
        switch parts[1].lowercased() {
        case "b": bytes = base64(payload)
        case "q": bytes = quotedPrintable(payload, underscoreIsSpace: true)
        default: return nil
        }
        let length = 2 + parts[0].count + 1 + parts[1].count + 1 + parts[2].count + 2
        return (decode(bytes, charset: charset), length)
    }
}

extension StringProtocol {
    public func trimmingASCIIWhitespace() -> String {
        trimming(" \t\r\n")
    }

    /// Trims by Unicode scalar, not Character: "\r\n" is one Character in
    /// Swift, so a Character set would miss a lone CR or LF.
    public func trimming(_ set: String) -> String {
        let scalars = Set(set.unicodeScalars)
        var slice = Substring(self).unicodeScalars
        while let first = slice.first, scalars.contains(first) { slice.removeFirst() }
        while let last = slice.last, scalars.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
