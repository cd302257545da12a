import ArgumentParser
import Foundation
import OverdueCore
import OverdueQueries

struct DismissCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dismiss",
        abstract: "Take a listed bank credit off the list: it is not a debtor's payment.",
        discussion: """
            For a refund, interest or a transfer between your own accounts, or a returned credit that needs nothing \
            reopened. Drops the decision into the inbox; the credit no longer holds any debtor's reminders.
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The entry key from `overdue payments --unmatched`.") var entry: String
    @Option(help: "Why it is not a debtor's payment (kept in the ledger).") var reason: String

    func validate() throws {
        if reason.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--reason: say why, e.g. \"refund from a supplier\"") }
    }

    func run() throws {
        let config = try global.loadConfig()
        try emit { try UnmatchedCredits.dismiss(key: entry, reason: reason, config: config) }
    }
}
