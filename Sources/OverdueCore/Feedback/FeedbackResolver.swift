import Foundation

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

    /// "od1-<32 hex>" from one of our Message-IDs ("od1-…@northwind.example"), or a VERP detail.
    public static func deliveryKey(_ text: String) -> String? {
        let local = text.split(separator: "@").first.map(String.init) ?? text
        let trimmed = local.trimmingCharacters(in: CharacterSet(charactersIn: "<> "))
        return trimmed.hasPrefix("od1-") && trimmed.count == 36 && trimmed.dropFirst(4).allSatisfy(\.isHexDigit) ? trimmed : nil
    }

    public static func resolve(_ inputs: [Input], history: DeliveryHistory, ledger: Ledger) -> [Outcome] {
        // The keys each message may be about: its VERP key, then the
        // Message-IDs it quotes or answers.
        let candidates = inputs.map { input in
            ([input.classification.verpKey].compactMap { $0 } + input.classification.referencedMessageIDs).compactMap(deliveryKey)
        }
        let units = history.units(forKeys: Set(candidates.flatMap { $0 }))
        var customerByAddress: [String: String] = [:]
        for entry in ledger.entries.values {
            // The debtor as the customer directory makes them (the e-mail may come from there).
            let customer = ledger.directory.effective(for: entry.invoice).customer
            if let email = customer.email { customerByAddress[email.lowercased()] = customer.id }
        }
        return zip(inputs, candidates).map { input, keys in
            let key = keys.first { units[$0] != nil }
            let keyCustomer = key.flatMap { units[$0] }.flatMap { unit in
                ledger[ReminderItem.invoice(ofUnit: unit)].map { ledger.directory.effective(for: $0.invoice).customer.id }
            }
            return outcome(input, key: key, keyCustomer: keyCustomer, customerByAddress: customerByAddress)
        }
    }

    static func outcome(_ input: Input, key: String?, keyCustomer: String?, customerByAddress: [String: String]) -> Outcome {
        let message = input.classification
        func event(_ kind: FeedbackEvent.Kind, address: String?, customer: String?, status: String? = nil, reason: String? = nil,
                   suffix: String = "") -> FeedbackEvent {
            FeedbackEvent(kind: kind, messageID: input.messageID + suffix, digest: input.digest, date: input.date, key: key, customer: customer,
                          address: address, status: status, reason: reason)
        }
        switch message.kind {
        case .bounce, .delayed:
            // Each reported recipient on its own: only an address we wrote to
            // (the matched delivery's debtor, or any debtor's address) is acted on.
            var events: [FeedbackEvent] = []
            for recipient in Self.oneVerdictPerAddress(message.recipients) {
                let customer = customerByAddress[recipient.address.lowercased()] ?? (key != nil ? keyCustomer : nil)
                guard key != nil || customer != nil else { continue }
                let kind: FeedbackEvent.Kind = switch recipient.kind {
                case .bounce(.hard): .hardBounce
                case .bounce(.soft): .softBounce
                case .delayed: .delayed
                default: .other
                }
                events.append(event(kind, address: recipient.address.lowercased(), customer: customer, status: recipient.status,
                                    reason: recipient.reason, suffix: Self.oneVerdictPerAddress(message.recipients).count > 1 ? "|\(recipient.address.lowercased())" : ""))
            }
            return events.isEmpty
                ? Outcome(events: [], unmatched: "a delivery report for \(message.recipients.map(\.address).joined(separator: ", ")), an address overdue never wrote to")
                : Outcome(events: events, unmatched: nil)
        case .autoReply:
            let customer = keyCustomer ?? message.sender.flatMap { customerByAddress[$0.lowercased()] }
            guard key != nil || customer != nil else { return Outcome(events: [], unmatched: "an automatic reply that names no message of ours and comes from no debtor") }
            return Outcome(events: [event(.autoReply, address: message.sender, customer: customer, reason: message.explanation)], unmatched: nil)
        case .unsubscribe:
            guard let sender = message.sender else { return Outcome(events: [], unmatched: "an unsubscribe request without a sender address") }
            let customer = customerByAddress[sender.lowercased()] ?? keyCustomer
            return Outcome(events: [event(.unsubscribe, address: sender.lowercased(), customer: customer, reason: message.subject)], unmatched: nil)
        case .humanReply:
            guard let customer = keyCustomer ?? message.sender.flatMap({ customerByAddress[$0.lowercased()] }) else {
                return Outcome(events: [], unmatched: "a reply that answers no message of ours and comes from no debtor's address")
            }
            return Outcome(events: [event(.reply, address: message.sender?.lowercased(), customer: customer, reason: message.subject)], unmatched: nil)
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
