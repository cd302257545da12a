import ArgumentParser
import Foundation
import OverdueConfig
import OverdueCore
import OverdueDaemon

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
        let status = try SpoolStatus(config: config, keepingOutcomes: true)
        let day = DayOption.day(date, config: config)
        let selection = HandoffSelection(ledger: status.ledger, history: status.deliveries.history, settings: config.plannerSettings,
                                         on: day, afterFinalDays: config.handoff.afterFinalDays, only: debtor)
        guard !selection.debtors.isEmpty else {
            if let debtor {
                printError(CommandFailure(code: "not-found", "customer \"\(debtor)\" has no open, undisputed invoice that is not handed off already"))
                throw ExitCode(1)
            }
            return print("nobody is eligible on \(day) (final notice at least \(config.handoff.afterFinalDays) days ago, still unpaid)")
        }
        let agency = agency ?? config.handoff.agency
        if dryRun {
            for debtor in selection.debtors {
                print("\(debtor.customer.id): \(debtor.invoices.joined(separator: ", "))"
                    + (debtor.finalNotice.map { " (final notice \($0))" } ?? ""))
            }
            return
        }
        let outcome = try HandoffRun.write(selection, day: day, agency: agency, to: URL(fileURLWithPath: to), status: status)
        for written in outcome.written {
            print("\(written.customer): \(written.invoices.count) invoice(s), \(written.messages) message(s) → \(written.directory.path)")
        }
        for refused in outcome.refused { printError(CommandFailure(code: "handoff-bundle-exists", "\(refused.customer): \(refused.reason)")) }
        let (events, failed) = (outcome.events, outcome.refused.count)
        // The marks go in after the bundles are complete: a crash in between
        // leaves a bundle and no mark, and the next attempt says the bundle exists.
        guard !events.isEmpty else { throw ExitCode(1) }
        let name = try dropIntoInbox(events, kind: "handoff", config: config)
        print("\(events.count) invoice(s) marked handed off (\(name) in the inbox); they get no more reminders")
        if failed > 0 { throw ExitCode(1) }  // the others were handed off; these need a look
    }
}
