import Foundation
import OverdueCalendar

/// Everything known about invoices and debtors: the result of applying every
/// accepted inbox record in order. Pure; the spool persists the records and
/// replays them into a ledger at start.
public struct Ledger: Sendable {
    public private(set) var entries = LedgerEntries()
    public private(set) var optOuts: Set<OptOut> = []
    /// Addresses known not to exist, with the reason (the suppression list).
    public private(set) var bounced: [OptOut: String] = [:]
    /// Credit per customer and currency (credit notes that name no invoice).
    public private(set) var customerCredits: [String: [String: Decimal]] = [:]
    /// The last day someone phoned each customer (`called` events).
    public private(set) var lastCalled: [String: CalendarDate] = [:]
    /// The newest PDF dropped under each name.
    public private(set) var documentsByName: [String: StoredDocument] = [:]
    /// Invoices whose named PDF has not arrived yet, by that name.
    public private(set) var awaitingDocument: [String: [String]] = [:]
    /// Debtors who replied to a reminder, with the day, until a payment,
    /// promise or dispute on one of their invoices arrives after the reply:
    /// their reminders pause meanwhile (`[schedule] reply_pause_days`).
    public private(set) var replies: [String: CalendarDate] = [:]
    /// Feedback messages already applied (by Message-ID): a bounce read twice applies once.
    public private(set) var feedbackSeen: Set<String> = []
    /// The customer directory (`customer` records).
    public private(set) var directory = CustomerDirectory()
    /// Approve/hold decisions on messages waiting for approval, by delivery key.
    public private(set) var approvals: [String: ApprovalDecision] = [:]
    /// Bank statement credits no rule placed, by entry key, until a payment
    /// with that key places them (`overdue assign`).
    public private(set) var unplacedCredits: [String: UnplacedCredit] = [:]
    /// Statement credits settled without a payment, by entry key: returned to
    /// the payer, or dismissed by a person as not a debtor's (`overdue
    /// dismiss`). Why, for each; a re-exported statement lists them no more.
    public private(set) var settledCredits: [String: String] = [:]
    /// When the last inbox file with payments or invoices was committed:
    /// the stale payment feed guard's input (see `notePaymentData`).
    public private(set) var lastPaymentData: Date?
    /// Per bank account (`"-"`: a statement naming none), up to when its
    /// statements have told the credits (see `noteStatement`).
    public private(set) var statementData: [String: Date] = [:]
    /// What changed since `takeChanges()` was last called (incremental planning).
    public private(set) var changes = LedgerChanges()

    public init() {}

    /// The changes since the last call, and a fresh start for the next ones.
    public mutating func takeChanges() -> LedgerChanges {
        defer { changes = LedgerChanges() }
        return changes
    }

    /// Room for `count` invoices (a replay knows how many lines it has).
    public mutating func reserveCapacity(_ count: Int) { entries.reserveCapacity(count) }

    public subscript(invoiceID: String) -> LedgerEntry? { entries[invoiceID] }

    /// Checks that `record` can be applied, without applying it.
    public func validate(_ record: InboxRecord) -> FieldProblem? {
        if let problem = placementProblem(record) { return problem }
        guard case .event(let event) = record, let id = event.invoiceID else { return nil }
        guard let entry = entries[id] else {
            return FieldProblem(
                field: "invoice", reason: "no invoice \"\(FieldRules.printable(id))\" is in the ledger; drop the invoice before its events, or check the number")
        }
        if case .payment = event, entry.cancelled {
            return FieldProblem(field: "invoice", reason: "invoice \"\(id)\" was cancelled; a payment on it needs a person to look at it")
        }
        if case .paymentReturned(_, let amount, _, _) = event, amount > entry.paidNet {
            return FieldProblem(field: "amount", reason: "\(amount) is more than the \(entry.paidNet) paid on invoice \"\(id)\"; a returned payment takes back at most what was paid")
        }
        return nil
    }

    /// Applies a record; returns a problem instead if it cannot apply.
    @discardableResult
    public mutating func apply(_ record: InboxRecord) -> FieldProblem? {
        if let problem = validate(record) { return problem }
        changes.note(record)
        switch record {
        case .invoice(let invoice):
            // A re-dropped invoice is the accounting system's current view: its
            // fields and balance replace the earlier ones; pauses stay.
            var entry = entries[invoice.id] ?? LedgerEntry(invoice: invoice, balance: invoice.balance)
            entry.invoice = invoice
            entry.balance = invoice.balance
            entry.eventsBeforeDrop = entry.events.count
            bindDocument(&entry)
            entries[invoice.id] = entry
        case .event(let event):
            apply(event)
        case .customer(let record):
            directory.upsert(record)
        case .approval(let decision):
            approvals[decision.key] = decision
        }
        return nil
    }

    private mutating func apply(_ event: LedgerEvent) {
        switch event {
        case .optout(let address, let channel):
            optOuts.insert(OptOut(address: address, channel: channel))
            return
        case .optin(let address, let channel):
            optOuts.remove(OptOut(address: address, channel: channel))
            for key in bounced.keys where key.address == OptOut.normalize(address) && (channel == nil || key.channel == channel) {
                bounced[key] = nil
            }
            return
        case .bounce(let address, let channel, let reason):
            bounced[OptOut(address: address, channel: channel)] = reason ?? "the address does not exist"
            return
        case .credit(let customer, let amount, let currency, _):
            customerCredits[customer, default: [:]][currency, default: 0] += amount
            return
        case .called(let customer, let date, _):
            lastCalled[customer] = max(lastCalled[customer] ?? date, date)
            return
        case .retry:
            return  // the delivery journal's business (see Pipeline.requeue)
        case .unplacedCredit(let credit):
            if let why = credit.settled {
                // Returned or dismissed: it holds nobody any more.
                unplacedCredits[credit.key] = nil
                settledCredits[credit.key] = why
                changes.everything = true
            } else if settledCredits[credit.key] == nil {
                unplacedCredits[credit.key] = credit
            }
            return
        case .feedback(let feedback):
            guard feedbackSeen.insert(feedback.identity).inserted else { return }
            switch feedback.kind {
            case .hardBounce:
                if let address = feedback.address {
                    bounced[OptOut(address: address, channel: .email)] = "bounce report"
                        + (feedback.status.map { " \($0)" } ?? "") + (feedback.reason.map { ": \($0)" } ?? "")
                }
            case .unsubscribe:
                if let address = feedback.address { optOuts.insert(OptOut(address: address, channel: .email)) }
            case .reply:
                if let customer = feedback.customer { replies[customer] = max(replies[customer] ?? feedback.date, feedback.date) }
            case .undone:
                if let customer = feedback.customer { replies[customer] = nil }
            case .softBounce, .delayed, .autoReply, .other:
                break
            }
            return
        case .document(let name, let sha256, let size):
            let document = StoredDocument(name: name, sha256: sha256, size: size)
            documentsByName[name] = document
            // Invoices waiting for this name get it; one already holding a
            // PDF keeps it (a later file of the same name is another invoice's).
            for id in awaitingDocument.removeValue(forKey: name) ?? [] {
                guard var entry = entries[id], entry.invoice.document == name, entry.document == nil else { continue }
                entry.document = document
                entries[id] = entry
            }
            return
        case .payment(_, _, _, let reference?), .paymentReturned(_, _, _, let reference?):
            // A payment carrying a statement entry's key places that credit
            // (a returned payment, that return), which releases whoever it
            // held (any debtor: plan them all).
            if let bank = BankReference(reference), unplacedCredits.removeValue(forKey: bank.key) != nil { changes.everything = true }
        default:
            break
        }
        guard let id = event.invoiceID, var entry = entries[id] else { return }
        entry.events.append(event)
        // The debtor answered with money, a date or a dispute: the pause for their reply ends.
        switch event {
        case .payment, .promise, .dispute:
            // (The directory is asked only when someone replied: a replay applies a million payments.)
            guard !replies.isEmpty else { break }
            let ownID = replies.removeValue(forKey: entry.invoice.customer.id) != nil
            let debtorID = replies.removeValue(forKey: directory.effective(for: entry.invoice).customer.id) != nil
            // A pause kept under the invoice's own customer id can also be
            // another debtor's (the directory matched one invoice by VAT id,
            // not another): plan everyone again. Replies are rare.
            if ownID || debtorID { changes.everything = true }
        default: break
        }
        switch event {
        case .payment(_, let amount, _, _):
            if amount > entry.balance {
                entry.credit += amount - entry.balance
                entry.balance = 0
            } else {
                entry.balance -= amount
            }
        case .paymentReturned(_, let amount, _, _):
            // What was paid beyond the balance (credit) goes back first.
            let fromCredit = min(entry.credit, amount)
            entry.credit -= fromCredit
            entry.balance += amount - fromCredit
        case .dispute: entry.disputed = true
        case .resolve: entry.disputed = false
        case .promise(_, let date, _): entry.promisedUntil = date
        case .cancel: entry.cancelled = true
        case .handoff(_, let date, _): entry.handedOff = entry.handedOff ?? date
        case .optout, .optin, .bounce, .credit, .called, .retry, .document, .feedback, .unplacedCredit: break
        }
        entries[id] = entry
    }

    /// An invoice (re-)dropped naming a PDF takes the newest PDF of that
    /// name, or keeps the one it has, or waits for it.
    private mutating func bindDocument(_ entry: inout LedgerEntry) {
        guard let name = entry.invoice.document else {
            entry.document = nil
            return
        }
        entry.document = documentsByName[name] ?? (entry.document?.name == name ? entry.document : nil)
        if entry.document == nil, awaitingDocument[name]?.contains(entry.invoice.id) != true {
            awaitingDocument[name, default: []].append(entry.invoice.id)
        }
    }

    /// What `apply` changed, so a batch can be taken back if it cannot be
    /// made durable (cheaper than copying the whole ledger per batch).
    public struct Undo: Sendable {
        fileprivate var entries: [(String, LedgerEntry?)] = []
        fileprivate var optOuts: Set<OptOut>?
        fileprivate var bounced: [OptOut: String]?
        fileprivate var credits: [String: [String: Decimal]]?
        fileprivate var calls: [String: CalendarDate]?
        fileprivate var feedback: (replies: [String: CalendarDate], seen: Set<String>)?
        fileprivate var documents: (byName: [String: StoredDocument], awaiting: [String: [String]])?
        fileprivate var directory: CustomerDirectory?
        fileprivate var approvals: [String: ApprovalDecision]?
        fileprivate var unplaced: (open: [String: UnplacedCredit], settled: [String: String])?
        public init() {}
    }

    /// `apply`, remembering the previous state in `undo`.
    public mutating func apply(_ record: InboxRecord, undo: inout Undo) -> FieldProblem? {
        if undo.documents == nil, record.touchesDocuments { undo.documents = (documentsByName, awaitingDocument) }
        if case .event(.document(let name, _, _)) = record {
            for id in awaitingDocument[name] ?? [] { undo.entries.append((id, entries[id])) }
        }
        switch record {
        case .invoice(let invoice): undo.entries.append((invoice.id, entries[invoice.id]))
        case .customer: if undo.directory == nil { undo.directory = directory }
        case .approval: if undo.approvals == nil { undo.approvals = approvals }
        case .event(let event):
            if undo.feedback == nil { undo.feedback = (replies, feedbackSeen) }
            if undo.unplaced == nil { undo.unplaced = (unplacedCredits, settledCredits) }
            if let id = event.invoiceID { undo.entries.append((id, entries[id])) }
            else if undo.optOuts == nil {
                undo.optOuts = optOuts
                undo.bounced = bounced
                undo.credits = customerCredits
                undo.calls = lastCalled
            }
        }
        return apply(record)
    }

    /// Restores the state from before the applies recorded in `undo`.
    public mutating func revert(_ undo: Undo) {
        // A batch taken back can move entries (see `LedgerEntries`): plan everyone again.
        changes.everything = true
        for (id, previous) in undo.entries.reversed() { entries[id] = previous }
        if let saved = undo.optOuts { optOuts = saved }
        if let saved = undo.bounced { bounced = saved }
        if let saved = undo.credits { customerCredits = saved }
        if let saved = undo.calls { lastCalled = saved }
        if let saved = undo.feedback { (replies, feedbackSeen) = saved }
        if let saved = undo.unplaced { (unplacedCredits, settledCredits) = saved }
        if let saved = undo.documents { (documentsByName, awaitingDocument) = saved }
        if let saved = undo.directory { directory = saved }
        if let saved = undo.approvals { approvals = saved }
    }

    /// Records that an inbox file with payments or invoices was committed
    /// at `time` (the ingester after each such file, the journal replay from
    /// its commit lines), which releases post-due stages the stale feed
    /// guard holds.
    public mutating func notePaymentData(at time: Date) {
        lastPaymentData = max(lastPaymentData ?? time, time)
    }

    /// Records that a bank statement of `account` told the credits up to
    /// `until` (the end of its period, at most the time it was committed).
    public mutating func noteStatement(account: String, until: Date) {
        statementData[account] = max(statementData[account] ?? until, until)
    }

    /// Up to when payments are known, for the stale payment feed guard: the
    /// last payment or invoice file, or the statements, whichever is newer.
    /// The statements are as current as the account furthest behind among
    /// those that sent one within 31 days of the newest (a credit to it
    /// would not be known yet); an account silent for longer is taken as
    /// closed. A statement of last month dropped today is last month's data.
    public var paymentDataAsOf: Date? {
        guard let newest = statementData.values.max() else { return lastPaymentData }
        let behind = statementData.values.filter { newest.timeIntervalSince($0) <= 31 * 86_400 }.min() ?? newest
        return max(lastPaymentData ?? behind, behind)
    }

    /// Is `address` opted out of `channel`?
    public func isOptedOut(_ address: String, channel: Channel) -> Bool {
        let normalized = OptOut.normalize(address)
        return optOuts.contains(OptOut(address: normalized, channel: channel))
            || optOuts.contains(OptOut(address: normalized, channel: nil))
    }

    /// Why an address cannot be used on a channel because it bounced, if it did.
    public func bounceReason(_ address: String, channel: Channel) -> String? {
        bounced[OptOut(address: address, channel: channel)]
    }

    /// A ledger restored from its parts, as a snapshot saved them (the
    /// spool's `LedgerSnapshot`): the state replaying the journal up to the
    /// snapshot's offset would build.
    public init(entries: LedgerEntries, optOuts: Set<OptOut>, bounced: [OptOut: String],
                customerCredits: [String: [String: Decimal]], lastCalled: [String: CalendarDate],
                documentsByName: [String: StoredDocument], awaitingDocument: [String: [String]],
                replies: [String: CalendarDate], feedbackSeen: Set<String>, directory: CustomerDirectory,
                approvals: [String: ApprovalDecision], lastPaymentData: Date?, unplacedCredits: [String: UnplacedCredit] = [:],
                settledCredits: [String: String] = [:], statementData: [String: Date] = [:]) {
        self.entries = entries
        self.optOuts = optOuts
        self.bounced = bounced
        self.customerCredits = customerCredits
        self.lastCalled = lastCalled
        self.documentsByName = documentsByName
        self.awaitingDocument = awaitingDocument
        self.replies = replies
        self.feedbackSeen = feedbackSeen
        self.directory = directory
        self.approvals = approvals
        self.lastPaymentData = lastPaymentData
        self.unplacedCredits = unplacedCredits
        self.settledCredits = settledCredits
        self.statementData = statementData
    }
}

extension InboxRecord {
    /// Does applying it change which PDFs are known or awaited?
    var touchesDocuments: Bool {
        switch self {
        case .invoice(let invoice): invoice.document != nil
        case .event(.document): true
        case .event, .customer, .approval: false
        }
    }

    /// Whether a file holding this record brings payment data: invoices
    /// (their balance is the accounting system's view), payments and
    /// credits. What the stale payment feed guard waits for.
    public var isPaymentData: Bool {
        switch self {
        // A person placing a listed bank credit (`overdue assign`) brings no news from the bank.
        case .event(.payment(_, _, _, let reference?)) where BankReference(reference)?.assigned == true: false
        case .invoice, .event(.payment), .event(.credit): true
        default: false
        }
    }
}
