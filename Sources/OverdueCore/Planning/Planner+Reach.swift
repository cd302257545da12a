import Foundation

/// Who a channel reaches (rules 7 and 8: addresses, opt-outs, the
/// suppression list) and the receipt after full payment.
extension Planner {
    /// Whether a stage has a channel (or fallback) not yet tried that can
    /// reach the debtor now.
    func canStillReach(_ stage: Stage, sends: [DeliveryHistory.StageSend], customer: Customer, ledger: Ledger) -> Bool {
        (stage.channels + stage.fallback).contains { channel in
            settings.enabledChannels.contains(channel) && (channel == .email || channel == .sms)
                && !sends.contains { $0.stage == stage.name && $0.channel == channel }
                && recipient(for: channel, customer, ledger: ledger) != nil
        }
    }

    /// A receipt by e-mail, once, for an invoice paid in full after it was
    /// reminded (an invoice never reminded needs no thanks from a robot).
    func thank(_ entry: LedgerEntry, _ debtor: EffectiveCustomer, account: InvoiceAccount, ledger: Ledger, history: DeliveryHistory, now: Date,
               into evaluation: inout Evaluation) {
        let invoice = entry.invoice
        let customer = debtor.customer
        // The letters about the invoice or any of its installments.
        let sends = ReminderItem.unitIDs(of: invoice).flatMap { history.sends(of: $0) }
        guard settings.thankAfterPayment, settings.enabledChannels.contains(.email), !sends.isEmpty,
              !sends.contains(where: { $0.stage == PlannerSettings.thanksStage }),
              let recipient = recipient(for: .email, customer, ledger: ledger) else { return }
        let calendar = calendars.calendar(for: customer)
        var earliest = now
        if let contacted = history.lastContact(customer: customer.id, channel: .email) {
            // Rule 6 holds for a receipt too.
            earliest = max(earliest, calendar.firstWindowStart(onOrAfter: calendar.localDay(contacted).adding(days: settings.schedule.minGapDays)))
        }
        let sendAt = calendar.nextOpen(atOrAfter: earliest)
        guard sendAt <= now else {
            evaluation.wake(at: sendAt)
            return
        }
        var item = PlannedItem(item: ReminderItem(invoice: invoice.id, installment: nil, stage: PlannerSettings.thanksStage),
                               stageOffsetDays: 0, final: false, amount: invoice.amount, currency: invoice.currency,
                               due: invoice.due, daysOverdue: invoice.due.days(until: calendar.localDay(now)))
        let policy = settings.policy(named: debtor.policy)
        let after = chargesAfterPayment(entry, account: account, policy: policy, basis: statutoryRule(policy, debtor),
                                        history: history, today: calendar.localDay(now))
        // The receipt states what earlier letters charged and is still owed, or that it is waived.
        item.charges = after.owed
        item.waived = policy.waiveChargesOnPayment
        var candidate = Candidate(
            customer: customer.id, customerName: customer.name, channel: .email, recipient: recipient,
            policy: settings.policy(named: debtor.policy).name, timeZone: calendar.timeZone.identifier, item: item)
        candidate.extras.country = calendars.country(of: customer)
        evaluation.due.append(candidate)
    }

    enum Reach {
        case recipient(String)
        case unreachable(address: String?, reason: String)
    }

    /// Who receives a channel's message for this customer, or why nobody can
    /// (no address, opted out: rule 8).
    func reach(_ channel: Channel, _ customer: Customer, ledger: Ledger) -> Reach {
        switch channel {
        case .email, .sms, .call:
            // A call needs a phone number like an SMS; an opt-out of `call`
            // (or of everything) keeps the debtor off the call list.
            let address = channel == .email ? customer.email : customer.phone
            guard let address else {
                return .unreachable(address: nil, reason: "the customer has no \(channel == .email ? "e-mail address" : "phone number")")
            }
            return reach(address, on: channel, ledger: ledger)
        case .webhook:
            // The webhook goes to our own endpoint; the debtor's opt-out of
            // the channel still counts.
            let optedOut = [customer.email, customer.phone].compactMap { $0 }.contains { ledger.isOptedOut($0, channel: .webhook) }
            guard let endpoint = settings.webhookEndpoint, !optedOut else {
                return .unreachable(address: settings.webhookEndpoint, reason: "the customer opted out of webhooks")
            }
            return .recipient(endpoint)
        }
    }

    /// Whether `address` may be written to on `channel`: not opted out, not bounced.
    func reach(_ address: String, on channel: Channel, ledger: Ledger) -> Reach {
        if ledger.isOptedOut(address, channel: channel) {
            return .unreachable(address: address, reason: "\(address) opted out of \(channel.rawValue)")
        }
        if let bounce = ledger.bounceReason(address, channel: channel) {
            return .unreachable(address: address, reason: "\(address) is on the suppression list: \(bounce)")
        }
        return .recipient(address)
    }

    /// The recipient on a channel, if any (see `reach`).
    func recipient(for channel: Channel, _ customer: Customer, ledger: Ledger) -> String? {
        if case .recipient(let recipient) = reach(channel, customer, ledger: ledger) { return recipient }
        return nil
    }
}
