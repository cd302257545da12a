import ArgumentParser
import OverdueQueries
import OverdueSpool

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "The delivery log, filtered; or the exact message sent under a key (--show)."
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Only lines about this invoice.") var invoice: String?
    @Option(help: "Only lines about this customer id.") var customer: String?
    @Option(help: "Only this channel: email, sms or webhook.") var channel: String?
    @Option(help: "Only this event: ingested, rejected, sent, deferred, failed, ambiguous, suppressed, …") var event: String?
    @Option(help: ArgumentHelp("Only lines at or after this instant (ISO 8601).", valueName: "instant")) var since: String?
    @Option(help: ArgumentHelp("Print the exact message sent under this key.", valueName: "key")) var show: String?
    @Flag(help: "Print JSON Lines.") var json = false

    func validate() throws {
        if let since, Timestamp.parse(since) == nil { throw ValidationError("--since \"\(since)\" is not an ISO 8601 instant") }
    }

    func run() throws {
        let config = try global.loadConfig()
        let filter = LogView.Filter(invoice: invoice, customer: customer, channel: channel, event: event,
                                    since: since.flatMap(Timestamp.parse))
        try emit { try LogView.output(config: config, filter: filter, show: show, json: json) }
    }
}
