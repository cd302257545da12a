import Foundation
import OverdueCalendar

/// A promise to pay whose date (plus `promise_grace_days`) has passed
/// without the promised payment: one `broken_promise` letter, then the
/// ladder resumes where it was (its next stage `min_gap_days` after the
/// letter). Only for policies that set `promise_grace_days`; without it a
/// lapsed promise simply resumes the ladder, as before.
extension Planner {
    /// Plans the letter when it is due. True while the letter is due or
    /// waits for its window or gap: the ladder waits behind it.
    func brokenPromise(_ entry: LedgerEntry, _ debtor: EffectiveCustomer, account: InvoiceAccount, policy: Policy, resumeDay: CalendarDate,
                       calendar: BusinessCalendar, ledger: Ledger, history: DeliveryHistory, now: Date,
                       into evaluation: inout Evaluation) -> Bool {
        guard policy.promiseGraceDays != nil, let promised = entry.promisedUntil,
              let terms = Self.brokenPromise(entry, open: account.principalOpen > 0) else { return false }
        let customer = debtor.customer
        let today = calendar.localDay(now)
        let overdue = account.open.filter { $0.due < today }
        let unitIDs = overdue.map { ReminderItem(invoice: entry.invoice.id, installment: $0.installment, stage: "").unitID }
        // Once per promise: a letter since the day after the promised date answers it.
        let since = calendar.instant(promised.adding(days: 1), minute: 0)
        let answered = unitIDs.contains { id in
            history.sends(of: id).contains { $0.stage == PlannerSettings.brokenPromiseStage && $0.time >= since }
        }
        guard !overdue.isEmpty, !answered else { return false }
        // By e-mail, else by SMS; nobody to write to: the ladder's own channels decide.
        guard let (channel, recipient) = [Channel.email, .sms].lazy.compactMap({ channel -> (Channel, String)? in
            guard settings.enabledChannels.contains(channel) else { return nil }
            return self.recipient(for: channel, customer, ledger: ledger).map { (channel, $0) }
        }).first else { return false }
        var earliest = now
        if let contacted = history.lastContact(customer: customer.id, channel: channel) {
            earliest = max(earliest, calendar.firstWindowStart(onOrAfter: calendar.localDay(contacted).adding(days: settings.schedule.minGapDays)))
        }
        let sendAt = calendar.nextOpen(atOrAfter: earliest)
        guard sendAt <= now else {
            evaluation.wake(at: sendAt)
            return true
        }
        if let since = staleSince(ledger, now: now) {
            // Whether the promise was kept is payment data too.
            evaluation.held.append(HeldItem(customer: customer.id, invoices: [entry.invoice.id],
                                            stage: PlannerSettings.brokenPromiseStage, reason: .staleFeed(since: since)))
            return true
        }
        let copies = CopyPlan(debtor: debtor, stage: PlannerSettings.brokenPromiseStage, unitID: unitIDs[0], planner: self,
                              ledger: ledger, history: history)
        let statutory = statutoryRule(policy, debtor)
        for (unit, unitID) in zip(overdue, unitIDs) {
            var item = PlannedItem(
                item: ReminderItem(invoice: entry.invoice.id, installment: unit.installment, stage: PlannerSettings.brokenPromiseStage),
                stageOffsetDays: 1, final: false, amount: unit.open, currency: entry.invoice.currency, due: unit.due,
                daysOverdue: unit.due.days(until: today))
            // The charges the letters before it stated (at the last stage
            // delivered), so the figures do not drop and jump back.
            charge(&item, entry, unit, policy: policy, stage: lastReachedStage(unitID, history: history), basis: statutory,
                   today: today, history: history)
            var candidate = Candidate(customer: customer.id, customerName: customer.name, channel: channel, recipient: recipient,
                                      policy: policy.name, timeZone: calendar.timeZone.identifier, item: item)
            candidate.chargesRule = statutory.rule
            candidate.extras.country = calendars.country(of: customer)
            candidate.extras.postDue = true
            candidate.extras.promise = terms
            candidate.extras.cc = channel == .email ? copies.header : []
            evaluation.due.append(candidate)
            if channel == .email { copies.offer(from: candidate, into: &evaluation, windowOpen: true) }
        }
        return true
    }

    /// The last promise of the invoice, if the payments recorded after it
    /// fall short of it (a promise without an amount is one to pay in full,
    /// broken while anything is still owed: `open`).
    static func brokenPromise(_ entry: LedgerEntry, open: Bool) -> PromiseTerms? {
        guard let index = entry.events.lastIndex(where: { if case .promise = $0 { true } else { false } }),
              case .promise(_, let date, let amount) = entry.events[index] else { return nil }
        let paidSince = entry.events[(index + 1)...].reduce(Decimal(0)) { total, event in
            switch event {
            case .payment(_, let paid, _, _): total + paid
            case .paymentReturned(_, let returned, _, _): total - returned
            default: total
            }
        }
        if let amount, paidSince >= amount { return nil }
        return open ? PromiseTerms(date: date, amount: amount) : nil
    }
}
