import Foundation
import OverdueConfig
import OverdueCore
import OverdueRender
import OverdueSpool

/// `overdue pending` (and `approve --customer/--all`): the messages waiting
/// for approval, as the daemon's planner sees them now (the spool read
/// without a lock, the inbox files not yet read taken into account), since
/// when each waits, and what a person held. `--show KEY` renders one with
/// the daemon's own `MessageBuilder`, the bytes a send would have.
public struct PendingView {
    public let pending: [PendingApproval]
    /// Messages a person held (`overdue hold`), and other held items.
    public let held: [HeldItem]
    private let snapshot: SpoolSnapshot
    private let now: Date

    public init(config: Config, now: Date) throws {
        snapshot = try SpoolSnapshot(config: config)
        self.now = now
        let plan = snapshot.planner.plan(ledger: snapshot.ledger, history: snapshot.history, now: now)
        pending = plan.pending.sorted { ($0.since, $0.send.customer, $0.send.key) < ($1.since, $1.send.customer, $1.send.key) }
        held = plan.held
    }

    /// The demanded total, e.g. "1,200.00 EUR" (one line per currency).
    public static func amount(_ send: PlannedSend) -> String {
        send.totals.map { "\(Money.format($0.totalDue, minorUnits: Currency.minorUnits($0.currency))) \($0.currency)" }
            .joined(separator: " + ")
    }

    /// The message of a pending key, rendered as the daemon would send it.
    public func render(key: String) throws -> (send: PlannedSend, message: RenderedMessage, bytes: [UInt8])? {
        guard let send = pending.first(where: { $0.send.key == key })?.send else { return nil }
        var fields: [String: JSONValue] = [:]
        let built = try snapshot.builder().build(send, ledger: snapshot.ledger, history: snapshot.history, now: now, fields: &fields)
        return (send, built.content, built.bytes)
    }

    public var json: JSONValue {
        .array(pending.map { item in
            let send = item.send
            return .object([
                "key": .string(send.key), "customer": .string(send.customer), "stage": .string(send.stage),
                "channel": .string(send.channel.rawValue), "recipient": .string(send.recipient),
                "invoices": .array(send.invoices.map(JSONValue.string)), "amount": .string(Self.amount(send)),
                "since": .string(Timestamp.format(item.since)),
            ])
        })
    }
}
