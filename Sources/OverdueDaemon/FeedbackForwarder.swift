import Crypto
import Foundation
import Logging
import OverdueConfig
import OverdueCore
import OverdueDelivery
import OverdueMail
import OverdueRender
import OverdueSpool
import OverdueTransports
import Synchronization

/// A debtor's reply goes to a person: forwarded to `[feedback] forward_to`
/// over the e-mail channel (SMTP, or the Maildir) with the original
/// attached as `message/rfc822`, and announced as a `reply.received`
/// webhook when a webhook channel exists.
final class FeedbackForwarder {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let config: Config
    let logger: Logger
    let clock: OverdueClock
    let email: Transport?
    let webhook: Transport?
    let log: EventLog

    init(config: Config, spool: Spool, logger: Logger, clock: OverdueClock) throws {
        self.config = config
        log = EventLog(directory: spool.log)
        self.logger = logger
        self.clock = clock
        let transports = try TransportSet(config: config, spool: spool, logger: logger)
        email = config.feedback?.forwardTo == nil ? nil : transports.transport(for: .email)
        webhook = transports.transport(for: .webhook)
    }

    /// Forwards one reply; true when the copy reached the finance team.
    func forward(_ original: [UInt8], events: [FeedbackEvent], classification: FeedbackClassification) -> Bool {
        guard let reply = events.first(where: { $0.kind == .reply }) else { return false }
        let id = Hex.lowercase(SHA256.hash(data: original)).prefix(32)
        var delivered = false
        if let email, let to = config.feedback?.forwardTo {
            let subject = "Reply from \(reply.customer ?? "a debtor"): \(classification.subject ?? "(no subject)")"
            var mail = MailMessage(
                from: config.brand.from, to: to, replyTo: classification.sender, subject: subject,
                messageID: "fwd-\(id)@\(MessageBuilder.domain(of: config.brand.from))", date: clock.now(),
                text: """
                    \(classification.sender ?? "A debtor") (customer \(reply.customer ?? "unknown")) replied to a reminder\(reply.key.map { " (delivery \($0))" } ?? "").
                    Their reminders pause for \(config.schedule.replyPauseDays) business days, or until a payment, promise or dispute is recorded.
                    The reply is attached.
                    """)
            mail.attachments = [MailAttachment(fileName: "reply.eml", contentType: "message/rfc822", bytes: original)]
            let outcome = Self.wait(email, OutgoingMessage(key: "fwd-\(id)", recipient: to, payload: .mail(
                bytes: mail.bytes(), envelopeFrom: FieldRules.mailboxAddress(config.brand.from))))
            delivered = outcome?.status == .sent
            // The log says where a debtor's reply went (or why it did not).
            try? log.append([LogEntry(time: clock.now(), event: "forwarded", fields: [
                "customer": reply.customer.map(JSONValue.string) ?? .null, "message_id": .string(reply.messageID),
                "recipient": .string(to), "key": .string("fwd-\(id)"),
                "detail": .string(delivered ? "the debtor's reply went to the finance team, the original attached"
                    : "not forwarded: \(outcome.map(\.detail) ?? "no answer from the relay in 120 s"); the reply is in the mailbox's done folder"),
            ])])
            if !delivered {
                logger.warning("could not forward a debtor's reply", metadata: ["feedback.customer": "\(reply.customer ?? "")",
                                                                                "delivery.outcome": "\(outcome.map { "\($0)" } ?? "timed out")"])
            }
        }
        if let webhook, let url = config.webhook?.url {
            let body: [String: JSONValue] = [
                "type": .string("reply.received"), "customer": reply.customer.map(JSONValue.string) ?? .null,
                "from": classification.sender.map(JSONValue.string) ?? .null,
                "subject": classification.subject.map(JSONValue.string) ?? .null, "date": .string(reply.date.description),
                "message_id": .string(reply.messageID), "key": reply.key.map(JSONValue.string) ?? .null,
            ]
            _ = Self.wait(webhook, OutgoingMessage(key: "reply-\(id)", recipient: url,
                                                   payload: .webhook(json: String(decoding: JSONLine.bytes(.object(body)), as: UTF8.self))))
        }
        return delivered
    }

    /// A transport's completion, waited for (each transport bounds its own time).
    static func wait(_ transport: Transport, _ message: OutgoingMessage) -> DeliveryOutcome? {
        let done = DispatchSemaphore(value: 0)
        let result = Mutex<DeliveryOutcome?>(nil)
        transport.start(message) { outcome in
            result.withLock { $0 = outcome }
            done.signal()
        }
        _ = done.wait(timeout: .now() + 120)
        return result.withLock { $0 }
    }
}

extension FeedbackForwarder.Failure: OverdueError {
    var code: ErrorCode { .feedbackForward }
}
