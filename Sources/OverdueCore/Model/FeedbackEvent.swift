import Foundation
import OverdueCalendar

/// What one message read from the feedback mailbox did, as the ledger keeps
/// it: a bounce puts the address on the suppression list, an unsubscribe
/// opts it out of e-mail, a reply pauses the debtor's reminders; the other
/// kinds are only logged. Recorded as an inbox event (`"event": "feedback"`)
/// written by the mailbox reader, so the effect is as durable as any inbox
/// file and the same message read twice (after a crash) applies once.
public struct FeedbackEvent: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case hardBounce = "hard-bounce", softBounce = "soft-bounce", delayed, autoReply = "auto-reply"
        case unsubscribe, reply, other
        /// Written by `overdue undo-feedback` for a reply: the debtor's
        /// reply pause ends (bounces and unsubscribes are undone by an opt-in).
        case undone
    }

    public var kind: Kind
    /// The feedback message's own Message-ID (or a digest of it when it has none).
    public var messageID: String
    /// The first 16 hex digits of the SHA-256 of the message's bytes: with
    /// the Message-ID, what makes a message the same one read again (two
    /// different reports that reuse one Message-ID are two messages).
    public var digest: String?
    /// The day the message was written (its Date header), in UTC.
    public var date: CalendarDate
    /// The delivery it is about, when matched (VERP, Message-ID or recipient).
    public var key: String?
    public var customer: String?
    /// The address concerned: the bounced recipient, or the sender of a reply.
    public var address: String?
    public var status: String?
    public var reason: String?
    /// Why the message was believed, for a person checking an automated
    /// suppression, opt-out or pause: "VERP signature of od1-… to …",
    /// "DKIM pass for acme.example (mx.northwind.example)".
    public var evidence: String?

    public init(kind: Kind, messageID: String, digest: String? = nil, date: CalendarDate, key: String? = nil, customer: String? = nil,
                address: String? = nil, status: String? = nil, reason: String? = nil, evidence: String? = nil) {
        self.kind = kind
        self.messageID = messageID
        self.digest = digest
        self.date = date
        self.key = key
        self.customer = customer
        self.address = address
        self.status = status
        self.reason = reason
        self.evidence = evidence
    }
}

extension FeedbackEvent {
    /// What the ledger remembers to apply each message once.
    public var identity: String { digest.map { "\(messageID)|\($0)" } ?? messageID }

    /// The event as the inbox decoder accepts it: whatever came from a
    /// stranger's message (subjects, diagnostics, odd addresses) made one
    /// line and cut to the field's limit, an address that is not one left out.
    public func sanitized() -> FeedbackEvent {
        func line(_ text: String?, max: Int) -> String? {
            guard let text else { return nil }
            let flat = String(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : Character($0) })
                .trimmingCharacters(in: .whitespaces)
            let cut = flat.count > max ? String(flat.prefix(max - 1)) + "…" : flat
            return FieldRules.text(cut, maxLength: max) == nil ? cut : nil
        }
        var copy = self
        copy.messageID = line(messageID, max: 998) ?? "unknown"
        copy.address = address.flatMap { FieldRules.contactAddress($0) == nil ? $0 : nil }
        copy.customer = customer.flatMap { FieldRules.identifier($0) == nil ? $0 : nil }
        copy.key = line(key, max: 200)
        copy.digest = digest.flatMap { $0.count <= 64 && $0.allSatisfy(\.isHexDigit) ? $0 : nil }
        copy.status = line(status, max: 20)
        copy.reason = line(reason, max: 300)
        copy.evidence = line(evidence, max: 300)
        return copy
    }
}
