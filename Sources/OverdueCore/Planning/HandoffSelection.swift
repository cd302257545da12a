import Foundation
import OverdueCalendar

/// Which invoices go to a collection agency (`overdue handoff`). Pure.
///
/// Eligible (`--eligible`): open on the day, not disputed, not under a
/// promise to pay, not handed off yet, and its final notice reached the
/// debtor at least `afterFinalDays` days before (debtor-local days), and
/// every deadline a letter about it gave (any installment) has passed.
/// A named debtor (`overdue handoff DEBTOR`) hands off every invoice of that
/// debtor that is open and not disputed: a person decided.
public struct HandoffSelection: Sendable {
    public struct Debtor: Sendable, Equatable {
        public var customer: Customer
        public var invoices: [String]
        /// The principal still open of each, as the policy allocates payments.
        public var open: [String: Decimal] = [:]
        /// The earliest final notice among them, if any was sent.
        public var finalNotice: CalendarDate?
    }

    public var debtors: [Debtor]

    /// Built by the planner (`Planner.handoff`): what is owed is the
    /// planner's (`Planner.owed`), and a final notice counts once the
    /// ladder says it was delivered (`Planner.delivers`: a final the debtor
    /// could read, not only our own webhook's copy of it).
    init(ledger: Ledger, history: DeliveryHistory, planner: Planner, on day: CalendarDate, afterFinalDays: Int, only customer: String? = nil) {
        let owed = planner.owed(ledger: ledger, history: history)
        var byCustomer: [String: Debtor] = [:]
        for entry in ledger.entries.values.sorted(by: { $0.invoice.id < $1.invoice.id }) {
            let invoice = entry.invoice
            // The debtor as the planner reminded them: the customer directory applied.
            let effective = ledger.directory.effective(for: invoice)
            if let customer, effective.customer.id != customer { continue }
            let open = owed(entry, day)
            guard !entry.cancelled, entry.handedOff == nil, open > 0, !entry.isDisputed else { continue }
            let calendar = planner.calendars.calendar(for: effective.customer.timezone)
            let stages = planner.settings.policy(named: effective.policy).stages
            let sends = ReminderItem.unitIDs(of: invoice).map { history.sends(of: $0) }
            let finalNotice = sends.joined().filter { send in
                stages.first { $0.name == send.stage }.map { $0.final && planner.delivers(send, stage: $0) } ?? false
            }.map { calendar.localDay($0.time) }.min()
            // Every deadline a letter the debtor read gave is a promise (the
            // final's, and another installment's firm notice), read as the
            // ladder reads it: nothing goes to an agency before the last one has passed.
            let finalDeadline = sends.compactMap { planner.ladderPosition(of: $0, stages: stages, stale: { _ in false }).payBy }.max()
            if customer == nil {
                guard let notice = finalNotice, notice.adding(days: afterFinalDays) <= day else { continue }
                if let finalDeadline, day <= finalDeadline { continue }
                if entry.isPromised(on: day) { continue }
            }
            var debtor = byCustomer[effective.customer.id] ?? Debtor(customer: effective.customer, invoices: [], finalNotice: nil)
            debtor.invoices.append(invoice.id)
            debtor.open[invoice.id] = open
            if let finalNotice { debtor.finalNotice = min(debtor.finalNotice ?? finalNotice, finalNotice) }
            byCustomer[effective.customer.id] = debtor
        }
        debtors = byCustomer.values.sorted { $0.customer.id < $1.customer.id }
    }
}
