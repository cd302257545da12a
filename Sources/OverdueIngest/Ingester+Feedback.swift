import Foundation
import OverdueCore
import OverdueSpool

/// A delivery a signed report says bounced after the relay accepted it.
public struct BouncedDelivery: Sendable, Equatable {
    public var key: String
    public var reason: String
}

extension Ingester {
    /// The `feedback` log line: what came back, whom it concerns, what it did.
    static func feedbackFields(_ feedback: FeedbackEvent, file: String, detail: String? = nil) -> [String: JSONValue] {
        var fields: [String: JSONValue] = ["file": .string(file), "kind": .string(feedback.kind.rawValue),
                                           "message_id": .string(feedback.messageID)]
        fields["digest"] = feedback.digest.map(JSONValue.string)
        fields["key"] = feedback.key.map(JSONValue.string)
        fields["customer"] = feedback.customer.map(JSONValue.string)
        fields["recipient"] = feedback.address.map(JSONValue.string)
        fields["status"] = feedback.status.map(JSONValue.string)
        fields["reason"] = feedback.reason.map(JSONValue.string)
        fields["evidence"] = feedback.evidence.map(JSONValue.string)
        fields["detail"] = .string(detail ?? effect(of: feedback))
        return fields
    }

    static func effect(of feedback: FeedbackEvent) -> String {
        switch feedback.kind {
        case .hardBounce: "the address does not exist: suppressed for e-mail; the next stage falls back to another channel"
        case .softBounce: "not delivered for now (\(feedback.reason ?? "temporary")); nothing suppressed"
        case .delayed: "delivery delayed; nothing suppressed"
        case .autoReply: "automatic reply; no effect"
        case .unsubscribe: "opted out of e-mail"
        case .reply: "the debtor replied: reminders pause; the reply went to the finance team"
        case .other: feedback.reason ?? "no effect"
        case .undone: "a person undid the reply's pause (overdue undo-feedback): reminders resume"
        }
    }
}
