import ArgumentParser
import OverdueQueries

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Invoices by state, and what waits in the outbox, deferred, failed and rejected."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var time: InstantOption

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let config = try global.loadConfig()
        try emit { try StatusView.output(config: config, now: time.instant, json: json) }
    }
}
