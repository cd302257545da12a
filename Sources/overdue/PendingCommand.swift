import ArgumentParser
import OverdueQueries

struct PendingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pending",
        abstract: "Messages waiting for approval (stages with approve = true): customer, stage, invoices, amount, since when.",
        discussion: "Approve with `overdue approve KEY` (or --customer C, --all), or hold with `overdue hold KEY --reason …`."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var time: InstantOption

    @Option(help: ArgumentHelp("Render the message waiting under this key, as it would be sent.", valueName: "key"))
    var show: String?

    @Flag(help: "Print JSON: an array of {key, customer, stage, channel, recipient, invoices, amount, since}.")
    var json = false

    func run() throws {
        let config = try global.loadConfig()
        try emit { try PendingView.output(config: config, now: time.instant, show: show, json: json) }
    }
}
