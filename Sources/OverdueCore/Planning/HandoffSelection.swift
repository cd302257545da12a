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

    /// Built by the planner (`Planner.handoff`). `owed`: the principal still owed (`Planner.owed`).
    init(ledger: Ledger, history: DeliveryHistory, settings: PlannerSettings, calendars: BusinessCalendars, on day: CalendarDate,
         afterFinalDays: Int, only customer: String? = nil,
         owed: (LedgerEntry, CalendarDate) -> Decimal = { $0.balance(on: $1) }) {
        var byCustomer: [String: Debtor] = [:]
        for entry in ledger.entries.values.sorted(by: { $0.invoice.id < $1.invoice.id }) {
            let invoice = entry.invoice
            // The debtor as the planner reminded them: the customer directory applied.
            let effective = ledger.directory.effective(for: invoice)
            if let customer, effective.customer.id != customer { continue }
            let open = owed(entry, day)
            guard !entry.cancelled, entry.handedOff == nil, open > 0, !entry.isDisputed else { continue }
            let calendar = calendars.calendar(for: effective.customer.timezone)
            let finalStages = Set(settings.policy(named: effective.policy).stages.filter(\.final).map(\.name))
            let units = ReminderItem.unitIDs(of: invoice)
            let reached = units.flatMap { history.sends(of: $0) }.filter(\.reached)
            let finals = reached.filter { finalStages.contains($0.stage) }
            let finalNotice = finals.map { calendar.localDay($0.time) }.min()
            // Every deadline a letter gave is a promise (the final's, and
            // another installment's firm notice): nothing goes to an agency
            // before the last one has passed.
            let finalDeadline = reached.compactMap(\.payBy).max()
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
