import Foundation
import OverdueCalendar
import OverdueConfig
import OverdueCore
import OverdueIngest
import OverdueSpool

/// `overdue handoff`'s work: one bundle per eligible debtor, and the
/// `handoff` events to record for the invoices whose bundle was written.
/// The command only prints what this returns and drops the events.
public enum HandoffRun {
    public struct Written: Sendable {
        public var customer: String
        public var invoices: [String]
        public var messages: Int
        public var directory: URL
    }

    public struct Outcome: Sendable {
        public var written: [Written] = []
        /// Debtors whose bundle could not be written, with why (one exists already).
        public var refused: [(customer: String, reason: String)] = []
        /// To record once the bundles are complete: a crash in between leaves
        /// a bundle and no mark, and the next attempt says the bundle exists.
        public var events: [LedgerEvent] = []
    }

    public static func write(_ selection: HandoffSelection, day: CalendarDate, agency: String?, to parent: URL,
                             status: SpoolState) throws -> Outcome {
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        let log = try EventLog.read(directory: status.spool.log)
        var outcome = Outcome()
        for debtor in selection.debtors {
            let bundle = HandoffBundle(debtor: debtor, day: day, agency: agency)
            do {
                let (directory, messages) = try bundle.write(to: parent, ledger: status.ledger, outcomes: status.deliveries.outcomes,
                                                             log: log, spool: status.spool)
                outcome.written.append(Written(customer: debtor.customer.id, invoices: debtor.invoices, messages: messages,
                                               directory: directory))
                outcome.events += debtor.invoices.map { .handoff(invoice: $0, date: day, agency: agency) }
            } catch let error as HandoffBundle.Exists {
                outcome.refused.append((debtor.customer.id, error.description))
            }
        }
        return outcome
    }

    /// `overdue handoff`: selects the debtors (one named, or every eligible
    /// one) on `day`, writes their bundles into `parent`, then marks the
    /// invoices of the written ones handed off by an inbox drop. A `dryRun`
    /// lists who would go and writes nothing.
    public static func output(config: Config, debtor: String?, day: CalendarDate, agency: String?, to parent: URL,
                              dryRun: Bool) throws -> CommandOutput {
        let status = try SpoolState(config: config, keepingOutcomes: true)
        let selection = Planner(settings: config.plannerSettings).handoff(ledger: status.ledger, history: status.deliveries.history, on: day,
                                                                           afterFinalDays: config.handoff.afterFinalDays, only: debtor)
        guard !selection.debtors.isEmpty else {
            if let debtor {
                throw CommandFailure(code: .notFound, "customer \"\(debtor)\" has no open, undisputed invoice that is not handed off already")
            }
            return CommandOutput(lines: ["nobody is eligible on \(day) (final notice at least \(config.handoff.afterFinalDays) days ago, still unpaid)"])
        }
        let agency = agency ?? config.handoff.agency
        if dryRun {
            return CommandOutput(lines: selection.debtors.map { debtor in
                "\(debtor.customer.id): \(debtor.invoices.joined(separator: ", "))" + (debtor.finalNotice.map { " (final notice \($0))" } ?? "")
            })
        }
        let outcome = try write(selection, day: day, agency: agency, to: parent, status: status)
        var output = CommandOutput(
            lines: outcome.written.map { "\($0.customer): \($0.invoices.count) invoice(s), \($0.messages) message(s) → \($0.directory.path)" },
            failures: outcome.refused.map { CommandFailure(code: .handoffBundleExists, "\($0.customer): \($0.reason)") })
        // The marks go in after the bundles are complete: a crash in between
        // leaves a bundle and no mark, and the next attempt says the bundle exists.
        guard !outcome.events.isEmpty else { return output }
        let name: String
        do {
            name = try InboxDrop.dropAsSpoolOwner(outcome.events.map(InboxRecord.event), kind: "handoff", config: config)
        } catch {
            // The bundles are written: say where, and why they are not marked.
            output.failures.append(CommandFailure(error))
            return output
        }
        output.append("\(outcome.events.count) invoice(s) marked handed off (\(name) in the inbox); they get no more reminders")
        return output  // with failures, exit status 1: the others were handed off; these need a look
    }
}
