import Foundation
import OverdueCore

/// How one delivery attempt ended. Every transport maps what its peer said
/// onto exactly one of these, with the peer's code and words.
public enum DeliveryOutcome: Sendable, Equatable {
    /// Accepted. `id` is the peer's id (SMTP queue id, gateway message id).
    case sent(code: Int, id: String?, detail: String)
    /// Not now; try again, not before `notBefore` when the peer said so.
    case transient(code: Int, detail: String, notBefore: Date?)
    /// Never: the request is wrong, the peer refuses it for good.
    case permanent(code: Int, detail: String)
    /// Never: the address does not exist (SMTP 550 5.1.1). A dead letter,
    /// and the address goes on the suppression list.
    case noSuchRecipient(code: Int, detail: String)
    /// The recipient opted out at the gateway (e.g. Twilio 21610, sent STOP).
    case optedOut(code: Int, detail: String)
    /// Maybe delivered: the request went out and no clear answer came
    /// (a timeout or 5xx after the gateway may have accepted it). Not
    /// retried blindly, because that could send the debtor a second copy.
    case ambiguous(code: Int, detail: String)
    /// The endpoint said it is gone (webhook 410): no more sends until the
    /// configuration is reloaded.
    case disabled(code: Int, detail: String)
    /// Not now, and not for any message on this channel: the relay refused
    /// our credentials or TLS, or the destination is unreachable. Deferred
    /// (never a dead letter: a fixed config sends it), and the delivery
    /// queue pauses the channel instead of trying every message — one
    /// failed AUTH, not one per message, so no relay locks the account.
    case channelDown(code: Int, detail: String)

    /// The attempt never began (the daemon was stopping); nothing to record.
    public static let notStarted = DeliveryOutcome.transient(code: -1, detail: "not started", notBefore: nil)

    /// How the delivery ended, for the journal; nil for a deferral (not an end).
    public var status: DeliveryStatus? {
        switch self {
        case .sent: .sent
        case .transient, .channelDown: nil
        case .permanent, .noSuchRecipient, .disabled: .failed
        case .optedOut: .suppressed
        case .ambiguous: .ambiguous
        }
    }

    /// The log's event name for this outcome.
    public var event: String {
        switch self {
        case .sent: "sent"
        case .transient, .channelDown: "deferred"
        case .permanent, .noSuchRecipient: "failed"
        case .optedOut: "suppressed"
        case .ambiguous: "ambiguous"
        case .disabled: "failed"
        }
    }

    public var isChannelDown: Bool {
        if case .channelDown = self { true } else { false }
    }

    /// The peer's "not before" of a transient failure.
    public var notBefore: Date? {
        if case .transient(_, _, let notBefore) = self { notBefore } else { nil }
    }

    public var code: Int {
        switch self {
        case .sent(let code, _, _), .transient(let code, _, _), .permanent(let code, _), .noSuchRecipient(let code, _),
             .optedOut(let code, _), .ambiguous(let code, _), .disabled(let code, _), .channelDown(let code, _):
            code
        }
    }

    public var detail: String {
        switch self {
        case .sent(_, _, let detail), .transient(_, let detail, _), .permanent(_, let detail), .noSuchRecipient(_, let detail),
             .optedOut(_, let detail), .ambiguous(_, let detail), .disabled(_, let detail), .channelDown(_, let detail):
            detail
        }
    }
}

/// What goes out, per channel.
public enum OutgoingPayload: Sendable {
    /// An RFC 5322 message for one recipient.
    case mail(bytes: [UInt8], envelopeFrom: String)
    case sms(text: String)
    case webhook(json: String)
    /// A note for the person who phones the debtor (nothing is sent).
    case call(sheet: String)
}

/// One delivery attempt's input.
public struct OutgoingMessage: Sendable {
    /// The idempotency key: Message-ID, webhook-id and file names derive from it.
    public var key: String
    public var recipient: String
    public var payload: OutgoingPayload

    public init(key: String, recipient: String, payload: OutgoingPayload) {
        self.key = key
        self.recipient = recipient
        self.payload = payload
    }
}

/// A channel's way out. `start` returns at once; `completion` runs when the
/// attempt has an outcome (on any thread).
public protocol Transport: Sendable {
    func start(_ message: OutgoingMessage, completion: @escaping @Sendable (DeliveryOutcome) -> Void)
}
