import ArgumentParser
import Foundation
import OverdueCore
import OverdueQueries

struct HandoffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "handoff",
        abstract: "Hand debtors to a collection agency: one bundle each; their invoices get no more reminders.",
        discussion: """
            --eligible takes every debtor whose final notice reached them at least \
            [handoff].after_final_days days ago (default 14) and who still owes on it (not disputed, \
            no promise to pay in force). Naming a DEBTOR hands off all of that debtor's open, \
            undisputed invoices. Each bundle, DIR/<customer>-<day>/, holds invoices.csv, the exact \
            copies of every message sent (messages/), the log lines about the debtor (log.jsonl) and \
            summary.txt. The invoices are then marked handed off by a `handoff` event in the inbox.
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The customer id to hand off.") var debtor: String?
    @Flag(help: "Every debtor past the final notice by [handoff].after_final_days.") var eligible = false
    @Option(help: ArgumentHelp("The directory to write the bundles into (created if missing).", valueName: "dir")) var to: String
    @Option(help: ArgumentHelp("The day of the hand-off (YYYY-MM-DD); default today in [schedule].timezone.", valueName: "date"))
    var date: String?
    @Option(help: "The agency's name (default: [handoff].agency).") var agency: String?
    @Flag(help: "List who would be handed off; write and mark nothing.") var dryRun = false

    func validate() throws {
        guard (debtor == nil) != !eligible else { throw ValidationError("name one DEBTOR or give --eligible, not both and not neither") }
        try DayOption.check(date)
        if let debtor, let problem = FieldRules.identifier(debtor) { throw ValidationError("DEBTOR: \(problem)") }
    }

    func run() throws {
        let config = try global.loadConfig()
        let day = DayOption.day(date, config: config)
        try emit {
            try HandoffRun.output(config: config, debtor: debtor, day: day, agency: agency, to: URL(fileURLWithPath: to), dryRun: dryRun)
        }
    }
}
