import Foundation

/// An Internet message (RFC 5322) with a UTF-8 plain-text body, CRLF line
/// ends, and RFC 2047 encoded headers where they are not ASCII.
public struct MailMessage: Sendable {
    public var from: String
    public var to: String
    public var replyTo: String?
    public var subject: String
    public var messageID: String
    public var date: Date
    public var text: String
    public var extraHeaders: [(String, String)] = []

    public init(from: String, to: String, replyTo: String?, subject: String, messageID: String, date: Date, text: String) {
        self.from = from
        self.to = to
        self.replyTo = replyTo
        self.subject = subject
        self.messageID = messageID
        self.date = date
        self.text = text
    }

    /// The message's bytes as they are stored and sent.
    public func bytes() -> [UInt8] {
        var headers: [(String, String)] = [
            ("Date", Self.rfc5322Date(date)),
            ("From", Self.encodeMailbox(from)),
            ("To", to),
        ]
        if let replyTo { headers.append(("Reply-To", replyTo)) }
        headers += [
            ("Subject", Self.encodeWord(subject)),
            ("Message-ID", "<\(messageID)>"),
            ("MIME-Version", "1.0"),
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Transfer-Encoding", "8bit"),
        ]
        headers += extraHeaders
        var out = ""
        for (name, value) in headers { out += "\(name): \(Self.singleLine(value))\r\n" }
        out += "\r\n"
        // Body: CRLF only, never a bare LF.
        out += text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
        return Array(out.utf8)
    }

    /// No CR or LF from data may reach a header.
    static func singleLine(_ value: String) -> String {
        String(value.unicodeScalars.map { $0 == "\r" || $0 == "\n" ? " " : Character($0) })
    }

    /// RFC 2047 "B" encoding for non-ASCII header text.
    static func encodeWord(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { !$0.isASCII }) else { return text }
        return "=?UTF-8?B?\(Data(text.utf8).base64EncodedString())?="
    }

    /// "Name <addr>" with the display name encoded when not ASCII.
    static func encodeMailbox(_ mailbox: String) -> String {
        guard let open = mailbox.lastIndex(of: "<") else { return mailbox }
        let name = mailbox[..<open].trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { return mailbox }
        let encoded = name.unicodeScalars.allSatisfy(\.isASCII) ? "\"\(name.replacingOccurrences(of: "\"", with: ""))\"" : encodeWord(name)
        return "\(encoded) \(mailbox[open...])"
    }

    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
