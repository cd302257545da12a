import OverdueMail
/// The human-readable notice of a bounce: what the MTA wrote before the
/// copy of the returned message, cut into one paragraph per failed
/// recipient. This is how the non-standard bounces (qmail, old Sendmail
/// and Exim, Exchange 2003, Gmail, Yahoo, GMX, OpenSMTPD) are read: they
/// all list each failed address at the start of a line, followed by the
/// server's words, and end the notice with a marker line before the copy.
struct BounceText {
    /// The notice, up to the returned copy.
    var notice: String
    /// An inline copy of the returned message (after the marker), if any.
    var returnedCopy: String?
    /// Each failed address in order of first mention, with its paragraph.
    var paragraphs: [(address: String, text: String)]
    /// The notice says delivery is still being retried, not given up.
    var saysDelayed: Bool

    /// Lines that end the notice and start the returned copy.
    static let copyMarkers = [
        "this is a copy of the message", "below this line is a copy of the message", "copy of the original message",
        "----- original message -----", "original message follows", "the header of the original message",
        "original message headers", "content-type: message/rfc822", "returned message follows",
        "undelivered message follows", "--- original message",
    ]

    static let maxLines = 5_000

    static let delayedPhrases = ["has been delayed", "warning message only", "will be retried", "still being retried",
                                 "not yet been delivered", "will continue to try", "delivery delayed", "message delayed",
                                 "delivery is delayed"]
    static let permanentPhrases = ["failed permanently", "permanent error", "permanent fatal", "permanent failure",
                                   "could not be delivered", "was undeliverable", "did not reach", "has failed"]

    /// - excluding: addresses that are never failed recipients here (the
    ///   bounce's own sender and addressee: that is us).
    init(text: String, excluding: Set<String>) {
        // Character.isNewline: in Swift "\r\n" is one Character, not "\r" then "\n".
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        var end = lines.count
        for (index, line) in lines.enumerated() where index > 0 {
            let lowered = line.lowercased()
            if Self.copyMarkers.contains(where: { lowered.contains($0) }) {
                end = index
                break
            }
        }
        // Bounded: a notice is a few dozen lines; a huge text pasted in a
        // reply must not make the per-address scan below quadratic.
        let noticeLines = lines[..<min(end, Self.maxLines)]
        notice = noticeLines.joined(separator: "\n")
        // The copy often starts after an empty line, which would end its header section at once.
        returnedCopy = end < lines.count
            ? lines[(end + 1)...].drop(while: { $0.allSatisfy(\.isWhitespace) }).joined(separator: "\n") : nil

        var order: [String] = []
        var texts: [String: [Substring]] = [:]
        var current: String?
        for line in noticeLines {
            if order.count < FeedbackReport.maxRecipients, let address = MailAddresses.failedAddress(ofLine: line),
               !excluding.contains(address), !MailAddresses.isDaemon(address) {
                current = address
                if texts[address] == nil { order.append(address) }
            }
            if let current { texts[current, default: []].append(line) }
        }
        // A line elsewhere that names the address (a session transcript) is about it too.
        let lowered = noticeLines.map { $0.lowercased() }
        for address in order {
            let mine = Set(texts[address] ?? [])
            for (line, low) in zip(noticeLines, lowered) where low.contains(address) && !mine.contains(line) {
                texts[address, default: []].append(line)
            }
        }
        paragraphs = order.map { ($0, (texts[$0] ?? []).joined(separator: "\n")) }

        let words = BounceRules.normalized(notice)
        saysDelayed = Self.delayedPhrases.contains(where: { words.contains($0) })
            && !Self.permanentPhrases.contains(where: { words.contains($0) })
    }

    func paragraph(for address: String) -> String? {
        paragraphs.first { $0.address == address }?.text
    }

    /// Readable text of an HTML part: tags dropped, block ends made line
    /// breaks, the common entities decoded. Enough for MTA notices and the
    /// first line of a reply, not a renderer.
    static func plainText(fromHTML html: String) -> String {
        var out = ""
        var tag = ""
        var inTag = false
        var skipping = false  // inside <style> or <script>
        for character in html {
            if inTag {
                if character == ">" {
                    inTag = false
                    let name = tag.lowercased().split(whereSeparator: { $0 == " " || $0 == "/" || $0 == "\n" }).first ?? ""
                    let closing = tag.hasPrefix("/")
                    if ["style", "script"].contains(String(name)) { skipping = true }
                    if closing, ["/style", "/script"].contains(tag.lowercased().trimmingASCIIWhitespace()) { skipping = false }
                    if ["br", "p", "div", "tr", "li", "h1", "h2", "h3", "table", "blockquote"].contains(String(name))
                        || ["/p", "/div", "/tr", "/li", "/table", "/h1", "/h2", "/h3"].contains(tag.lowercased()) {
                        out.append("\n")
                    }
                } else {
                    tag.append(character)
                }
                continue
            }
            if character == "<" {
                inTag = true
                tag = ""
                continue
            }
            if !skipping { out.append(character) }
        }
        for (entity, value) in [("&nbsp;", " "), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"),
                                ("&apos;", "'"), ("&amp;", "&")] {
            out = out.replacingAll(entity, with: value)
        }
        return out
    }
}

extension String {
    /// Plain substring replacement without Foundation.
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        var out = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            out += rest[..<range.lowerBound]
            out += replacement
            rest = rest[range.upperBound...]
        }
        return out + rest
    }
}
