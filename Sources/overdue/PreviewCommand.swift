import ArgumentParser
import Foundation
import OverdueCore
import OverdueQueries
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
        try emit {
            try PreviewView.output(config: config, subject: invoice, stage: stage, channel: channel, language: language,
                                   now: now.flatMap(Timestamp.parse) ?? Date(), htmlFile: html, raw: raw)
        }
    }
}

extension Channel: ExpressibleByArgument {}
