import Foundation
import OverdueCore
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
                             status: SpoolStatus) throws -> Outcome {
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
}
