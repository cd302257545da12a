import ArgumentParser
import OverdueCore
import OverdueQueries

struct PaymentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "payments",
        abstract: "Credits from bank statements that no rule tied to an invoice, and returned credits.",
        discussion: "Each stays listed until `overdue assign ENTRY INVOICE` (or a payment record with its entry key) settles it."
    )

    @OptionGroup var global: GlobalOptions
    @Flag(help: "List the unmatched credits (the default, and for now the only list).") var unmatched = false
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let config = try global.loadConfig()
        try emit { try UnmatchedCredits.output(config: config, json: json) }
    }
}
