import Foundation

/// Rules 5 and 9: how a debtor's due units become one letter, and the
/// figures it states. Also the letter `overdue preview --stage` forces.
extension Planner {
    /// Rule 5: one letter per debtor, channel and recipient. The most
    /// advanced stage among the candidates sets it; the units at that stage
    /// climb to it. Every other overdue unit is demanded too (in the table
    /// and the total: a letter states all that is overdue) without
    /// climbing: it waits for a letter of its own stage (rule 6 spaces it).
    /// Units not yet due are listed apart.
    func letter(_ key: GroupKey, _ candidates: [Candidate], open: [PlannedItem], now: Date) -> PlannedSend {
        let rank: (Candidate) -> (Int, Int) = { ($0.item.final ? 1 : 0, $0.item.stageOffsetDays) }
        let lead = candidates.max { rank($0) < rank($1) }!
        let demanded = candidates.filter { $0.item.item.stage == lead.item.item.stage }
        let byDue: (PlannedItem, PlannedItem) -> Bool = { ($0.due, $0.item.unitID) < ($1.due, $1.item.unitID) }
        var items = demanded.map(\.item).sorted(by: byDue)
        let demandedUnits = Set(items.map(\.item.unitID))
        let others = open.filter { !demandedUnits.contains($0.item.unitID) }.sorted(by: byDue)
        var otherOverdue = others.filter { $0.daysOverdue > 0 }
        // The fixed compensation is per invoice, not per installment: stated
        // once, on the invoice's earliest demanded unit, so every letter
        // puts it in the same place.
        var compensation: [String: Decimal] = [:]
        for item in items + otherOverdue where item.charges.compensation > 0 {
            compensation[item.item.invoice] = max(compensation[item.item.invoice] ?? 0, item.charges.compensation)
        }
        let carrier = Dictionary((items + otherOverdue).sorted(by: byDue).reversed().map { ($0.item.invoice, $0.item.unitID) },
                                 uniquingKeysWith: { _, earliest in earliest })
        func place(_ item: inout PlannedItem) {
            let carries = carrier[item.item.invoice] == item.item.unitID
            item.charges.compensation = carries ? compensation[item.item.invoice] ?? 0 : 0
            item.charges.paidCompensation = min(item.charges.paidCompensation, item.charges.compensation)
        }
        for index in items.indices { place(&items[index]) }
        for index in otherOverdue.indices { place(&otherOverdue[index]) }
        // What payments paid of an invoice's charges that no listed item
        // states (`costs_first`): said once, with the carrier.
        var listedPaid: [String: Decimal] = [:]
        for item in items + otherOverdue { listedPaid[item.item.invoice, default: 0] += item.charges.paid }
        func explain(_ item: inout PlannedItem) {
            guard carrier[item.item.invoice] == item.item.unitID else { return }
            item.charges.paidElsewhere = max(0, item.invoiceChargesPaid - (listedPaid[item.item.invoice] ?? 0))
        }
        for index in items.indices { explain(&items[index]) }
        for index in otherOverdue.indices { explain(&otherOverdue[index]) }
        var send = PlannedSend(
            time: now, customer: key.customer, customerName: lead.customerName, channel: key.channel,
            recipient: key.recipient, stage: lead.item.item.stage, final: lead.item.final, policy: lead.policy,
            timeZone: lead.timeZone, items: items,
            key: PlannedSend.key(customer: key.customer, stage: lead.item.item.stage, channel: key.channel,
                                 recipient: key.recipient, items: items.map(\.item), attempt: demanded.map(\.attempt).max() ?? 0))
        send.fallbackFrom = demanded.compactMap(\.fallbackFrom).first
        send.skipReason = demanded.compactMap(\.skipReason).first
        send.chargesRule = demanded.compactMap(\.chargesRule).first
        lead.extras.describe(&send, windowOpen: demanded.allSatisfy(\.extras.windowOpen))
        send.otherOverdue = otherOverdue
        send.alsoOpen = others.filter { $0.daysOverdue <= 0 }
        // A "pay by" date for every letter after the due date (every
        // post-due template states it: the next stage waits for it), always
        // a business day.
        // A receipt stating charges still owed asks for them by a date too.
        let receiptOwes = lead.item.item.stage == PlannerSettings.thanksStage && items.contains { !$0.waived && !$0.charges.isEmpty }
        if lead.item.final || lead.item.stageOffsetDays > 0 || receiptOwes {
            let calendar = calendars.calendar(for: lead.timeZone, country: lead.extras.country)
            let policy = settings.policy(named: lead.policy)
            send.deadline = calendar.businessDay(onOrAfter: calendar.localDay(now).adding(days: policy.finalDeadlineDays))
        }
        return send
    }

    /// The units of an invoice that are open and not paused, as another
    /// stage's letter demands them (overdue) or lists them (not yet due):
    /// at the last stage delivered, with the charges that stage carries.
    func openItems(_ entry: LedgerEntry, _ debtor: EffectiveCustomer, history: DeliveryHistory, now: Date) -> [PlannedItem] {
        guard entry.handedOff == nil, !entry.cancelled, !entry.isDisputed else { return [] }
        let invoice = entry.invoice
        let customer = debtor.customer
        let calendar = calendars.calendar(for: customer)
        let today = calendar.localDay(now)
        if entry.isPromised(on: today) { return [] }
        let policy = settings.policy(named: debtor.policy)
        let statutory = statutoryRule(policy, debtor)
        return account(entry, debtor: debtor, history: history).open.map { unit in
            let unitID = ReminderItem(invoice: invoice.id, installment: unit.installment, stage: "").unitID
            let last = lastReachedStage(unitID, history: history)
            var item = PlannedItem(item: ReminderItem(invoice: invoice.id, installment: unit.installment, stage: last),
                                   stageOffsetDays: 0, final: false, amount: unit.open, currency: invoice.currency, due: unit.due,
                                   daysOverdue: unit.due.days(until: today))
            charge(&item, entry, unit, policy: policy, stage: last, basis: statutory, today: today, history: history)
            return item
        }
    }

    /// Whether the policy's statutory charges apply to this debtor, under
    /// which country's law, and why (for the log): by `customer.country`,
    /// else the country of the debtor's timezone; with `applies_to` and no
    /// country known, not shown; never for a consumer (B2B law only).
    func statutoryRule(_ policy: Policy, _ debtor: EffectiveCustomer) -> ChargeBasis {
        let customer = debtor.customer
        guard policy.interestRatePercent != nil || policy.compensation != nil || policy.statutoryCharges else {
            return ChargeBasis(applies: false)
        }
        if debtor.consumer {
            return ChargeBasis(applies: false, rule: "the customer record says consumer: statutory charges are for businesses only")
        }
        // The debtor's own timezone only: the schedule's places the creditor.
        let (country, source) = customer.country.map { ($0, "customer.country") }
            ?? (customer.timezone.flatMap { zone in settings.zoneCountries[zone].map { ($0, "timezone \(zone)") } } ?? ("", ""))
        var basis: ChargeBasis
        if let countries = policy.statutoryCountries {
            guard !country.isEmpty else { return ChargeBasis(applies: false, rule: "no country known for the debtor: statutory charges not shown") }
            let applies = countries.contains(country)
            basis = ChargeBasis(applies: applies, rule: "country \(country) (\(source)) \(applies ? "is" : "is not") in applies_to of policy \(policy.name)")
            guard applies else { return basis }
        } else {
            basis = ChargeBasis(applies: true, rule: "policy \(policy.name) has no applies_to: charged everywhere")
        }
        guard policy.statutoryCharges else { return basis }
        guard !country.isEmpty else {
            basis.rule! += "; no country known for the debtor: no statutory rule"
            return basis
        }
        basis.law = StatutoryRules.rule(for: country)
        basis.rule! += basis.law.map { "; statutory rule of \(country) (\(source)): \($0.law)" }
            ?? "; no statutory rule bundled for \(country): only the policy's interest_rate and compensation"
        return basis
    }

    /// The letter of stage `stageName` about one invoice's open units, as if
    /// that stage were due now: `overdue preview --stage`, to see a stage's
    /// wording before it is due. Built by the same `letter` as real sends;
    /// nil when the invoice is settled or the stage does not exist.
    public func forcedLetter(invoice id: String, stage stageName: String, channel: Channel, ledger: Ledger,
                             history: DeliveryHistory, now: Date) -> PlannedSend? {
        guard let entry = ledger[id], !entry.cancelled else { return nil }
        let invoice = entry.invoice
        let debtor = ledger.directory.effective(for: invoice)
        let open = account(entry, debtor: debtor, history: history).open
        guard !open.isEmpty else { return nil }
        let customer = debtor.customer
        let policy = settings.policy(named: debtor.policy)
        guard let spec = policy.stages.first(where: { $0.name == stageName }) else { return nil }
        let calendar = calendars.calendar(for: customer)
        let today = calendar.localDay(now)
        let recipient: String = switch reach(channel, customer, ledger: ledger) {
        case .recipient(let address): address
        case .unreachable(let address, _): address ?? ""
        }
        let statutory = statutoryRule(policy, debtor)
        // A stage after the due date demands only the units past due (the
        // others are listed apart, as in a real letter); with none past due
        // the wording is still shown, about them all.
        let pastDue = open.filter { $0.due < today }
        let demanded = spec.offsetDays > 0 && !pastDue.isEmpty ? pastDue : open
        let candidates = demanded.map { unit in
            var item = PlannedItem(item: ReminderItem(invoice: id, installment: unit.installment, stage: spec.name),
                                   stageOffsetDays: spec.offsetDays, final: spec.final, amount: unit.open,
                                   currency: invoice.currency, due: unit.due, daysOverdue: unit.due.days(until: today))
            charge(&item, entry, unit, policy: policy, stage: spec.name, basis: statutory, today: today, history: history)
            var candidate = Candidate(customer: customer.id, customerName: customer.name, channel: channel,
                                      recipient: recipient, policy: policy.name, timeZone: calendar.timeZone.identifier, item: item)
            candidate.chargesRule = statutory.rule
            candidate.extras = CandidateExtras(debtor: debtor, country: calendars.country(of: customer), stage: spec,
                                               channel: channel, copies: nil)
            return candidate
        }
        guard !candidates.isEmpty else { return nil }
        let others = ledger.entries.values.filter { ledger.directory.effective(for: $0.invoice).customer.id == customer.id }
            .flatMap { openItems($0, ledger.directory.effective(for: $0.invoice), history: history, now: now) }
        return letter(GroupKey(customer: customer.id, channel: channel, recipient: recipient, thanks: false),
                      candidates, open: others, now: now)
    }
}
