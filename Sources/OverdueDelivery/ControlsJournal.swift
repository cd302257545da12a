import Foundation
import Logging
import OverdueCore
import OverdueSpool

/// What the controls did in a pass, for `STATUS=`, the metrics and the log.
public struct ControlsSummary: Sendable, Equatable {
    /// Messages waiting for approval.
    public var pending = 0
    /// Since when the payment feed is stale (post-due reminders held), nil when it is not.
    public var staleSince: Date?
    /// Held items by kind ("excluded", "no_contact", …).
    public var held: [String: Int] = [:]

    package init(pending: Int = 0, staleSince: Date? = nil) {
        self.pending = pending
        self.staleSince = staleSince
    }

    /// "2 waiting for approval, post-due reminders held: no payment data since …"
    public var statusText: String {
        var parts: [String] = []
        if pending > 0 { parts.append("\(pending) waiting for approval (overdue pending)") }
        if let staleSince { parts.append("post-due reminders held: no payment data since \(Timestamp.format(staleSince))") }
        return parts.joined(separator: ", ")
    }
}

/// Makes the planner's control decisions durable and visible: a message
/// that starts waiting for approval gets a `pending` line in the delivery
/// journal (the planner reads since when it waits from there) and one in
/// the log; one waiting past `approval_expires_days` an `expired` line in
/// both; each held item is logged once while it stays held (`held`; kept in
/// `run/held.json`, so `run --once` every few minutes does not log it each
/// time), the stale feed guard once when it engages and once when a file
/// releases it.
package final class ControlsJournal {
    private var deliveryJournal: DeliveryJournal
    private let log: EventLog
    private let logger: Logger
    /// Held items logged and still held ("kind|customer|stage"): one that is
    /// released and held again later is logged again.
    private var loggedHolds: Set<String> = []
    private var loggedStaleSince: Date?
    private let heldFile: URL?

    package init(deliveryJournal: DeliveryJournal, log: EventLog, logger: Logger, staleLogged: Date?, heldFile: URL? = nil) {
        loggedStaleSince = staleLogged
        self.heldFile = heldFile
        if let heldFile, let bytes = try? DurableIO.read(heldFile),
           let keys = try? JSONDecoder().decode([String].self, from: Data(bytes)) {
            loggedHolds = Set(keys)
        }
        self.deliveryJournal = deliveryJournal
        self.log = log
        self.logger = logger
    }

    /// After a reload the dispatcher's new journal handle writes the lines.
    package func use(_ journal: DeliveryJournal) { deliveryJournal = journal }

    package func record(_ plan: PlanResult, staleSince: Date?, history: inout DeliveryHistory, now: Date) throws -> ControlsSummary {
        var lines: [(kind: String, send: PlannedSend)] = []
        var entries: [LogEntry] = []
        for expired in plan.expired {
            lines.append(("expired", expired.send))
            history.approvals.expired(expired.send.key)
            entries.append(LogEntry(time: now, event: "expired", fields: Self.fields(expired.send, detail:
                "waited for approval since \(Timestamp.format(expired.since)), longer than [schedule] approval_expires_days; planned again")))
        }
        for pending in plan.pending where pending.isNew {
            lines.append(("pending", pending.send))
            history.approvals.pending(pending.send.key, since: now)
            entries.append(LogEntry(time: now, event: "pending", fields: Self.fields(pending.send, detail:
                "waits for approval: overdue approve \(pending.send.key) (or overdue hold \(pending.send.key) --reason …)")))
        }
        if let staleSince, loggedStaleSince != staleSince {
            entries.append(LogEntry(time: now, event: "held", fields: [
                "reason": .string("payments_stale"), "since": .string(Timestamp.format(staleSince)),
                "customers": .array(Set(plan.held.filter { $0.kind == "payments_stale" }.map(\.customer)).sorted().map(JSONValue.string)),
                "detail": .string("held: no payment data since \(Timestamp.format(staleSince)); reminders from the due date on wait for the next file with payments or invoices"),
            ]))
            logger.warning("post-due reminders held: no payment data", metadata: ["payments.since": "\(Timestamp.format(staleSince))"])
        } else if staleSince == nil, let since = loggedStaleSince {
            entries.append(LogEntry(time: now, event: "released", fields: [
                "reason": .string("payments_stale"),
                "detail": .string("payment data arrived (stale since \(Timestamp.format(since))): held reminders are planned again"),
            ]))
        }
        if loggedStaleSince != staleSince {
            try deliveryJournal.append(staleSince: staleSince, at: now)
            loggedStaleSince = staleSince
        }
        var summary = ControlsSummary(pending: plan.pending.count, staleSince: staleSince)
        var heldNow = Set<String>()
        for item in plan.held {
            summary.held[item.kind, default: 0] += 1
            // (A stage waiting for a deadline is the ladder's normal pace: `plan` and `status` show it, the log does not.)
            guard item.kind != "payments_stale", item.kind != "awaiting_deadline" else { continue }
            let key = "\(item.kind)|\(item.customer)|\(item.stage ?? "")"
            heldNow.insert(key)
            guard !loggedHolds.contains(key) else { continue }
            var fields: [String: JSONValue] = [
                "customer": .string(item.customer), "invoices": .array(item.invoices.map(JSONValue.string)),
                "reason": .string(item.kind), "detail": .string(item.detail),
            ]
            fields["stage"] = item.stage.map(JSONValue.string)
            entries.append(LogEntry(time: now, event: "held", fields: fields))
        }
        if heldNow != loggedHolds {
            loggedHolds = heldNow
            if let heldFile { try DurableIO.writeAtomically(Array(try JSONEncoder().encode(loggedHolds.sorted())), to: heldFile) }
        }
        if !lines.isEmpty { try deliveryJournal.append(approvals: lines, at: now) }
        if !entries.isEmpty { try log.append(entries) }
        return summary
    }

    static func fields(_ send: PlannedSend, detail: String) -> [String: JSONValue] {
        var fields = Dispatcher.fields(send, attempt: 0)
        fields["attempt"] = nil
        fields["detail"] = .string(detail)
        return fields
    }
}
