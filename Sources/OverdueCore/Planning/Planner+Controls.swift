import Foundation
import OverdueCalendar

/// The controls a finance team sets on top of the ladder, decided here in
/// the planner like everything else: the customer directory (exclusion, no
/// contact yet), the stale payment feed guard, `min_amount`, and approval.
extension Planner {
    /// Whether the entry's debtor may be reminded at all; when not, why (held).
    /// `open`: principal is still owed.
    func admits(_ entry: LedgerEntry, _ debtor: EffectiveCustomer, open: Bool, into evaluation: inout Evaluation) -> Bool {
        let open = !entry.cancelled && open
        if debtor.excluded {
            if open { evaluation.held.append(HeldItem(customer: debtor.customer.id, invoices: [entry.invoice.id], stage: nil, reason: .excluded)) }
            return false
        }
        if !debtor.hasContact {
            // Waits for a directory record with a contact; nothing is
            // suppressed meanwhile, so the ladder starts once one arrives.
            if open { evaluation.held.append(HeldItem(customer: debtor.customer.id, invoices: [entry.invoice.id], stage: nil, reason: .noContact)) }
            return false
        }
        if let language = missingLanguage(debtor.customer), settings.fallbackLanguage == nil {
            // Never a letter in a language nobody chose: held until templates, a fallback or another language.
            if open { evaluation.held.append(HeldItem(customer: debtor.customer.id, invoices: [entry.invoice.id], stage: nil, reason: .noLanguage(language))) }
            return false
        }
        return true
    }

    /// The customer's language when no templates are written in it (nil:
    /// it has templates, none is given, or languages are not checked).
    public func missingLanguage(_ customer: Customer) -> String? {
        guard let languages = settings.templateLanguages,
              let wanted = customer.language?.split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map({ $0.lowercased() }),
              !languages.contains(wanted) else { return nil }
        return wanted
    }

    /// The stale payment feed guard: with no payment data for
    /// `payments_stale_after_hours`, stages from the due date on wait
    /// (a pre-due courtesy note does not depend on payments).
    func feedHold(_ stage: Stage, unit: Unit, entry: LedgerEntry, customer: String, ledger: Ledger, now: Date) -> HeldItem? {
        guard stage.offsetDays >= 0 || stage.final, let since = staleSince(ledger, now: now) else { return nil }
        return HeldItem(customer: customer, invoices: [entry.invoice.id], stage: stage.name, reason: .staleFeed(since: since))
    }

    /// An unplaced bank credit that could be this debtor's: stages from the
    /// due date on wait until a person places it (`overdue assign`), so a
    /// debtor who may have paid is not escalated meanwhile.
    func creditHold(_ stage: Stage, entry: LedgerEntry, customer: String, ledger: Ledger) -> HeldItem? {
        guard !ledger.unplacedCredits.isEmpty, stage.offsetDays >= 0 || stage.final else { return nil }
        guard let credit = ledger.unplacedCredits.values.filter({ $0.possibleDebtors.contains(customer) }).min(by: { $0.key < $1.key })
        else { return nil }
        return HeldItem(customer: customer, invoices: [entry.invoice.id], stage: stage.name,
                        reason: .unplacedCredit(key: credit.key, amount: credit.amount, currency: credit.currency))
    }

    /// When the payment data went stale: the last file's time, if it is
    /// more than `payments_stale_after_hours` ago.
    public func staleSince(_ ledger: Ledger, now: Date) -> Date? {
        guard let hours = settings.paymentsStaleAfterHours, let last = ledger.paymentDataAsOf,
              now.timeIntervalSince(last) >= Double(hours) * 3600 else { return nil }
        return last
    }

    /// The entry's open amount past due, by currency (for `min_amount`).
    func overdueAmounts(_ entry: LedgerEntry, _ account: InvoiceAccount, today: CalendarDate) -> [String: Decimal] {
        let overdue = account.open.filter { $0.due < today }.reduce(Decimal(0)) { $0 + $1.open }
        return overdue > 0 ? [entry.invoice.currency: overdue] : [:]
    }

    /// Approval: a letter of an `approve = true` stage goes only once
    /// approved (at a business window); until then it is pending, and one a
    /// person held is listed as held. A Cc copy follows its letter.
    func settleApprovals(_ result: inout PlanResult, ledger: Ledger, history: DeliveryHistory, now: Date) {
        guard result.due.contains(where: \.needsApproval) else { return }
        var letters: [String: PlannedSend] = [:]
        for send in result.due where !send.copy { letters[Self.letterKey(send)] = send }
        let expiry = Double(settings.approvalExpiresDays) * 86_400
        var kept: [PlannedSend] = []
        for send in result.due {
            guard send.needsApproval else {
                kept.append(send)
                continue
            }
            if send.copy {
                // Its letter is in this plan: the copy goes when the letter
                // does; not in it: the letter went already, the copy follows.
                let letter = letters[Self.letterKey(send)]
                let approved = letter.map { if case .approve = ledger.approvals[$0.key] { $0.windowOpen } else { false } } ?? true
                if approved, send.windowOpen { kept.append(send) }
                continue
            }
            switch ledger.approvals[send.key] {
            case .approve:
                if send.windowOpen { kept.append(send) }
            case .hold(let key, let reason):
                result.held.append(HeldItem(customer: send.customer, invoices: send.invoices, stage: send.stage,
                                            reason: .onHold(key: key, reason: reason)))
            case nil:
                let since = history.approvals.pendingSince[send.key]
                let pending: PendingApproval
                if let since, now.timeIntervalSince(since) >= expiry {
                    // Planned again: pending anew from now, with today's figures.
                    result.expired.append(PendingApproval(send: send, since: since, isNew: false))
                    pending = PendingApproval(send: send, since: now, isNew: true)
                } else {
                    pending = PendingApproval(send: send, since: since ?? now, isNew: since == nil)
                }
                result.pending.append(pending)
                // Wake up when it expires, not at whatever pass comes next.
                let expires = pending.since.addingTimeInterval(expiry)
                result.nextWake = min(result.nextWake ?? expires, expires)
            }
        }
        result.due = kept
    }
}

/// What the controls add to a candidate send, carried into its `PlannedSend`.
struct CandidateExtras {
    var country: String?
    var cc: [String] = []
    var copy = false
    var to: String?
    var approve = false
    var windowOpen = true
    /// From the due date on: what the stale feed guard and `min_amount` hold.
    var postDue = false
    var promise: PromiseTerms?

    init() {}

    init(debtor: EffectiveCustomer, country: String?, stage: Stage, channel: Channel, copies: CopyPlan?) {
        self.country = country
        cc = channel == .email ? copies?.header ?? [] : []
        approve = stage.approve
        postDue = stage.offsetDays >= 0 || stage.final
    }

    func describe(_ send: inout PlannedSend, windowOpen: Bool) {
        send.cc = cc
        send.copy = copy
        send.to = to
        send.country = country
        send.needsApproval = approve
        send.windowOpen = windowOpen
        send.promise = promise
    }
}

/// The controls' view across all of one plan's entries: the held items,
/// merged per debtor, and each debtor's overdue total per currency.
struct ControlsPass {
    let settings: PlannerSettings
    private(set) var held: [HeldItem] = []
    private var heldIndex: [String: Int] = [:]
    private var overdue: [String: [String: Decimal]] = [:]

    init(settings: PlannerSettings) { self.settings = settings }

    mutating func note(_ evaluation: Planner.Evaluation) {
        for item in evaluation.held { add(item) }
        if let debtor = evaluation.debtor, !evaluation.overdue.isEmpty {
            overdue[debtor, default: [:]].merge(evaluation.overdue, uniquingKeysWith: +)
        }
    }

    mutating func add(_ item: HeldItem) {
        if let index = heldIndex[item.mergeKey] {
            for invoice in item.invoices where !held[index].invoices.contains(invoice) { held[index].invoices.append(invoice) }
        } else {
            heldIndex[item.mergeKey] = held.count
            held.append(item)
        }
    }

    /// `min_amount`: from the due date on, a debtor is not reminded in a
    /// currency whose overdue total is below the policy's minimum.
    mutating func applyMinimumAmounts(to evaluation: inout Planner.Evaluation) {
        guard settings.usesMinimumAmounts, let debtor = evaluation.debtor else { return }
        let totals = overdue[debtor] ?? [:]
        func keep(_ candidate: Planner.Candidate) -> Bool {
            let currency = candidate.item.currency
            guard candidate.extras.postDue, let minimum = settings.policy(named: candidate.policy).minAmount[currency] else { return true }
            let total = totals[currency] ?? 0
            guard total < minimum else { return true }
            add(HeldItem(customer: debtor, invoices: [candidate.item.item.invoice], stage: candidate.item.item.stage,
                         reason: .belowMinimum(currency: currency, overdue: total, minimum: minimum)))
            return false
        }
        evaluation.due = evaluation.due.filter(keep)
        evaluation.skipped = evaluation.skipped.filter(keep)
    }
}
