import ArgumentParser
import Foundation
import OverdueCore
import OverdueDaemon
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
        if let show {
            guard let bytes = try LogView.message(config: config, key: show) else {
                printError(CommandFailure(code: "not-found", "no message was kept under \"\(show)\" in \(config.spool.dir)/messages"))
                throw ExitCode(1)
            }
            FileHandle.standardOutput.write(Data(bytes))
            return
        }
        let filter = LogView.Filter(invoice: invoice, customer: customer, channel: channel, event: event,
                                    since: since.flatMap(Timestamp.parse))
        let lines = try LogView.lines(config: config, filter: filter)
        if json {
            let encoder = JSONEncoder.journalLine()
            for line in lines { print(String(decoding: try encoder.encode(line), as: UTF8.self)) }
            return
        }
        guard !lines.isEmpty else {
            print("no log lines match")
            return
        }
        var table = TextTable("TIME (UTC)", "EVENT", "CHANNEL", "CUSTOMER", "WHAT", "TO", "DETAIL")
        for line in lines {
            func text(_ name: String) -> String { line[name]?.plainText ?? "" }
            let time = String(text("time").prefix(19)).replacingOccurrences(of: "T", with: " ")
            // Deliveries: the stage and the invoices demanded; records: their type, invoice, amount and file.
            let what = line["kind"] != nil
                ? [text("kind"), text("status"), text("key")].filter { !$0.isEmpty }.joined(separator: " ")
                : line["invoices"] != nil
                ? "\(text("stage")) \(text("invoices"))"
                : [text("record_type"), text("invoice"), [text("amount"), text("currency")].filter { !$0.isEmpty }.joined(separator: " "),
                   text("file").isEmpty ? "" : "(\(text("file")))"].filter { !$0.isEmpty }.joined(separator: " ")
            table.add(time, text("event"), text("channel"), text("customer"), what, text("recipient"), text("detail"))
        }
        print(table.render())
    }
}
