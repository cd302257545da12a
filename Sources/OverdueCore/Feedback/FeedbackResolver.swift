import Foundation
import OverdueCalendar

/// Classified feedback messages → what they do (ledger `feedback` events),
/// or why they match nothing. Pure: the mailbox reader fetches and moves,
/// the ledger applies. One call per poll, so the delivery history and the
/// ledger's addresses are scanned once for the whole batch.
public enum FeedbackResolver {
    /// One message read from the mailbox.
    public struct Input: Sendable {
        public var classification: FeedbackClassification
        /// The message's Message-ID, or a stand-in from its digest.
        public var messageID: String
        /// The day it was written (Date header), else the day it was read.
        public var date: CalendarDate
        /// Of the message's bytes (see `FeedbackEvent.digest`).
        public var digest: String?

        public init(classification: FeedbackClassification, messageID: String, date: CalendarDate, digest: String? = nil) {
            self.classification = classification
            self.messageID = messageID
            self.date = date
            self.digest = digest
        }
    }

    /// What one message does.
    public struct Outcome: Sendable, Equatable {
        /// Events to record (one per recipient of a report; empty when unmatched).
        public var events: [FeedbackEvent]
        /// Nil when matched; else why nobody could be matched (for the log).
        public var unmatched: String?
    }

    /// How much a message must prove before it acts (`[feedback] trust`).
    public enum Trust: String, Sendable {
        /// A bounce acts only when it carries a signed key of a message sent
        /// to the address it reports; a reply or unsubscribe request when it
        /// quotes a signed key, or a trusted server's Authentication-Results
        /// vouch for the sender's domain.
        case signed
        /// Any report naming a debtor's address, any message from one: for
        /// a mailbox only your own servers can write to.
        case address
    }

    /// What resolving needs besides the messages.
    public struct Context: Sendable {
        public var signer: FeedbackSigner
        public var trust: Trust
        public var now: Date

        public init(signer: FeedbackSigner, trust: Trust = .signed, now: Date) {
            self.signer = signer
            self.trust = trust
            self.now = now
        }
    }

    /// A message overdue sent, proven by a signed key the feedback carries.
    struct Proof {
        var key: String
        var recipient: String
        var customer: String?
        var evidence: String
    }

    public static func resolve(_ inputs: [Input], history: DeliveryHistory, ledger: Ledger, context: Context) -> [Outcome] {
        // The keys each message may be about: its VERP key, then the
        // Message-IDs it quotes or answers (and an unsubscribe subject's key).
        let candidates = inputs.map { input in
            ([input.classification.verpKey].compactMap { $0 } + input.classification.referencedMessageIDs).compactMap { SignedKey($0) }
        }
        let deliveries = history.deliveries(forKeys: Set(candidates.flatMap { $0.map(\.key) }))
        var customerByAddress: [String: String] = [:]
        for entry in ledger.entries.values {
            // The debtor as the customer directory makes them (the e-mail may come from there).
            let customer = ledger.directory.effective(for: entry.invoice).customer
            if let email = customer.email { customerByAddress[email.lowercased()] = customer.id }
        }
        func customer(ofUnit unit: String) -> String? {
            ledger[ReminderItem.invoice(ofUnit: unit)].map { ledger.directory.effective(for: $0.invoice).customer.id }
        }
        return zip(inputs, candidates).map { input, keys in
            let proofs: [Proof] = keys.compactMap { signed in
                guard let delivery = deliveries[signed.key],
                      context.signer.verifies(signed, recipient: delivery.recipient, at: context.now) else { return nil }
                let customer = customer(ofUnit: delivery.unit)
                let carrier = signed.key == input.classification.verpKey.flatMap({ SignedKey($0)?.key }) ? "VERP address" : "quoted Message-ID"
                return Proof(key: signed.key, recipient: delivery.recipient.lowercased(), customer: customer,
                             evidence: "signed \(carrier) of \(signed.key), sent to \(delivery.recipient.lowercased())")
            }
            // trust = "address": any of our keys, signed or not, as before signing.
            let legacy = context.trust != .address ? nil
                : keys.lazy.compactMap { signed in deliveries[signed.key].map { Legacy(key: signed.key, customer: customer(ofUnit: $0.unit)) } }.first
            return outcome(input, proofs: proofs, legacy: legacy, customerByAddress: customerByAddress, trust: context.trust)
        }
    }

    /// A message of ours a feedback message names without a valid signature.
    struct Legacy {
        var key: String
        var customer: String?
    }

    static func outcome(_ input: Input, proofs: [Proof], legacy: Legacy?, customerByAddress: [String: String], trust: Trust) -> Outcome {
        let message = input.classification
        func event(_ kind: FeedbackEvent.Kind, key: String?, address: String?, customer: String?, status: String? = nil,
                   reason: String? = nil, evidence: String?, suffix: String = "") -> FeedbackEvent {
            FeedbackEvent(kind: kind, messageID: input.messageID + suffix, digest: input.digest, date: input.date, key: key, customer: customer,
                          address: address, status: status, reason: reason, evidence: evidence)
        }
        let legacyCustomer = legacy?.customer
        // A sender the receiving server vouches for, or (trust = "address") any debtor's.
        func vouched(_ sender: String?) -> (customer: String, evidence: String)? {
            guard let sender = sender?.lowercased(), let customer = customerByAddress[sender] else { return nil }
            if let pass = message.authenticated.first(where: { $0.vouches(for: sender) }) { return (customer, pass.description) }
            return trust == .address ? (customer, "from a debtor's address (trust = \"address\")") : nil
        }
        switch message.kind {
        case .bounce, .delayed:
            // Each reported recipient on its own: only an address a proven
            // message went to is acted on.
            let verdicts = Self.oneVerdictPerAddress(message.recipients)
            var events: [FeedbackEvent] = []
            for recipient in verdicts {
                let address = recipient.address.lowercased()
                let named = [address, recipient.originalAddress?.lowercased()].compactMap { $0 }
                var key: String?, customer: String?, evidence: String?
                if let proof = proofs.first(where: { named.contains($0.recipient) }) {
                    (key, customer, evidence) = (proof.key, proof.customer, proof.evidence)
                } else if trust == .address, let found = customerByAddress[address] ?? legacyCustomer {
                    (key, customer, evidence) = (legacy?.key, found, "names a debtor's address (trust = \"address\")")
                } else {
                    continue
                }
                let kind: FeedbackEvent.Kind = switch recipient.kind {
                case .bounce(.hard): .hardBounce
                case .bounce(.soft): .softBounce
                case .delayed: .delayed
                default: .other
                }
                events.append(event(kind, key: key, address: address, customer: customer, status: recipient.status,
                                    reason: recipient.reason, evidence: evidence, suffix: verdicts.count > 1 ? "|\(address)" : ""))
            }
            return events.isEmpty
                ? Outcome(events: [], unmatched: trust == .address
                    ? "a delivery report for \(message.recipients.map(\.address).joined(separator: ", ")), an address overdue never wrote to"
                    : "a delivery report for \(message.recipients.map(\.address).joined(separator: ", ")) that carries no valid signed key of a message overdue sent to that address (forged, about mail overdue did not send, or signed with a key retired over \(FeedbackSigner.previousKeyDays) days ago)")
                : Outcome(events: events, unmatched: nil)
        case .autoReply:
            // Only logged: an automatic reply changes nothing.
            let customer = proofs.first?.customer ?? legacyCustomer ?? message.sender.flatMap { customerByAddress[$0.lowercased()] }
            guard !proofs.isEmpty || legacy != nil || customer != nil else {
                return Outcome(events: [], unmatched: "an automatic reply that names no message of ours and comes from no debtor")
            }
            return Outcome(events: [event(.autoReply, key: proofs.first?.key ?? legacy?.key, address: message.sender, customer: customer,
                                          reason: message.explanation, evidence: proofs.first?.evidence)], unmatched: nil)
        case .unsubscribe:
            // A signed key opts out the address its message went to (whoever
            // clicked); else the sender, when a trusted server vouches for it.
            if let proof = proofs.first {
                return Outcome(events: [event(.unsubscribe, key: proof.key, address: proof.recipient, customer: proof.customer,
                                              reason: message.subject, evidence: proof.evidence)], unmatched: nil)
            }
            guard let sender = message.sender else { return Outcome(events: [], unmatched: "an unsubscribe request without a sender address") }
            guard let (customer, evidence) = vouched(sender) else {
                return Outcome(events: [], unmatched: "an unsubscribe request from \(sender) that quotes no signed key of ours and whose sender no trusted server authenticated ([feedback] authserv_ids)")
            }
            return Outcome(events: [event(.unsubscribe, key: nil, address: sender.lowercased(), customer: customer, reason: message.subject,
                                          evidence: evidence)], unmatched: nil)
        case .humanReply:
            if let proof = proofs.first(where: { $0.customer != nil }) {
                return Outcome(events: [event(.reply, key: proof.key, address: message.sender?.lowercased(), customer: proof.customer,
                                              reason: message.subject, evidence: proof.evidence)], unmatched: nil)
            }
            if trust == .address, let legacyCustomer {
                return Outcome(events: [event(.reply, key: legacy?.key, address: message.sender?.lowercased(), customer: legacyCustomer,
                                              reason: message.subject, evidence: "answers a message of ours (trust = \"address\")")], unmatched: nil)
            }
            guard let (customer, evidence) = vouched(message.sender) else {
                return Outcome(events: [], unmatched: trust == .address
                    ? "a reply that answers no message of ours and comes from no debtor's address"
                    : "a reply that quotes no signed key of ours and whose sender no trusted server authenticated as a debtor ([feedback] authserv_ids)")
            }
            return Outcome(events: [event(.reply, key: nil, address: message.sender?.lowercased(), customer: customer, reason: message.subject,
                                          evidence: evidence)], unmatched: nil)
        case .other:
            return Outcome(events: [], unmatched: "neither a delivery report, an automatic reply, an unsubscribe request nor a reply to a reminder: \(message.explanation)")
        }
    }

    /// A report that says two things about one address (a DSN's "5.1.1 user
    /// unknown" beside a text saying "mailbox full") is taken as the milder:
    /// an address is suppressed only on evidence that does not contradict itself.
    static func oneVerdictPerAddress(_ recipients: [FeedbackRecipient]) -> [FeedbackRecipient] {
        var order: [String] = []
        var chosen: [String: FeedbackRecipient] = [:]
        for recipient in recipients {
            let address = recipient.address.lowercased()
            guard let earlier = chosen[address] else {
                order.append(address)
                chosen[address] = recipient
                continue
            }
            if earlier.kind == .bounce(.hard), recipient.kind != .bounce(.hard) { chosen[address] = recipient }
        }
        return order.compactMap { chosen[$0] }
    }
}
