import Foundation
import OverdueCalendar

/// An Internet message (RFC 5322, MIME per RFC 2045/2046/2047):
/// multipart/alternative with the plain text first and the HTML second, both
/// quoted-printable UTF-8; CRLF line ends only, no line over 998 octets
/// (quoted-printable keeps body lines at 76), non-ASCII headers encoded.
/// With attachments, multipart/mixed holds that body and one base64 part
/// per file (RFC 2183 Content-Disposition, RFC 2231 for non-ASCII names).
public struct MailMessage: Sendable {
    public var from: String
    public var to: String
    public var replyTo: String?
    public var subject: String
    public var messageID: String
    public var date: Date
    public var text: String
    public var html: String?
    public var extraHeaders: [(String, String)] = []
    public var attachments: [MailAttachment] = []
    /// Copy recipients shown in the Cc header (each is delivered to as its
    /// own envelope recipient by the caller).
    public var cc: [String] = []

    public init(from: String, to: String, replyTo: String?, subject: String, messageID: String, date: Date, text: String,
                html: String? = nil) {
        self.from = from
        self.to = to
        self.replyTo = replyTo
        self.subject = subject
        self.messageID = messageID
        self.date = date
        self.text = text
        self.html = html
    }

    /// The message's bytes as they are stored and sent.
    public func bytes() -> [UInt8] {
        // Data is made single-line before it is encoded; the only line breaks
        // in the header block are our own (folding between encoded words).
        var headers: [(String, String)] = [
            ("Date", Self.rfc5322Date(date)),
            ("From", Self.encodeMailbox(Self.singleLine(from))),
            ("To", Self.singleLine(to)),
        ]
        if !cc.isEmpty { headers.append(("Cc", cc.map(Self.singleLine).joined(separator: ", "))) }
        if let replyTo { headers.append(("Reply-To", Self.singleLine(replyTo))) }
        headers += [
            ("Subject", Self.encodeWord(Self.singleLine(subject))),
            ("Message-ID", "<\(Self.singleLine(messageID))>"),
            ("MIME-Version", "1.0"),
        ]
        headers += extraHeaders.map { ($0.0, Self.singleLine($0.1)) }
        var out = ""
        for (name, value) in headers { out += "\(name): \(value)\r\n" }
        guard !attachments.isEmpty else { return Array(out.utf8) + body() }
        // The boundaries cannot occur in base64 or quoted-printable text (neither holds "=_").
        let mixed = "=_overdue_mixed_\(messageID.prefix(40).filter { $0.isLetter || $0.isNumber })"
        var bytes = Array(out.utf8)
        bytes += Array("Content-Type: multipart/mixed; boundary=\"\(mixed)\"\r\n\r\nThis is a message in MIME format.\r\n".utf8)
        bytes += Array("--\(mixed)\r\n".utf8) + body()
        for attachment in attachments {
            bytes += Array("--\(mixed)\r\n".utf8)
            bytes += attachment.part()
        }
        bytes += Array("--\(mixed)--\r\n".utf8)
        return bytes
    }

    /// The text (and HTML) body with its own Content-Type header.
    private func body() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count * 11 / 10 + (html?.utf8.count ?? 0) * 11 / 10 + 512)
        if let html {
            // The boundary comes from the message id: stable, and it cannot
            // occur in quoted-printable text (which never holds "=_").
            let boundary = "=_overdue_\(messageID.prefix(40).filter { $0.isLetter || $0.isNumber })"
            out += "Content-Type: multipart/alternative; boundary=\"\(boundary)\"\r\n\r\n".utf8
            out += "This is a message in MIME format.\r\n".utf8
            out += "--\(boundary)\r\n".utf8
            Self.part(text, type: "text/plain", into: &out)
            out += "--\(boundary)\r\n".utf8
            Self.part(html, type: "text/html", into: &out)
            out += "--\(boundary)--\r\n".utf8
        } else {
            Self.part(text, type: "text/plain", into: &out)
        }
        return out
    }

    static func part(_ body: String, type: String, into out: inout [UInt8]) {
        out += "Content-Type: \(type); charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n".utf8
        QuotedPrintable.encode(body, into: &out)
        out += [13, 10]
    }

    /// No CR or LF from data may reach a header.
    static func singleLine(_ value: String) -> String {
        String(value.unicodeScalars.map { $0 == "\r" || $0 == "\n" ? " " : Character($0) })
    }

    /// RFC 2047 "B" encoding for non-ASCII header text, in encoded words of
    /// at most 75 characters, split on character boundaries.
    static func encodeWord(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { !$0.isASCII }) else { return text }
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 45 {  // 45 bytes → 60 base64 characters
                words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }

    /// "Name <addr>" with the display name quoted, or encoded when not ASCII.
    static func encodeMailbox(_ mailbox: String) -> String {
        guard let open = mailbox.lastIndex(of: "<") else { return mailbox }
        let name = mailbox[..<open].trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { return String(mailbox[open...]) }
        let encoded = name.unicodeScalars.allSatisfy(\.isASCII)
            ? "\"\(name.replacingOccurrences(of: "\"", with: "").replacingOccurrences(of: "\\", with: ""))\"" : encodeWord(name)
        return "\(encoded) \(mailbox[open...])"
    }

    /// "Wed, 02 Dec 2026 10:00:00 +0000", computed without a locale (the
    /// English names are fixed by RFC 5322).
    static func rfc5322Date(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let second = seconds - days * 86_400
        let day = CalendarDate(daysSinceEpoch: days)
        let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]  // 1970-01-01 was a Thursday
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(weekdays[((days % 7) + 7) % 7]), \(two(day.day)) \(months[day.month - 1]) \(day.year) "
            + "\(two(second / 3600)):\(two(second / 60 % 60)):\(two(second % 60)) +0000"
    }
}

/// A file carried by an e-mail, e.g. an invoice PDF.
public struct MailAttachment: Sendable, Equatable {
    public var fileName: String
    public var contentType: String
    public var bytes: [UInt8]

    public init(fileName: String, contentType: String = "application/pdf", bytes: [UInt8]) {
        self.fileName = fileName
        self.contentType = contentType
        self.bytes = bytes
    }

    /// Headers and base64 body (76-character lines). The name goes in
    /// `filename` as a quoted string when it is printable ASCII, else as
    /// RFC 2231 `filename*=UTF-8''…`; the Content-Type `name` parameter
    /// repeats it for mail programs that only read that one.
    func part() -> [UInt8] {
        let name = MailMessage.singleLine(fileName)
        let plain = name.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 0x20 && $0 != "\"" && $0 != "\\" }
        let parameter = plain ? "filename=\"\(name)\"" : "filename*=UTF-8''\(Self.percentEncoded(name))"
        let typeName = plain ? "; name=\"\(name)\"" : ""
        if contentType == "message/rfc822" {
            // RFC 2046 §5.2.1: a message part is never base64; it goes as
            // itself, with CRLF line ends.
            var out = Array("Content-Type: message/rfc822\r\nContent-Transfer-Encoding: 8bit\r\nContent-Disposition: attachment; \(parameter)\r\n\r\n".utf8)
            var previous: UInt8 = 0
            for byte in bytes {
                if byte == 10 && previous != 13 { out.append(13) }
                out.append(byte)
                previous = byte
            }
            if previous != 10 { out += [13, 10] }
            return out
        }
        var out = Array("Content-Type: \(contentType)\(typeName)\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; \(parameter)\r\n\r\n".utf8)
        let encoded = Array(Data(bytes).base64EncodedString().utf8)
        out.reserveCapacity(out.count + encoded.count + encoded.count / 38 + 2)
        var start = 0
        while start < encoded.count {
            let end = min(start + 76, encoded.count)
            out += encoded[start..<end]
            out += [13, 10]
            start = end
        }
        return out
    }

    /// RFC 2231 / RFC 5987 value characters: attr-char kept, the rest %XX.
    static func percentEncoded(_ text: String) -> String {
        let keep = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$&+-.^_`|~".utf8)
        return text.utf8.map { keep.contains($0) ? String(UnicodeScalar($0)) : String(format: "%%%02X", $0) }.joined()
    }
}

/// Quoted-printable (RFC 2045 §6.7) for UTF-8 text, written by hand because
/// Foundation has no encoder for it. Line breaks become CRLF; lines are cut
/// with soft breaks at 76 characters.
enum QuotedPrintable {
    static func encode(_ text: String) -> String {
        var out: [UInt8] = []
        encode(text, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// CRLF, CR and LF all end a line; each becomes CRLF (a CR just before
    /// the end of the text ends nothing). Works on the contiguous UTF-8
    /// bytes: per-line substrings and array literals were most of a large
    /// batch's MIME cost.
    static func encode(_ text: String, into out: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            out.reserveCapacity(out.count + bytes.count + bytes.count / 8)
            var start = 0
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                guard byte == 10 || byte == 13 else {
                    index += 1
                    continue
                }
                encodeLine(bytes, start, index, into: &out)
                let crlf = byte == 13 && index + 1 < bytes.count && bytes[index + 1] == 10
                index += crlf ? 2 : 1
                if byte == 10 || crlf || index < bytes.count { out.append(13); out.append(10) }
                start = index
            }
            encodeLine(bytes, start, bytes.count, into: &out)
        }
    }

    private static let hex = Array("0123456789ABCDEF".utf8)

    private static func encodeLine(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, into out: inout [UInt8]) {
        var length = 0
        var index = start
        while index < end {
            let byte = bytes[index]
            let plain: Bool
            switch byte {
            case UInt8(ascii: "="): plain = false
            case UInt8(ascii: " "), UInt8(ascii: "\t"): plain = index != end - 1  // trailing whitespace is encoded
            case 33...126: plain = true
            default: plain = false
            }
            let width = plain ? 1 : 3
            if length + width > 75 {
                out.append(UInt8(ascii: "=")); out.append(13); out.append(10)
                length = 0
            }
            if plain {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "=")); out.append(hex[Int(byte >> 4)]); out.append(hex[Int(byte & 0x0F)])
            }
            length += width
            index += 1
        }
    }
}
