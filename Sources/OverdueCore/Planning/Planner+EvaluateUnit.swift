import Dispatch
import Foundation
import OverdueCalendar

/// One unit (an invoice, or one installment) on its ladder: which stage is due, when, on which channels.
extension Planner {
    func evaluateUnit(_ unit: Unit, entry: LedgerEntry, debtor: EffectiveCustomer, policy: Policy,
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
