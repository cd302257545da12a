import Foundation
import OverdueCalendar

/// One invoice (or one installment of it) in a reminder message.
public struct ReminderItem: Sendable, Hashable, Codable {
    public var invoice: String
    /// 1-based installment number, nil for the invoice as a whole.
    public var installment: Int?
    public var stage: String

    public init(invoice: String, installment: Int?, stage: String) {
        self.invoice = invoice
        self.installment = installment
        self.stage = stage
    }

    /// "INV-1" or "INV-1#2": what is being reminded of.
    public var unitID: String { installment.map { "\(invoice)#\($0)" } ?? invoice }

    /// Every unit id an invoice can have been reminded under: the invoice
    /// itself and each installment, paid ones too ("INV-1", "INV-1#1", …).
    public static func unitIDs(of invoice: Invoice) -> [String] {
        [invoice.id] + invoice.installments.indices.map { ReminderItem(invoice: invoice.id, installment: $0 + 1, stage: "").unitID }
    }

    /// The invoice a unit id names ("INV-1#2" → "INV-1"): the one place that reads the format back.
    public static func invoice(ofUnit unitID: String) -> String {
        String(unitID.split(separator: "#", maxSplits: 1).first ?? Substring(unitID))
    }
}

/// How a delivery ended for good, as the delivery journal records it (a
/// deferral is not an end: it is retried).
public enum DeliveryStatus: String, Sendable, Codable, CaseIterable {
    /// Accepted by the peer.
    case sent
    /// Maybe delivered; never resent automatically.
    case ambiguous
    /// A dead letter: refused for good, or retried past its lifetime.
    case failed
    /// Not sent: opted out, bounced before, or no address.
    case suppressed
    /// Accepted by the relay, then a signed delivery report said the
    /// address does not exist: it never reached the debtor, so its stage
    /// is not reached (the next stage does not climb on it).
    case bounced

    /// Whether the debtor may have got it: it counts for gaps and stages.
    public var reachedDebtor: Bool { self == .sent || self == .ambiguous }
}

/// A message that went out (or that the plan says will go out).
public struct SentMessage: Sendable, Equatable {
    public var key: String
    public var customer: String
    public var channel: Channel
    public var recipient: String
    public var stage: String
    public var items: [ReminderItem]
    public var time: Date
    /// A Cc copy of a letter: one delivery, never a contact of its own.
    public var copy = false
    /// The payment deadline the letter gave (`pay_by` in the delivery
    /// journal): no later stage for its units goes out before the day after.
    public var payBy: CalendarDate?

    public init(key: String, customer: String, channel: Channel, recipient: String, stage: String, items: [ReminderItem], time: Date) {
        self.key = key
        self.customer = customer
        self.channel = channel
        self.recipient = recipient
        self.stage = stage
        self.items = items
        self.time = time
    }
}

/// What was already sent, indexed the ways the planner asks: which stages of
/// a unit went out on which channel and when, and when a debtor was last
/// contacted on a channel. Rebuilt from the spool's delivery journal at start.
public struct DeliveryHistory: Sendable {
    public struct StageSend: Sendable, Equatable {
        /// The unit's own stage in that message.
        public var stage: String
        public var channel: Channel
        public var time: Date
        /// The message it went out in, and the message's stage: one message
        /// about several units is one contact, cited once.
        public var key: String
        public var messageStage: String
        /// False when the debtor could not be reached this way (a permanent
        /// failure, or skipped because opted out or without an address):
        /// the stage may then fall back to another channel.
        public var reached = true
        /// Not sent because the address was opted out or suppressed: once
        /// that is lifted, the stage is offered on the channel again.
        public var suppressed = false
        public var recipient = ""
        /// The deadline the letter gave, if it had one.
        public var payBy: CalendarDate?
    }

    struct ContactKey: Hashable {
        var customer: String
        var channel: Channel
    }

    public private(set) var keys: Set<String> = []
    private(set) var byUnit: [String: [StageSend]] = [:]
    /// Cc copies per unit: kept apart from `byUnit`, so a copy never counts
    /// as a stage sent, a contact or an earlier reminder.
    private(set) var copiesByUnit: [String: [CopySend]] = [:]
    /// Since when each message waiting for approval has waited.
    public var approvals = ApprovalLog()
    private var lastContact: [ContactKey: Date] = [:]
    public private(set) var count = 0
    /// Of those, the ones that reached the debtor (sent or maybe sent):
    /// what `status` calls sent.
    public private(set) var reachedCount = 0

    public init() {}

    public mutating func record(_ message: SentMessage, reached: Bool = true, suppressed: Bool = false) {
        guard keys.insert(message.key).inserted else { return }
        count += 1
        if message.copy {
            for item in message.items {
                copiesByUnit[item.unitID, default: []].append(CopySend(stage: item.stage, recipient: message.recipient))
            }
            return
        }
        for item in message.items {
            byUnit[item.unitID, default: []].append(StageSend(stage: item.stage, channel: message.channel, time: message.time,
                                                              key: message.key, messageStage: message.stage, reached: reached,
                                                              suppressed: suppressed, recipient: message.recipient,
                                                              payBy: message.payBy))
        }
        // Only a message that reached the debtor counts for the gap.
        guard reached else { return }
        reachedCount += 1
        let contact = ContactKey(customer: message.customer, channel: message.channel)
        if lastContact[contact].map({ $0 < message.time }) ?? true { lastContact[contact] = message.time }
    }

    public func contains(key: String) -> Bool { keys.contains(key) }

    public func sends(of unitID: String) -> [StageSend] { byUnit[unitID] ?? [] }

    /// The Cc copies made of a unit's letters (sent, failed or suppressed).
    public func copies(of unitID: String) -> [CopySend] { copiesByUnit[unitID] ?? [] }

    /// The messages that reached the debtor about any of these units, each
    /// once, oldest first: the history a letter cites. Only letters and
    /// texts count: a webhook goes to the business's own system and a call
    /// stage only puts the debtor on a list.
    public func contacts(about unitIDs: some Sequence<String>, before instant: Date = .distantFuture) -> [StageSend] {
        var seen = Set<String>()
        var contacts: [StageSend] = []
        for unitID in unitIDs {
            for send in sends(of: unitID) where send.reached && send.time < instant && (send.channel == .email || send.channel == .sms) {
                if seen.insert(send.key).inserted { contacts.append(send) }
            }
        }
        return contacts.sorted { ($0.time, $0.key) < ($1.time, $1.key) }
    }

    /// For each of these message keys that went out, one unit it was about
    /// ("INV-1" or "INV-1#2"): one scan for a whole batch of feedback
    /// messages, where an index kept for every key would cost memory on
    /// every start for what arrives rarely.
    public func deliveries(forKeys wanted: Set<String>) -> [String: (unit: String, recipient: String)] {
        guard !wanted.isEmpty else { return [:] }
        var found: [String: (unit: String, recipient: String)] = [:]
        for (unit, sends) in byUnit {
            for send in sends where wanted.contains(send.key) && found[send.key] == nil { found[send.key] = (unit, send.recipient) }
            if found.count == wanted.count { break }
        }
        return found
    }

    /// Records a delivery's end as its status says: reached the debtor, or not (and whether suppressed).
    public mutating func record(_ message: SentMessage, status: DeliveryStatus) {
        record(message, reached: status.reachedDebtor, suppressed: status == .suppressed)
    }

    public func lastContact(customer: String, channel: Channel) -> Date? {
        lastContact[ContactKey(customer: customer, channel: channel)]
    }
}
