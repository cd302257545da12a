import Foundation
import OverdueCalendar

/// The planner's answers for the people who collect by hand: who to phone
/// (`overdue calls`) and what goes to a collection agency (`overdue handoff`).
/// Asked here so that what is owed (`owed`, costs first or not), what is in
/// dispute or under a promise (`LedgerEntry+Pauses.swift`) and which day it is
/// for the debtor (their own calendar) are the rules the letters follow; the
/// views only format the answer.
extension Planner {
    /// The call list on `day`: the debtors a `call` stage listed (the call
    /// sheets among `outcomes`, the delivery journal's final outcomes, that
    /// reached the list) who still owe something overdue and whom nobody
    /// has phoned since; each call's day read in the debtor's own calendar.
    public func callList(ledger: Ledger, history: DeliveryHistory, outcomes: [(message: SentMessage, status: DeliveryStatus)],
                         on day: CalendarDate) -> CallList {
        let calls = outcomes.filter(\.status.reachedDebtor).map(\.message)  // CallList takes the call channel's
        var debtors: [String: Customer] = [:]
        for entry in ledger.entries.values where debtors[entry.invoice.customer.id] == nil {
            debtors[entry.invoice.customer.id] = ledger.directory.effective(for: entry.invoice).customer
        }
        return CallList(ledger: ledger, calls: calls, on: day, owed: owed(ledger: ledger, history: history)) { call in
            (debtors[call.customer].map { calendars.calendar(for: $0) } ?? calendars.calendar(for: nil)).localDay(call.time)
        }
    }

    /// The invoices to hand to a collection agency on `day`: every eligible
    /// one (`customer` nil), or every open undisputed invoice of the named
    /// debtor (a person decided). See `HandoffSelection` for the rules.
    public func handoff(ledger: Ledger, history: DeliveryHistory, on day: CalendarDate, afterFinalDays: Int,
                        only customer: String? = nil) -> HandoffSelection {
        HandoffSelection(ledger: ledger, history: history, planner: self, on: day, afterFinalDays: afterFinalDays, only: customer)
    }
}
