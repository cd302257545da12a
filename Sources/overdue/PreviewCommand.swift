import ArgumentParser
import Foundation
import OverdueCore
import OverdueDaemon
import OverdueRender
import OverdueSpool

struct PreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Show the message the daemon would send now (or at --now) about an invoice or to a customer, without sending it.",
        discussion: """
        The same planner call and message builder as a real send: the letter's stage, the invoices it demands, \
        the ones it lists apart, every figure. When nothing would be sent, it says why. --stage renders a stage \
        as if it were due (marked as forced). --raw prints the exact bytes the transport would get.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "An invoice number or a customer id.")
    var invoice: String

    @Option(help: "Force this stage instead of what is due now (to read its wording early).")
    var stage: String?

    @Option(help: "email, sms or webhook.")
    var channel: Channel = .email

    @Option(help: "Render in this language instead of the customer's (en, de, fr).")
    var language: String?

    @Option(help: ArgumentHelp("Also write the HTML e-mail body to this file, to open in a browser.", valueName: "file"))
    var html: String?

    @Option(help: ArgumentHelp("Render as of this instant (ISO 8601); default now.", valueName: "instant"))
    var now: String?

    @Flag(help: "Print only the exact bytes the transport would get (the e-mail as it lands in the Maildir).")
    var raw = false

    func validate() throws {
        if let now, Timestamp.parse(now) == nil { throw ValidationError("--now \"\(now)\" is not an ISO 8601 instant") }
        if html != nil, channel != .email { throw ValidationError("--html needs --channel email") }
    }

    func run() throws {
        let config = try global.loadConfig()
        let preview: PreviewView
        do {
            preview = try PreviewView(config: config, subject: invoice, stage: stage, channel: channel, language: language,
                                      now: now.flatMap(Timestamp.parse) ?? Date())
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
        if preview.inboxFilesRead > 0, !raw {
            print("(with \(preview.inboxFilesRead) inbox file(s) the daemon has not read yet, as its next pass will)")
        }
        guard let send = preview.send, let message = preview.message else {
            print(preview.explanation ?? "nothing would be sent")
            return
        }
        if raw {
            FileHandle.standardOutput.write(Data(preview.bytes))
            return
        }
        print("stage: \(send.stage)\(preview.forced ? " (forced by --stage)" : "")   channel: \(channel.rawValue)   to: \(send.recipient)   language: \(message.language)   key: \(send.key)")
        print("demands: \(send.invoices.joined(separator: ", "))"
            + (send.alsoOpen.isEmpty ? "" : "   also open: \(Set(send.alsoOpen.map(\.item.invoice)).sorted().joined(separator: ", "))"))
        for line in Self.documentLines(preview.documents, channel: channel) { print(line) }
        if let subject = message.subject { print("subject: \(subject)\n\n\(message.text ?? "")") }
        if let htmlBody = message.html {
            if let html {
                try htmlBody.write(toFile: html, atomically: true, encoding: .utf8)
                print("HTML written to \(html)")
            } else {
                print("----- HTML -----\n\(htmlBody)")
            }
        }
        if let sms = message.sms {
            print("\(sms.text)\n----- \(sms.text.count) characters, \(sms.encoding.rawValue), \(sms.segments) segment(s)"
                + (message.smsShortenedFrom.map { ", shortened from \($0) to fit [channels.sms].max_segments" } ?? ""))
        }
        if let webhook = message.webhook { print(webhook) }
    }

    /// "attachment: INV-1.pdf (148,956 bytes, sha256 …) for INV-1" and the left-out and missing ones.
    static func documentLines(_ documents: LetterDocuments, channel: Channel) -> [String] {
        let verb = channel == .email ? "attachment" : "document"
        return documents.attached.map { "\(verb): \($0.name) (\($0.size) bytes, sha256 \($0.sha256.prefix(12))…) for \($0.invoices.joined(separator: ", "))" }
            + documents.onRequest.map { "offered on request (over [channels.email].max_attachment_bytes): \($0.name) (\($0.size) bytes) for \($0.invoices.joined(separator: ", "))" }
            + documents.missing.map { "no document yet: \($0.invoice) names \($0.name), which has not been dropped in the inbox" }
    }
}

extension Channel: ExpressibleByArgument {}
