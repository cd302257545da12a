import Foundation
import OverdueConfig
import OverdueCore
import OverdueDelivery
import OverdueRender
import OverdueSpool

/// `overdue preview`: the message the daemon would send at an instant, for
/// an invoice or a customer, made by the same planner call and the same
/// `MessageBuilder` as a real send (so the bytes agree with the Maildir
/// copy, Date and nothing else aside). When nothing would go out, it says
/// why. `--stage` forces a stage instead, to read its wording early.
public struct PreviewView {
    /// The letter, or nil when nothing would be sent (see `explanation`).
    public let send: PlannedSend?
    public let message: RenderedMessage?
    /// Exactly what the transport would get (the e-mail's MIME bytes).
    public let bytes: [UInt8]
    /// Why nothing would be sent, or what the letter leaves out.
    public let explanation: String?
    /// The invoice PDFs the message would carry, offer or lacks.
    public let documents: LetterDocuments
    /// True when `--stage` forced the stage: not what the daemon would do now.
    public let forced: Bool
    /// Inbox files not yet read by the daemon that the preview took into account.
    public let inboxFilesRead: Int

    public init(config: Config, subject: String, stage stageName: String?, channel: Channel, language: String?,
                now: Date) throws {
        let snapshot = try SpoolSnapshot(config: config)
        let (ledger, history, planner) = (snapshot.ledger, snapshot.history, snapshot.planner)
        inboxFilesRead = snapshot.inboxFiles
        let entry = ledger[subject]
        // The debtor as the planner reminds them: the customer directory applied (an e-invoice matched by VAT id
        // is the directory's customer, with its policy and timezone); a customer by either id.
        let debtor = (entry ?? ledger.entries.values.first { entry in
            entry.invoice.customer.id == subject || ledger.directory.effective(for: entry.invoice).customer.id == subject
        }).map { ledger.directory.effective(for: $0.invoice) }
        guard let debtor else {
            throw CommandFailure(code: .notFound, "\"\(subject)\" is neither an invoice nor a customer in the ledger of \(config.spool.dir); check the number, or `overdue status`")
        }
        let customer = debtor.customer.id
        let found: PlannedSend?
        var explanation: String?
        if let stageName {
            guard let invoiceID = entry?.invoice.id else {
                throw CommandFailure(code: .previewStage, "--stage needs an invoice number, not the customer \"\(subject)\"")
            }
            let policy = planner.settings.policy(named: debtor.policy)
            guard policy.stages.contains(where: { $0.name == stageName }) else {
                throw CommandFailure(code: .previewStage, "policy \"\(policy.name)\" has no stage \"\(stageName)\"; its stages are \(policy.stages.map(\.name).joined(separator: ", "))")
            }
            found = planner.forcedLetter(invoice: invoiceID, stage: stageName, channel: channel, ledger: ledger,
                                         history: history, now: now)
            if found == nil {
                let state = planner.state(entry!, ledger: ledger, history: history, on: planner.today(for: debtor.customer.timezone, at: now))
                explanation = "\(invoiceID) is settled (\(state.rawValue)): no letter"
            }
        } else {
            let plan = planner.plan(customer: customer, ledger: ledger, history: history, now: now)
            let onChannel = plan.due.filter { $0.channel == channel }
            found = entry.map { entry in onChannel.first { $0.invoices.contains(entry.invoice.id) } } ?? onChannel.first
            if found == nil {
                explanation = Self.whyNothing(entry: entry, debtor: debtor.customer, channel: channel, plan: plan, planner: planner,
                                              ledger: ledger, history: history, now: now)
            }
        }
        forced = stageName != nil
        send = found
        guard let found else {
            message = nil
            bytes = []
            documents = LetterDocuments()
            self.explanation = explanation
            return
        }
        var fields: [String: JSONValue] = [:]
        let built = try snapshot.builder().build(found, ledger: ledger, history: history, now: now, language: language, fields: &fields)
        message = built.content
        bytes = built.bytes
        documents = built.documents
        self.explanation = nil
    }

    /// Why the daemon would send nothing about this invoice (or customer) now.
    static func whyNothing(entry: LedgerEntry?, debtor: Customer, channel: Channel, plan: PlanResult, planner: Planner,
                           ledger: Ledger, history: DeliveryHistory, now: Date) -> String {
        let customer = debtor.id
        let next = plan.nextWake.map { "; the next reminder for \(customer) is planned for \(Timestamp.format($0)) (see `overdue plan`)" }
            ?? "; no further reminder is planned for \(customer)"
        // Pending approval: the letter exists, a person has to let it go.
        if let waiting = plan.pending.first(where: { item in
            item.send.channel == channel && entry.map { item.send.invoices.contains($0.invoice.id) } ?? true
        }) {
            return "a \(waiting.send.stage) letter about \(waiting.send.invoices.joined(separator: ", ")) waits for approval: `overdue pending --show \(waiting.send.key)` shows it, `overdue approve \(waiting.send.key)` sends it"
        }
        guard let entry else { return "nothing would be sent to \(customer) by \(channel.rawValue) at \(Timestamp.format(now))" + next }
        let today = planner.today(for: debtor.timezone, at: now)
        let state = planner.state(entry, ledger: ledger, history: history, on: today)
        switch state {
        case .paid, .cancelled, .handedOff:
            return "\(entry.invoice.id) is \(state.rawValue.replacingOccurrences(of: "_", with: " ")): no more reminders"
        case .disputed:
            return "\(entry.invoice.id) is disputed: reminders wait for a resolve event"
        case .promised:
            return "\(entry.invoice.id) has a promise to pay until \(entry.promisedUntil!): reminders resume the day after" + next
        case .open:
            let other = plan.due.first { $0.channel == channel && $0.alsoOpen.contains { $0.item.invoice == entry.invoice.id } }
            let listed = other.map { " (a \($0.stage) letter about \($0.invoices.joined(separator: ", ")) goes out now and lists it as also open)" } ?? ""
            return "nothing would be sent about \(entry.invoice.id) by \(channel.rawValue) at \(Timestamp.format(now))\(listed)" + next
        }
    }
}
