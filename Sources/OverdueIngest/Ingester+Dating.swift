import Foundation
import OverdueCore

extension Ingester {
    /// A `dispute` or `resolve` that gives no date is dated the day it was
    /// read (the creditor's day, `Planner.today`), so the ledger knows how long the invoice was disputed: the
    /// days `interest_during_dispute = false` leaves out, and what a letter
    /// says about them. Journaled with the date, so a replay agrees.
    static func dated(_ record: InboxRecord, on now: Date, schedule: Schedule) -> InboxRecord {
        // (Called for every record: the day is worked out only for the two that need it.)
        switch record {
        case .event(.dispute(let invoice, nil, let reason)):
            return .event(.dispute(invoice: invoice, date: Planner.today(at: now, schedule: schedule), reason: reason))
        case .event(.resolve(let invoice, nil)): return .event(.resolve(invoice: invoice, date: Planner.today(at: now, schedule: schedule)))
        default: return record
        }
    }
}
