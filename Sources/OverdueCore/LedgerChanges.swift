/// What the ledger changed since the planner last asked: the input of
/// incremental planning (`IncrementalPlanner`). An invoice's records (the
/// invoice itself, payments, disputes, promises…) name the invoice; what is
/// not about one invoice (opt-outs, bounces, customer records, replies) changes who can be reached or who a debtor is, so it re-plans
/// everyone once: those are rare next to payments.
public struct LedgerChanges: Sendable, Equatable {
    /// Invoices whose entry changed.
    public private(set) var invoices: Set<String> = []
    /// Something changed that is not about one invoice: re-plan every debtor.
    public var everything = false

    public init() {}

    /// Past this many invoices a full re-plan is cheaper than tracking them
    /// (a replay or a large file touches most of the ledger anyway).
    static let trackedLimit = 10_000

    public var isEmpty: Bool { invoices.isEmpty && !everything }

    mutating func note(_ record: InboxRecord) {
        guard !everything else { return }
        switch record {
        case .invoice(let invoice):
            noteInvoice(invoice.id)
        case .event(let event):
            switch event {
            case .payment, .paymentReturned, .dispute, .resolve, .promise, .cancel, .handoff:
                if let id = event.invoiceID { noteInvoice(id) }
            case .retry, .credit, .called, .document:
                // Not read by the planner (the delivery journal, the call
                // list and the letters' attachments are).
                break
            case .optout, .optin, .bounce, .feedback, .unplacedCredit:
                // (An unplaced credit may hold any debtor of that payer's name or account.)
                everything = true
            }
        case .customer:
            everything = true
        case .approval:
            // Approve/hold decide only over messages waiting for approval, and
            // their debtors are re-planned at every pass while they wait.
            break
        }
    }

    /// Both sets of changes (one reader taking them for two uses).
    public mutating func formUnion(_ other: LedgerChanges) {
        everything = everything || other.everything
        for id in other.invoices where !everything { noteInvoice(id) }
        if everything { invoices = [] }
    }

    private mutating func noteInvoice(_ id: String) {
        invoices.insert(id)
        if invoices.count > Self.trackedLimit {
            invoices = []
            everything = true
        }
    }
}
