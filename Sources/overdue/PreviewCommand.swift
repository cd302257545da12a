import ArgumentParser
import Foundation
import OverdueCore
import OverdueDaemon
import OverdueSpool

struct PreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Render an invoice's reminder without sending it: subject, text, HTML, SMS or webhook JSON."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The invoice number.")
    var invoice: String

    @Option(help: "The stage to render (default: the latest whose day has come).")
    var stage: String?

    @Option(help: "email, sms or webhook.")
    var channel: Channel = .email

    @Option(help: "Render in this language instead of the customer's (en, de, fr).")
    var language: String?

    @Option(help: ArgumentHelp("Also write the HTML e-mail body to this file, to open in a browser.", valueName: "file"))
    var html: String?

    @Option(help: ArgumentHelp("Render as of this instant (ISO 8601); default now.", valueName: "instant"))
    var now: String?

    func validate() throws {
        if let now, Timestamp.parse(now) == nil { throw ValidationError("--now \"\(now)\" is not an ISO 8601 instant") }
        if html != nil, channel != .email { throw ValidationError("--html needs --channel email") }
    }

    func run() throws {
        let config = try global.loadConfig()
        let preview: PreviewView
        do {
            preview = try PreviewView(config: config, invoiceID: invoice, stage: stage, channel: channel, language: language,
                                      now: now.flatMap(Timestamp.parse) ?? Date())
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
        let message = preview.message
        print("stage: \(preview.send.stage)   channel: \(channel.rawValue)   to: \(preview.send.recipient)   language: \(message.language)")
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
}

extension Channel: ExpressibleByArgument {}
