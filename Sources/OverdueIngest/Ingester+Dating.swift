import Foundation
import OverdueCore

extension Ingester {
    /// A `dispute` or `resolve` that gives no date is dated the day it was
    /// read (the creditor's day, `Planner.today`), so the ledger knows how long the invoice was disputed: the
    /// days `interest_during_dispute = false` leaves out, and what a letter
    /// says about them. Journaled with the date, so a replay agrees.
    static func dated(_ record: InboxRecord, on now: Date, schedule: Schedule) -> InboxRecord {
        let today = Planner.today(at: now, schedule: schedule)
        switch record {
        case .event(.dispute(let invoice, nil, let reason)): return .event(.dispute(invoice: invoice, date: today, reason: reason))
        case .event(.resolve(let invoice, nil)): return .event(.resolve(invoice: invoice, date: today))
        default: return record
        }
    }
}
