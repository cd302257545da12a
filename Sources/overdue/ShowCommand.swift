import ArgumentParser
import OverdueQueries

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "What the ledger holds for one invoice (its reminders so far), or for one customer (the directory record and its file)."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var time: InstantOption

    @Argument(help: "The invoice number, or a customer id.")
    var invoice: String

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let config = try global.loadConfig()
        try emit { try ShowView.output(config: config, id: invoice, json: json, now: time.instant) }
    }
}
