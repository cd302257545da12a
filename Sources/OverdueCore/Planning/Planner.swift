import Dispatch
import Foundation
import OverdueCalendar

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
}
