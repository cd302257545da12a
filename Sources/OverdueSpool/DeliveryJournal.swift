import Foundation
import OverdueCore

/// The delivery journal, `ledger/sent.jsonl`: one JSON line per outcome that
/// ends a delivery (sent, ambiguous, failed, suppressed), per deferral (the
/// next attempt and its number), and per re-queue of a failed delivery.
/// Appended a batch at a time (one fdatasync) and replayed at start into
/// what the planner and the retry logic need. (The file keeps its first
/// name, `sent.jsonl`, so that every spool written before reads on.)
/// Not Sendable: owned by the pipeline on its one work queue, which the compiler checks.
public final class DeliveryJournal {
    private let journal: AppendJournal
    private let encoder = JSONEncoder.journalLine()

    public static func url(_ spool: Spool) -> URL { spool.ledger.appendingPathComponent("sent.jsonl") }

    public init(spool: Spool) throws {
        journal = try AppendJournal(url: Self.url(spool))
    }

    /// A delivery that ended, and how.
    public struct Outcome: Sendable {
        public var message: SentMessage
        public var status: DeliveryStatus
        public var code: Int
        public var detail: String

        public init(message: SentMessage, status: DeliveryStatus, code: Int = 0, detail: String = "") {
            self.message = message
            self.status = status
            self.code = code
            self.detail = detail
        }
    }

    /// A delivery waiting for its next attempt.
    public struct Deferral: Sendable, Equatable {
        public var key: String
        public var attempt: Int
        public var next: Date
        public var first: Date

        public init(key: String, attempt: Int, next: Date, first: Date) {
            self.key = key
            self.attempt = attempt
            self.next = next
            self.first = first
        }
    }

    struct Line: Codable {
        var type: String?
        var key: String
        var customer: String?
        var channel: String?
        var recipient: String?
        var stage: String?
        var items: [ReminderItem]?
        var time: String
        var status: String?
        var code: Int?
        var detail: String?
        var attempt: Int?
        var next: String?
        var first: String?
        /// A Cc copy of a letter (outcome lines).
        var copy: Bool?
        /// The payment deadline the letter gave (outcome lines of letters after the due date).
        var pay_by: String?
    }

    public func append(outcomes: [Outcome] = [], deferrals: [Deferral] = [], requeued: [String] = [], at time: Date = Date()) throws {
        var lines: [[UInt8]] = []
        for outcome in outcomes {
            // `Line` written directly rather than through JSONEncoder: one per delivery, dispatch's hot path.
            let message = outcome.message
            let items: [JSONValue] = message.items.map { item in
                var object: [String: JSONValue] = ["invoice": .string(item.invoice), "stage": .string(item.stage)]
                object["installment"] = item.installment.map { .number(Decimal($0)) }
                return .object(object)
            }
            var line: [String: JSONValue] = [
                "type": .string("outcome"), "key": .string(message.key), "customer": .string(message.customer),
                "channel": .string(message.channel.rawValue), "recipient": .string(message.recipient), "stage": .string(message.stage),
                "items": .array(items), "time": .string(Timestamp.format(message.time)), "status": .string(outcome.status.rawValue),
                "code": .number(Decimal(outcome.code)), "detail": .string(outcome.detail),
            ]
            if message.copy { line["copy"] = .bool(true) }
            if let payBy = message.payBy { line["pay_by"] = .string(payBy.description) }
            lines.append(JSONLine.bytes(.object(line)))
        }
        for deferral in deferrals {
            lines.append(Array(try encoder.encode(Line(
                type: "deferred", key: deferral.key, time: Timestamp.format(time), attempt: deferral.attempt,
                next: Timestamp.format(deferral.next), first: Timestamp.format(deferral.first)))))
        }
        for key in requeued {
            lines.append(Array(try encoder.encode(Line(type: "requeue", key: key, time: Timestamp.format(time)))))
        }
        try journal.append(lines)
    }

    /// A message of an approval stage began waiting (`pending`), or waited
    /// past `approval_expires_days` (`expired`): the planner reads since
    /// when each waits from these lines.
    public func append(approvals: [(kind: String, send: PlannedSend)], at time: Date) throws {
        try journal.append(approvals.map { kind, send in
            JSONLine.bytes(.object([
                "type": .string(kind), "key": .string(send.key), "customer": .string(send.customer),
                "channel": .string(send.channel.rawValue), "recipient": .string(send.recipient), "stage": .string(send.stage),
                "invoices": .array(send.invoices.map(JSONValue.string)), "time": .string(Timestamp.format(time)),
            ]))
        })
    }

    /// The stale payment feed guard engaged (payment data since `since`),
    /// or released (nil): logged once each, across restarts.
    public func append(staleSince since: Date?, at time: Date) throws {
        try journal.append([Array(try encoder.encode(Line(
            type: since == nil ? "fresh" : "stale", key: "", time: Timestamp.format(time), first: since.map(Timestamp.format))))])
    }

    /// Everything the journal says, as of its last complete line.
    public struct State: Sendable {
        public var history = DeliveryHistory()
        public var deferred: [String: Deferral] = [:]
        /// Deliveries that failed for good and were not re-queued, by key.
        public var failed: [String: Outcome] = [:]
        /// Outcomes per channel and status ("sent", "failed", …), for reports.
        public var counts: [String: [String: Int]] = [:]
        /// Every outcome in force, oldest first; only kept when asked for
        /// (`calls`, `handoff`), since the daemon does not need them.
        public var outcomes: [Outcome] = []
        /// When messages went out on each channel in the journal's last two
        /// days, so a restart counts them against the day's quota.
        public var recentSends: [Channel: [Date]] = [:]
        /// The stale payment feed guard as last logged: engaged for data
        /// since this instant, nil when released (or never engaged).
        public var staleLogged: Date?

        public init() {}
    }

    /// What the journal says, from the delivery snapshot (when there is a
    /// good one) and the lines after it (`DeliveryJournal+Replay.swift`).
    public static func replay(spool: Spool, keepingOutcomes: Bool = false, usingSnapshot: Bool = true) throws -> State {
        try replayAccumulated(spool: spool, usingSnapshot: usingSnapshot).state(keepingOutcomes: keepingOutcomes)
    }
}
