import Dispatch
import Foundation

/// Decides what reminders are due and when the next one will be. Pure: it
/// reads the ledger, what was sent, the settings and an instant, and returns
/// a plan; the daemon does the sending, `overdue plan` the printing,
/// `overdue preview` the rendering, and all use this same code.
///
/// The ladder model: every invoice (or installment: a "unit") climbs its own
/// ladder; a debtor gets at most one letter per channel and window, and a
/// letter demands only the units that have themselves reached its stage.
///
/// The rules (README, "When reminders go out"):
/// 1. A stage is due on `due + offset_days` in the debtor's timezone, at the
///    start of business hours, moved to the next business day if needed.
/// 2. Sends happen only inside business hours on business days, local time.
/// 3. Every message has an idempotency key; what was sent is never sent again.
/// 4. Catch-up sends only the latest stage that applies while nothing was
///    delivered about a unit; after that one stage at a time. A final stage
///    is never the first notice after the due date.
/// 5. One letter per debtor, channel and window. Its stage is the most
///    advanced stage any unit is due for; it demands exactly the units due
///    that stage. Units due an earlier stage, or none yet, are listed apart
///    ("also open") outside the demanded total, and keep their own ladder:
///    no unit ever goes back down a stage or gets a stage twice.
/// 6. Two contacts of a debtor on a channel are `min_gap_days` apart.
/// 7. Paid, cancelled and handed-off invoices get nothing; disputes,
///    promises and a debtor's reply (for `reply_pause_days`) pause; each
///    pause resumes at the stage after the last delivered one.
/// 8. Opted-out channels are skipped.
/// 9. A deadline is a promise: no later stage before the day after the
///    latest pay-by date a delivered e-mail or text gave (`LadderPosition`).
/// 10. Only delivered letters climb: a stage tried and not delivered holds
///    the ladder until it goes some other way (Planner+Ladder.swift).
/// 11. One set of figures: each demanded unit's amount and charges are
///    computed here once; a letter's deadline is a business day.
public struct Planner: Sendable {
    public let settings: PlannerSettings
    public let calendars: BusinessCalendars

    public init(settings: PlannerSettings) {
        self.settings = settings
        calendars = BusinessCalendars(schedule: settings.schedule, zoneCountries: settings.zoneCountries)
    }

    /// What is due at `now`, grouped into messages, and the next wake-up.
    public func plan(ledger: Ledger, history: DeliveryHistory, now: Date) -> PlanResult {
        plan(ledger.entries.values, ledger: ledger, history: history, now: now)
    }

    /// `plan` for one debtor's invoices only: what `overdue preview` shows.
    public func plan(customer: String, ledger: Ledger, history: DeliveryHistory, now: Date) -> PlanResult {
        plan(ledger.entries.values.filter { ledger.directory.effective(for: $0.invoice).customer.id == customer },
             ledger: ledger, history: history, now: now)
    }

    /// `plan` for some of the ledger's entries (all of a debtor's, since
    /// consolidation and gaps are per debtor).
    func plan(_ entries: some Collection<LedgerEntry>, ledger: Ledger, history: DeliveryHistory, now: Date) -> PlanResult {
        var wake: Date?
        var groups: [GroupKey: [Candidate]] = [:]
        var skippedGroups: [GroupKey: [Candidate]] = [:]
        // The controls see every entry first: `min_amount` compares a
        // debtor's overdue total over all their invoices.
        var controls = ControlsPass(settings: settings)
        var withCandidates: [Evaluation] = []
        for entry in entries {
            let result = evaluate(entry, ledger: ledger, history: history, now: now)
            controls.note(result)
            if !result.due.isEmpty || !result.skipped.isEmpty { withCandidates.append(result) }
            if let next = result.wake, next > now { wake = min(wake ?? next, next) }
        }
        for var result in withCandidates {
            controls.applyMinimumAmounts(to: &result)
            for candidate in result.skipped {
                skippedGroups[GroupKey(customer: candidate.customer, channel: candidate.channel, recipient: candidate.recipient,
                                       thanks: false), default: []].append(candidate)
            }
            for candidate in result.due {
                let thanks = candidate.item.item.stage == PlannerSettings.thanksStage || candidate.extras.promise != nil
                groups[GroupKey(customer: candidate.customer, channel: candidate.channel, recipient: candidate.recipient,
                                thanks: thanks), default: []]
                    .append(candidate)
            }
        }
        // A receipt never shares a window with a reminder on its channel: it
        // waits for the gap after it (rule 6), like any other contact.
        for key in groups.keys where key.thanks {
            var reminder = key
            reminder.thanks = false
            if groups[reminder] != nil { groups[key] = nil }
        }
        // Rule 5: the other open units of debtors who get a letter (a
        // receipt excepted): demanded when overdue, else listed apart.
        let demands = { (key: GroupKey, candidates: [Candidate]) in
            !key.thanks || candidates.contains { $0.item.item.stage != PlannerSettings.thanksStage }
        }
        // A skipped letter is logged with the figures it would have stated.
        let writtenTo = Set(groups.filter(demands).map(\.key.customer) + skippedGroups.filter(demands).map(\.key.customer))
        var open: [String: [PlannedItem]] = [:]
        if !writtenTo.isEmpty {
            for entry in entries {
                let debtor = ledger.directory.effective(for: entry.invoice)
                guard writtenTo.contains(debtor.customer.id) else { continue }
                open[debtor.customer.id, default: []] += openItems(entry, debtor, history: history, now: now)
            }
        }
        let order: (PlannedSend, PlannedSend) -> Bool = {
            ($0.customer, $0.channel.rawValue, $0.recipient) < ($1.customer, $1.channel.rawValue, $1.recipient)
        }
        let sends = groups.map { key, candidates in
            letter(key, candidates, open: demands(key, candidates) ? open[key.customer] ?? [] : [], now: now)
        }.sorted(by: order)
        let skipped = skippedGroups.map { key, candidates in
            letter(key, candidates, open: demands(key, candidates) ? open[key.customer] ?? [] : [], now: now)
        }.sorted(by: order)
        var result = PlanResult(due: sends, nextWake: wake, skipped: skipped)
        result.held = controls.held
        settleApprovals(&result, ledger: ledger, history: history, now: now)
        return result
    }

    // MARK: one invoice

    struct GroupKey: Hashable {
        var customer: String
        var channel: Channel
        var recipient: String
        /// Receipts (and broken-promise letters, also outside the ladder)
        /// are never mixed into a reminder.
        var thanks: Bool
    }

    struct Candidate {
        var customer: String
        var customerName: String
        var channel: Channel
        var recipient: String
        var policy: String
        var timeZone: String
        var item: PlannedItem
        var fallbackFrom: Channel?
        var skipReason: String?
        var chargesRule: String?
        /// How many times this stage was tried on the channel without being
        /// delivered (a new try after an opt-out was lifted gets a new key).
        var attempt = 0
        /// The controls (Planner+Controls.swift): the debtor's country, the
        /// e-mail's Cc and whether this is a Cc copy, approval, the promise
        /// a broken-promise letter cites.
        var extras = CandidateExtras()
    }

    struct Evaluation {
        var due: [Candidate] = []
        var skipped: [Candidate] = []
        var wake: Date?
        /// Sends the controls hold back (excluded, no contact, stale feed, …).
        var held: [HeldItem] = []
        /// This entry's debtor and open overdue amount per currency, for `min_amount`.
        var debtor: String?
        var overdue: [String: Decimal] = [:]

        mutating func wake(at instant: Date) { wake = min(wake ?? instant, instant) }
    }

    /// One unit of reminding: the invoice, or one open installment of it.
    struct Unit {
        var installment: Int?
        var due: CalendarDate
        var open: Decimal
        /// What was owed on it from its due date on, when the allocation
        /// rule decided it (`costs_first`); nil: every payment lowered it
        /// (`outstandingOverTime`, computed only when interest is charged).
        var owed: [(from: CalendarDate, amount: Decimal)]?
        /// Charges payments paid off (`costs_first`): fee and interest of
        /// this unit, the compensation of its invoice.
        var settled = LateCharges()
    }

    func evaluate(_ entry: LedgerEntry, ledger: Ledger, history: DeliveryHistory, now: Date) -> Evaluation {
        var evaluation = Evaluation()
        // Handed to a collection agency: the agency speaks to the debtor now.
        guard entry.handedOff == nil else { return evaluation }
        // The debtor with the customer directory applied: who, where, which policy.
        let debtor = ledger.directory.effective(for: entry.invoice)
        evaluation.debtor = debtor.customer.id
        // The payments applied as the policy's `allocation` says.
        let account = account(entry, debtor: debtor, history: history)
        guard admits(entry, debtor, open: account.principalOpen > 0, into: &evaluation) else { return evaluation }
        if account.principalOpen <= 0, !entry.cancelled {
            thank(entry, debtor, account: account, ledger: ledger, history: history, now: now, into: &evaluation)
            return evaluation
        }
        // Rule 7: nothing for paid or cancelled invoices; a dispute pauses
        // until a `resolve` arrives (which re-plans).
        guard !entry.cancelled, !entry.isDisputed else { return evaluation }
        let calendar = calendars.calendar(for: debtor.customer)
        let today = calendar.localDay(now)
        let policy = settings.policy(named: debtor.policy)
        if settings.usesMinimumAmounts { evaluation.overdue = overdueAmounts(entry, account, today: today) }
        var resumedAt: Date?
        if let resumeDay = entry.promiseResumes(graceDays: policy.promiseGraceDays) {
            if today < resumeDay {
                // The plan changes when that day starts (a stage that needs
                // approval is pending from then, window or not).
                evaluation.wake(at: calendar.instant(resumeDay, minute: 0))
                return evaluation
            }
            resumedAt = calendar.instant(resumeDay, minute: 0)
            // A promise not kept: its letter first, then the ladder resumes.
            if brokenPromise(entry, debtor, account: account, policy: policy, resumeDay: resumeDay, calendar: calendar, ledger: ledger,
                             history: history, now: now, into: &evaluation) {
                return evaluation
            }
        }
        // The debtor replied: a person reads it before the ladder goes on,
        // which then resumes like after a lapsed promise (the next stage).
        if let resumeDay = replyPauseEnd(for: entry.invoice, ledger: ledger) {
            if today < resumeDay {
                // The plan changes when that day starts (a stage that needs
                // approval is pending from then, window or not).
                evaluation.wake(at: calendar.instant(resumeDay, minute: 0))
                return evaluation
            }
            resumedAt = max(resumedAt ?? .distantPast, calendar.instant(resumeDay, minute: 0))
        }
        for unit in account.open {
            evaluateUnit(unit, entry: entry, debtor: debtor, policy: policy, calendar: calendar, ledger: ledger, history: history,
                         now: now, resumedAt: resumedAt, into: &evaluation)
        }
        return evaluation
    }

    /// The first day a debtor who replied is reminded again: the
    /// `reply_pause_days`-th business day after the reply, in their calendar.
    /// (Replies are keyed by the id the invoice carries; the calendar is the
    /// debtor's with the customer directory applied.)
    public func replyPauseEnd(for invoice: Invoice, ledger: Ledger) -> CalendarDate? {
        guard !ledger.replies.isEmpty else { return nil }
        let debtor = ledger.directory.effective(for: invoice).customer
        guard let replied = ledger.replies[invoice.customer.id] ?? ledger.replies[debtor.id] else { return nil }
        return calendars.calendar(for: debtor).businessDays(settings.schedule.replyPauseDays, after: replied)
    }

    private func evaluateUnit(_ unit: Unit, entry: LedgerEntry, debtor: EffectiveCustomer, policy: Policy,
                              calendar: BusinessCalendar, ledger: Ledger, history: DeliveryHistory, now: Date, resumedAt: Date?,
                              into evaluation: inout Evaluation) {
        let stages = policy.stages
        guard !stages.isEmpty else { return }
        let invoice = entry.invoice
        let customer = debtor.customer
        let gap = settings.schedule.minGapDays
        let today = calendar.localDay(now)
        let unitID = ReminderItem(invoice: invoice.id, installment: unit.installment, stage: "").unitID
        let times = stages.map { calendar.firstWindowStart(onOrAfter: unit.due.adding(days: $0.offsetDays)) }
        let sends = history.sends(of: unitID)

        // A pre-due stage is stale on the due day: a "due soon" note on or
        // after the due date would be wrong (its day may have moved there
        // past a weekend or holiday).
        func stale(_ position: Int) -> Bool { stages[position].offsetDays < 0 && today >= unit.due }
        func eligible(_ position: Int) -> Bool { times[position] <= now && !stale(position) }
        let ladder = ladderPosition(of: sends, stages: stages, stale: stale)
        // A pre-due stage that could not go stops holding the ladder on the due day.
        if let blocked = ladder.blocked, stages[blocked].offsetDays < 0 { evaluation.wake(at: calendar.instant(unit.due, minute: 0)) }
        let last = ladder.last
        let lastNotice = ladder.lastNotice
        // Rule 4: see `nextStage`; after a lapsed promise, a reply pause or
        // a dispute, the next stage not yet delivered.
        let resumed = resumedAt.map { at in ladder.lastTime.map { $0 < at } ?? true } ?? false
        var target = nextStage(ladder, stageCount: stages.count, resumed: resumed, eligible: eligible, stale: stale)
        var notBefore = now
        if let chosen = target, stages[chosen].final {
            let noticeAge = lastNotice.map { calendar.localDay($0).days(until: today) }
            if let age = noticeAge, age < gap {
                // The final waits until the notice is `min_gap_days` old.
                let oldEnough = calendar.localDay(lastNotice!).adding(days: gap)
                notBefore = calendar.firstWindowStart(onOrAfter: oldEnough)
                // The plan changes when that day starts (a stage that needs
                // approval is pending from then, window or not).
                evaluation.wake(at: calendar.instant(oldEnough, minute: 0))
            } else if noticeAge == nil {
                if let notice = (last + 1..<chosen).last(where: { !stages[$0].final && eligible($0) }) {
                    // No notice yet: send the latest non-final stage first.
                    target = notice
                } else if last >= 0, !stages[last].final, stages[last].offsetDays > 0, eligible(last),
                          canStillReach(stages[last], sends: sends, customer: customer, ledger: ledger) {
                    // The last stage went only where the debtor could not
                    // read it (a skipped SMS): it continues on its other
                    // channels before any final. (When none of them, nor a
                    // fallback, can reach the debtor, the final goes on: a
                    // notice is impossible, and the business's own webhook
                    // and the hand-off must still hear of it.)
                    target = nil
                }
            }
        }
        // A deadline is a promise: no new stage before the day after the
        // latest pay-by date a delivered letter gave; `plan` says why.
        if let chosen = target, let payBy = ladder.payBy {
            let gateDay = payBy.adding(days: 1)
            let gate = calendar.firstWindowStart(onOrAfter: gateDay)
            if gate > notBefore {
                notBefore = gate
                // (A wake-up is the earliest of all: one already past would hide the send's.)
                let gateDayStarts = calendar.instant(gateDay, minute: 0)
                if gateDayStarts > now { evaluation.wake(at: gateDayStarts) }
                if times[chosen] <= now, gate > now {
                    evaluation.held.append(HeldItem(customer: customer.id, invoices: [invoice.id], stage: stages[chosen].name,
                                                    reason: .awaitingDeadline(payBy: payBy, until: gateDay)))
                }
            }
        }
        // A stage partly sent (one channel went, another waited) continues
        // when no later stage has taken over.
        let stage = target ?? (last >= 0 && eligible(last) ? last : nil)
        if let stage {
            let spec = stages[stage]
            /// When the stage may go: its day, and the gap and deadline before it.
            let dueAt = max(times[stage], notBefore)
            // What is decided at `dueAt` (a channel skipped, a stage held) needs a wake-up then.
            if dueAt > now { evaluation.wake(at: dueAt) }
            let daysOverdue = unit.due.days(until: today)
            var item = PlannedItem(
                item: ReminderItem(invoice: invoice.id, installment: unit.installment, stage: spec.name),
                stageOffsetDays: spec.offsetDays, final: spec.final, amount: unit.open,
                currency: invoice.currency, due: unit.due, daysOverdue: daysOverdue)
            let statutory = statutoryRule(policy, debtor)
            charge(&item, entry, unit, policy: policy, stage: spec.name, basis: statutory, today: today, history: history)
            let copies = CopyPlan(debtor: debtor, stage: spec.name, unitID: unitID, planner: self, ledger: ledger, history: history)
            func candidate(_ channel: Channel, to recipient: String) -> Candidate {
                var candidate = Candidate(
                    customer: customer.id, customerName: customer.name, channel: channel,
                    recipient: recipient, policy: policy.name, timeZone: calendar.timeZone.identifier, item: item)
                candidate.chargesRule = statutory.rule
                candidate.extras = CandidateExtras(debtor: debtor, country: calendars.country(of: customer), stage: spec,
                                                   channel: channel, copies: copies)
                return candidate
            }
            /// Queues a send on `channel` to `recipient`, at the earliest the gap and window allow.
            func offer(_ channel: Channel, to recipient: String, fallbackFrom: Channel?, attempt: Int = 0) {
                var earliest = dueAt
                if let contacted = history.lastContact(customer: customer.id, channel: channel) {
                    // Rule 6: the debtor's last contact on this channel must be `gap` days old.
                    earliest = max(earliest, calendar.firstWindowStart(onOrAfter: calendar.localDay(contacted).adding(days: gap)))
                }
                let sendAt = calendar.nextOpen(atOrAfter: max(earliest, now))
                // A stage that waits for approval is pending as soon as it is
                // due, window or not, so a person can approve it meanwhile.
                let windowOpen = sendAt <= now
                guard windowOpen || (spec.approve && earliest <= now) else {
                    // A stage that waits for approval is pending from `earliest` on.
                    evaluation.wake(at: spec.approve ? min(sendAt, earliest) : sendAt)
                    return
                }
                if !windowOpen { evaluation.wake(at: sendAt) }
                var offered = candidate(channel, to: recipient)
                offered.fallbackFrom = fallbackFrom
                offered.attempt = attempt
                offered.extras.windowOpen = windowOpen
                evaluation.due.append(offered)
                // Each Cc address gets its own copy, with the same letter.
                if channel == .email { copies.offer(from: offered, into: &evaluation, windowOpen: windowOpen) }
            }
            // What is decided only inside the debtor's business window (a
            // held stage, a skipped channel logged, a copy retried) is
            // decided when it next opens: the plan wakes up then.
            let windowOpen = calendar.isOpen(now)
            func decideAtWindow() { evaluation.wake(at: calendar.nextOpen(atOrAfter: now)) }
            // A stale payment feed holds every stage from the due date on, and
            // so does a bank credit no rule placed that could be this debtor's.
            if let hold = feedHold(spec, unit: unit, entry: entry, customer: customer.id, ledger: ledger, now: now)
                ?? creditHold(spec, entry: entry, customer: customer.id, ledger: ledger),
               dueAt <= now {
                if windowOpen {
                    evaluation.held.append(hold)
                    return
                }
                decideAtWindow()
            }
            var unreachable: Channel?
            /// Why each channel cannot deliver the stage, for `plan` and `status`.
            var undeliverable: [String] = []
            let offeredBefore = evaluation.due.count + evaluation.skipped.count
            for channel in spec.channels where settings.enabledChannels.contains(channel) {
                let previous = sends.filter { $0.stage == spec.name && $0.channel == channel }
                if previous.contains(where: \.reached) {
                    // The copies of a letter that went out follow it (a Cc deferred meanwhile).
                    if channel == .email, stage == last,
                       copies.retryDue(after: previous, debtorAddress: customer.email, now: now) {
                        guard windowOpen else {
                            decideAtWindow()
                            continue
                        }
                        copies.retry(after: previous, template: candidate(channel, to: ""), debtorAddress: customer.email,
                                     into: &evaluation)
                    }
                    continue
                }
                let reachNow = reach(channel, customer, ledger: ledger)
                if !previous.isEmpty {
                    // Tried before and not delivered: offered again only once
                    // an opt-out or suppression is lifted, or to a new address
                    // (a refusal to the same address waits for `overdue retry`).
                    if case .recipient(let recipient) = reachNow,
                       !previous.contains(where: { !$0.suppressed && $0.recipient == recipient }) {
                        offer(channel, to: recipient, fallbackFrom: nil, attempt: previous.count)
                    } else {
                        unreachable = unreachable ?? channel
                        undeliverable.append(Self.notDelivered(channel, previous.last!, now: reachNow))
                    }
                    continue
                }
                switch reachNow {
                case .recipient(let recipient):
                    offer(channel, to: recipient, fallbackFrom: nil)
                case .unreachable(let address, let reason):
                    unreachable = unreachable ?? channel
                    // Logged once as suppressed when the stage is due (rule 8).
                    if dueAt <= now, !windowOpen {
                        decideAtWindow()
                    } else if dueAt <= now {
                        var skipped = candidate(channel, to: address ?? "")
                        skipped.skipReason = reason
                        evaluation.skipped.append(skipped)
                    }
                }
            }
            // Fallback: the first channel of the stage's `fallback` list that
            // can reach the debtor, once per stage.
            if let missed = unreachable,
               !spec.fallback.contains(where: { channel in sends.contains { $0.stage == spec.name && $0.channel == channel } }) {
                for channel in spec.fallback where !spec.channels.contains(channel) && settings.enabledChannels.contains(channel) {
                    if case .recipient(let recipient) = reach(channel, customer, ledger: ledger) {
                        offer(channel, to: recipient, fallbackFrom: missed)
                        break
                    }
                }
            }
            // Nothing can carry a stage the ladder waits on: it waits, visibly.
            if stage == ladder.blocked, evaluation.due.count + evaluation.skipped.count == offeredBefore, !undeliverable.isEmpty,
               dueAt <= now {
                evaluation.held.append(HeldItem(customer: customer.id, invoices: [invoice.id], stage: spec.name,
                                                reason: .undeliverable(undeliverable)))
            }
        }
        // The next stage still to come.
        let after = max(last, target ?? -1)
        if let upcoming = (after + 1..<stages.count).first(where: { times[$0] > now }) {
            evaluation.wake(at: times[upcoming])
        }
    }
}
