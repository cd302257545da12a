import Foundation
import OverdueConfig
import OverdueCore
import OverdueSpool
import OverdueRender

extension PreviewView {
    /// `overdue preview`: the header lines (stage, recipient, what it demands,
    /// the documents), then the message in each of its forms; with `raw`,
    /// only the exact bytes the transport would get. With `htmlFile`, the
    /// HTML body goes to that file instead of the output.
    public static func output(config: Config, subject: String, stage: String?, channel: Channel, language: String?,
                              now: Date, htmlFile html: String?, raw: Bool) throws -> CommandOutput {
        let preview = try PreviewView(config: config, subject: subject, stage: stage, channel: channel, language: language,
                                      now: now)
        var output = CommandOutput()
        if preview.inboxFilesRead > 0, !raw {
            output.append("(with \(preview.inboxFilesRead) inbox file(s) the daemon has not read yet, as its next pass will)")
        }
        guard let send = preview.send, let message = preview.message else {
            output.append(preview.explanation ?? "nothing would be sent")
            return output
        }
        if raw { return CommandOutput(raw: preview.bytes) }
        output.append("stage: \(send.stage)\(preview.forced ? " (forced by --stage)" : "")   channel: \(channel.rawValue)   to: \(send.recipient)   language: \(message.language)   key: \(send.key)")
        let listed = { (items: [PlannedItem]) in Set(items.map(\.item.invoice)).sorted().joined(separator: ", ") }
        output.append("demands: \(send.invoices.joined(separator: ", "))"
            + (send.otherOverdue.isEmpty ? "" : "   also overdue (in the total): \(listed(send.otherOverdue))")
            + (send.alsoOpen.isEmpty ? "" : "   not yet due: \(listed(send.alsoOpen))"))
        output.lines += documentLines(preview.documents, channel: channel)
        if let subject = message.subject { output.append("subject: \(subject)\n\n\(message.text ?? "")") }
        if let htmlBody = message.html {
            if let html {
                try htmlBody.write(toFile: html, atomically: true, encoding: .utf8)
                output.append("HTML written to \(html)")
            } else {
                output.append("----- HTML -----\n\(htmlBody)")
            }
        }
        if let sms = message.sms {
            output.append("\(sms.text)\n----- \(sms.text.count) characters, \(sms.encoding.rawValue), \(sms.segments) segment(s)"
                + (message.smsShortenedFrom.map { ", shortened from \($0) to fit [channels.sms].max_segments" } ?? ""))
        }
        if let webhook = message.webhook { output.append(webhook) }
        return output
    }

    /// "attachment: INV-1.pdf (148,956 bytes, sha256 …) for INV-1" and the left-out and missing ones.
    static func documentLines(_ documents: LetterDocuments, channel: Channel) -> [String] {
        let verb = channel == .email ? "attachment" : "document"
        return documents.attached.map { "\(verb): \($0.name) (\($0.size) bytes, sha256 \($0.sha256.prefix(12))…) for \($0.invoices.joined(separator: ", "))" }
            + documents.onRequest.map { "offered on request (over [channels.email].max_attachment_bytes): \($0.name) (\($0.size) bytes) for \($0.invoices.joined(separator: ", "))" }
            + documents.missing.map { "no document yet: \($0.invoice) names \($0.name), which has not been dropped in the inbox" }
    }
}
