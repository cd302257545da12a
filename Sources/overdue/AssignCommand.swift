import ArgumentParser
import OverdueCore
import OverdueQueries

struct AssignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assign",
        abstract: "Say which invoice an unmatched bank credit pays.",
        discussion: "Drops the payment into the inbox, as a statement match would have, so a running daemon applies it at once."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The entry key from `overdue payments --unmatched`.") var entry: String
    @Argument(help: "The invoice it pays.") var invoice: String
    @Option(help: "Only this part of the credit (default: all of it).") var amount: String?

    func validate() throws {
        if let amount, Money.parse(amount) == nil { throw ValidationError("--amount: write digits with a point for decimals, e.g. 120.50") }
    }

    func run() throws {
        let config = try global.loadConfig()
        try emit { try UnmatchedCredits.assign(key: entry, invoice: invoice, amount: amount.flatMap(Money.parse), config: config) }
    }
}
