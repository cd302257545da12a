import Foundation
import OverdueCalendar

/// Units (an invoice, or each open installment) and what was owed on them over time.
extension Planner {
    /// What was owed on a unit from its due date on, as part payments (by
    /// their value dates, settling installments oldest first) lowered it:
    /// the periods statutory interest runs on.
    func outstandingOverTime(_ entry: LedgerEntry, _ unit: Unit) -> [(from: CalendarDate, amount: Decimal)] {
        let invoice = entry.invoice
        let parts = invoice.installments.isEmpty ? [Installment(due: invoice.due, amount: invoice.amount)]
            : invoice.installments.sorted { $0.due < $1.due }
        let index = unit.installment.map { number in
            parts.firstIndex { $0.due == invoice.installments[number - 1].due && $0.amount == invoice.installments[number - 1].amount } ?? 0
        } ?? 0
        let before = parts[..<index].reduce(Decimal(0)) { $0 + $1.amount }
        let own = parts[index].amount
        func owed(paid: Decimal) -> Decimal { own - min(own, max(0, paid - before)) }
        let (undated, payments) = cashPayments(entry)
        var paid = undated
        var periods: [(from: CalendarDate, amount: Decimal)] = []
        var next = 0
        while next < payments.count, payments[next].date <= unit.due {
            paid += payments[next].amount
            next += 1
        }
        periods.append((unit.due, owed(paid: paid)))
        for (date, amount) in payments[next...] {
            paid += amount
            periods.append((date, owed(paid: paid)))
        }
        return periods
    }

    /// The cash paid on an invoice (its amount less the ledger's balance,
    /// plus credit) as dated payments, oldest first, and what was paid
    /// before any of them (`undated`: a file's balance lower than its amount
    /// less the payments we know). A re-dropped file's balance already
    /// counts the payments recorded before it; where it counts less than
    /// they add up to, the file is what the books say, and the excess is
    /// taken off the earliest payments, so principal and charges paid
    /// always add up to the cash.
    func cashPayments(_ entry: LedgerEntry) -> (undated: Decimal, dated: [(date: CalendarDate, amount: Decimal)]) {
        var payments: [(date: CalendarDate, amount: Decimal)] = []
        for payment in entry.netPayments { payments.append((payment.date, payment.amount)) }
        payments.sort { $0.date < $1.date }
        let cash = entry.invoice.amount - entry.balance + entry.credit
        var excess = payments.reduce(Decimal(0)) { $0 + $1.amount } - cash
        guard excess > 0 else { return (-excess, payments) }
        for index in payments.indices where excess > 0 {
            let taken = min(excess, payments[index].amount)
            payments[index].amount -= taken
            excess -= taken
        }
        return (0, payments.filter { $0.amount > 0 })
    }

    /// The last ladder stage a letter delivered for a unit ("" if none): the
    /// stage whose charges a letter of another stage states for it. A
    /// broken-promise letter is not a ladder stage, so it is passed over.
    /// `before`: only letters delivered before that instant.
    func lastReachedStage(_ unitID: String, history: DeliveryHistory, before: Date = .distantFuture) -> String {
        history.sends(of: unitID).filter { $0.reached && $0.stage != PlannerSettings.brokenPromiseStage && $0.time < before }
            .max { $0.time < $1.time }?.stage ?? ""
    }

    /// The late charges of one unit in a letter of `stage` (or its last
    /// stage reached, for another overdue unit), and the dispute periods
    /// its interest line speaks of. One place for every letter's figures.
    /// Nothing before the policy's `charges_from` stage: a unit's charges
    /// appear once a letter of that stage (or a later one) is about it.
    ///
    /// `history`: the letters so far. The fixed compensation is the
    /// invoice's: once a letter about any of its units stated charges, an
    /// overdue unit of it states the compensation too (the letter shows it
    /// once per invoice), even after the unit that carried it was paid.
    /// What payments paid off of them (`unit.settled`) is stated beside them.
    func charge(_ item: inout PlannedItem, _ entry: LedgerEntry, _ unit: Unit, policy: Policy, stage: String, basis: ChargeBasis,
                today: CalendarDate, history: DeliveryHistory? = nil) {
        guard policy.statesCharges(at: stage) else {
            item.charges = LateCharges()
            item.disputes = []
            if let history, invoiceStatesCharges(entry, policy: policy, history: history) {
                item.charges.compensation = LateCharges.compute(
                    policy: policy, stage: policy.stages[policy.chargesFromIndex].name, amount: unit.open,
                    currency: entry.invoice.currency, due: unit.due, today: today, basis: basis,
                    invoiceAmount: entry.invoice.amount, rates: settings.referenceRates).compensation
                item.charges.paidCompensation = min(item.charges.compensation, unit.settled.compensation)
            }
            item.invoiceChargesPaid = unit.settled.paidElsewhere
            return
        }
        item.charges = LateCharges.compute(policy: policy, stage: stage, amount: unit.open, currency: entry.invoice.currency,
                                           due: unit.due, today: today, basis: basis, invoiceAmount: entry.invoice.amount,
                                           rates: settings.referenceRates, outstanding: interestPeriods(entry, unit, policy: policy))
        item.charges.paidFee = min(item.charges.fee, unit.settled.fee)
        item.charges.paidInterest = min(item.charges.interest, unit.settled.interest)
        item.charges.paidCompensation = min(item.charges.compensation, unit.settled.compensation)
        item.invoiceChargesPaid = unit.settled.paidElsewhere
        if basis.applies, policy.interestRatePercent != nil || basis.law != nil {
            item.disputes = entry.disputePeriods.filter { $0.until > unit.due }
        }
    }

    /// Whether a delivered letter about any unit of the invoice (paid ones
    /// too) was at a stage that states charges.
    func invoiceStatesCharges(_ entry: LedgerEntry, policy: Policy, history: DeliveryHistory) -> Bool {
        ReminderItem.unitIDs(of: entry.invoice).contains { policy.statesCharges(at: lastReachedStage($0, history: history)) }
    }

    /// The periods statutory interest runs on: what was owed over time,
    /// with nothing owed while the invoice was disputed when the policy
    /// says `interest_during_dispute = false`.
    func interestPeriods(_ entry: LedgerEntry, _ unit: Unit, policy: Policy) -> [(from: CalendarDate, amount: Decimal)] {
        let owed = unit.owed ?? outstandingOverTime(entry, unit)
        let disputes = policy.interestDuringDispute ? [] : entry.disputePeriods
        guard !disputes.isEmpty else { return owed }
        func owedOn(_ day: CalendarDate) -> Decimal { owed.last { $0.from <= day }?.amount ?? owed[0].amount }
        let starts = Set(owed.map(\.from) + disputes.flatMap { [$0.from, $0.until] }).filter { $0 >= unit.due }.union([unit.due]).sorted()
        return starts.map { day in (day, disputes.contains { $0.from <= day && day < $0.until } ? 0 : owedOn(day)) }
    }
}
