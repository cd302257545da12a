import Foundation
import OverdueCalendar

/// How an invoice's payments are applied (policy `allocation`), decided
/// here once for every letter, receipt and view (`plan`, `show`, `status`
/// ask `principalOpen`): the principal first (the default), or costs, then
/// interest, then the principal (§ 367 BGB, `costs_first`). The ledger
/// keeps the cash (amount less payments); what a payment paid off is
/// derived here from the letters delivered before it, never stored, so a
/// letter recorded later cannot leave a stale split behind.
extension Planner {
    /// An invoice with its payments applied.
    struct InvoiceAccount {
        /// Every unit, paid ones too, oldest due first.
        var units: [Unit]
        /// Paid beyond the principal and the charges stated when it came:
        /// the receipt settles the charges still owed from it.
        var credit: Decimal
        /// Units still owed (principal).
        var open: [Unit] { units.filter { $0.open > 0 } }
        var principalOpen: Decimal { units.reduce(Decimal(0)) { $0 + $1.open } }
    }

    /// The principal still owed on an invoice as the policy allocates its
    /// payments: what `show`, `status`, the report and hand-off call open.
    /// With `costs_first` it can stay above zero after the cash paid
    /// reached the amount. `on`: as of that day (payments dated later had
    /// not happened); nil: all payments.
    public func principalOpen(_ entry: LedgerEntry, ledger: Ledger, history: DeliveryHistory, on day: CalendarDate? = nil) -> Decimal {
        guard !entry.cancelled else { return 0 }
        return account(entry, debtor: ledger.directory.effective(for: entry.invoice), history: history, asOf: day).principalOpen
    }

    /// The invoice's installments (or the whole invoice) with the principal
    /// still open of each, as the policy allocates payments (`show`).
    public func openParts(_ entry: LedgerEntry, ledger: Ledger, history: DeliveryHistory) -> [InvoicePart] {
        let invoice = entry.invoice
        return account(entry, debtor: ledger.directory.effective(for: invoice), history: history).units.map { unit in
            let amount = unit.installment.map { invoice.installments[$0 - 1].amount } ?? invoice.amount
            return InvoicePart(installment: unit.installment, of: max(1, invoice.installments.count), due: unit.due,
                               amount: amount, open: entry.cancelled ? 0 : unit.open)
        }
    }

    /// What was paid beyond the principal and (with `costs_first`) the
    /// charges the payments settled: the invoice's credit.
    public func credit(_ entry: LedgerEntry, ledger: Ledger, history: DeliveryHistory) -> Decimal {
        account(entry, debtor: ledger.directory.effective(for: entry.invoice), history: history).credit
    }

    /// `principalOpen` as a function of the invoice and the day, for the
    /// report and the call list; the cash balance when no policy allocates
    /// costs first (the same figure, without looking up each debtor).
    public func owed(ledger: Ledger, history: DeliveryHistory) -> (LedgerEntry, CalendarDate) -> Decimal {
        guard allocatesCostsFirst else { return { $0.balance(on: $1) } }
        return { entry, day in principalOpen(entry, ledger: ledger, history: history, on: day) }
    }

    /// The invoice's state as the planner sees it: a `costs_first` invoice
    /// whose cash covers the amount while charges took part of it is open.
    public func state(_ entry: LedgerEntry, ledger: Ledger, history: DeliveryHistory, on today: CalendarDate) -> InvoiceState {
        entry.state(on: today, owed: principalOpen(entry, ledger: ledger, history: history))
    }

    /// `state` as a function of the invoice, for counting many: the
    /// ledger's own state when no policy allocates costs first.
    public func states(ledger: Ledger, history: DeliveryHistory, on today: CalendarDate) -> (LedgerEntry) -> InvoiceState {
        guard allocatesCostsFirst else { return { $0.state(on: today) } }
        return { state($0, ledger: ledger, history: history, on: today) }
    }

    /// Invoices by state (`status`).
    public func counts(ledger: Ledger, history: DeliveryHistory, on today: CalendarDate) -> [InvoiceState: Int] {
        var counts = Dictionary(uniqueKeysWithValues: InvoiceState.allCases.map { ($0, 0) })
        let state = states(ledger: ledger, history: history, on: today)
        for entry in ledger.entries.values { counts[state(entry), default: 0] += 1 }
        return counts
    }

    /// Whether an invoice's open principal can depend on the letters sent
    /// (a policy with `allocation = "costs_first"`).
    public var allocatesCostsFirst: Bool { settings.policies.contains { $0.allocation == .costsFirst } }

    func account(_ entry: LedgerEntry, debtor: EffectiveCustomer, history: DeliveryHistory, asOf day: CalendarDate? = nil) -> InvoiceAccount {
        let policy = settings.policy(named: debtor.policy)
        guard policy.allocation == .costsFirst, !entry.cancelled,
              entry.events.contains(where: { if case .payment = $0 { true } else { false } }) else {
            return principalFirst(entry, asOf: day)
        }
        return costsFirst(entry, debtor: debtor, policy: policy, history: history, asOf: day)
    }

    /// Payments settle installments oldest first; charges only from what
    /// is paid beyond the principal (`credit`).
    private func principalFirst(_ entry: LedgerEntry, asOf day: CalendarDate?) -> InvoiceAccount {
        let units = entry.openParts(balance: day.map { entry.balance(on: $0) }).map { Unit(installment: $0.installment, due: $0.due, open: $0.open) }
        return InvoiceAccount(units: units, credit: day == nil ? entry.credit : 0)
    }

    /// § 367 BGB: each payment, by its value date, pays the costs (fees and
    /// the compensation letters delivered before that day stated), then the
    /// interest accrued to that day, then the principal. Across
    /// installments (§ 366) the oldest first, each with its own costs and
    /// interest; the compensation is the invoice's, paid before them.
    /// What the file's balance says was paid before any payment we know of
    /// is principal (its split is unknown; `cashPayments`).
    private func costsFirst(_ entry: LedgerEntry, debtor: EffectiveCustomer, policy: Policy,
                            history: DeliveryHistory, asOf day: CalendarDate?) -> InvoiceAccount {
        let invoice = entry.invoice
        let calendar = calendars.calendar(for: debtor.customer)
        let basis = statutoryRule(policy, debtor)
        let (undated, all) = cashPayments(entry)
        let payments = day.map { day in all.filter { $0.date <= day } } ?? all
        // What was paid before any dated payment settles the oldest parts first, as principal_first has it.
        var units = entry.openParts(balance: invoice.amount - undated).map { part in
            var unit = Unit(installment: part.installment, due: part.due, open: part.open)
            unit.owed = [(part.due, part.open)]
            return unit
        }
        var compensationPaid: Decimal = 0
        var credit: Decimal = 0
        for payment in payments {
            var left = payment.amount
            func pay(_ owed: Decimal) -> Decimal {
                let paid = min(left, max(0, owed))
                left -= paid
                return paid
            }
            // The letters delivered before the payment's day: one that went
            // the same day may not have been read before the money was sent.
            let through = calendar.instant(payment.date, minute: 0)
            let stages = units.map { lastReachedStage(ReminderItem(invoice: invoice.id, installment: $0.installment, stage: "").unitID,
                                                      history: history, before: through) }
            let charges = units.indices.map { index -> LateCharges in
                let unit = units[index]
                guard unit.open > 0, policy.statesCharges(at: stages[index]) else { return LateCharges() }
                return LateCharges.compute(policy: policy, stage: stages[index], amount: unit.open, currency: invoice.currency,
                                           due: unit.due, today: payment.date, basis: basis, invoiceAmount: invoice.amount,
                                           rates: settings.referenceRates, outstanding: interestPeriods(entry, unit, policy: policy))
            }
            compensationPaid += pay((charges.map(\.compensation).max() ?? 0) - compensationPaid)
            for index in units.indices where left > 0 {
                units[index].settled.fee += pay(charges[index].fee - units[index].settled.fee)
                units[index].settled.interest += pay(charges[index].interest - units[index].settled.interest)
                let principal = pay(units[index].open)
                guard principal > 0 else { continue }
                units[index].open -= principal
                // Owed from the due date on: a payment before it lowers the first amount.
                if payment.date <= units[index].due {
                    units[index].owed![0].amount = units[index].open
                } else {
                    units[index].owed!.append((payment.date, units[index].open))
                }
            }
            credit += left
        }
        // The invoice's compensation paid is shown once, with the unit that states it.
        let allPaid = units.reduce(compensationPaid) { $0 + $1.settled.fee + $1.settled.interest }
        for index in units.indices {
            units[index].settled.compensation = compensationPaid
            units[index].settled.paidElsewhere = allPaid  // the invoice's: `letter` states what its items do not
        }
        return InvoiceAccount(units: units, credit: credit)
    }
}
