import Foundation
import OverdueCalendar
import OverdueConfig
import OverdueCore
import OverdueDelivery
import OverdueIngest
import OverdueSpool

/// `overdue status`: invoices by state, what waits, the feedback mailbox and
/// the controls, as of one instant, from one plan.
public struct StatusView: SpoolStateView {
    public let state: SpoolState

    public init(_ state: SpoolState) { self.state = state }

    /// The `status --json` object at `now`: one plan and one clock for all
    /// of it (the counts on the planner's today, the outbox, the controls).
    public func summary(now: Date) -> [String: JSONValue] {
        let planner = Planner(settings: config.plannerSettings)
        let plan = planner.plan(ledger: ledger, history: deliveries.history, now: now)
        var summary = figures(today: planner.today(at: now), planner: planner, plan: plan, now: now)
        summary.merge(controls(plan: plan, planner: planner, now: now)) { _, controls in controls }
        return summary
    }

    func figures(today: CalendarDate, planner: Planner, plan: PlanResult, now: Date) -> [String: JSONValue] {
        let counts = planner.counts(ledger: ledger, history: deliveries.history, on: today)
        let stuck = InboxFiles.stuck(in: spool)
        let tally = DeliveryTally(state.deliveryCounts)
        var invoices: [String: JSONValue] = [:]
        for state in InvoiceState.allCases { invoices[state.rawValue] = .number(Decimal(counts[state] ?? 0)) }
        invoices["total"] = .number(Decimal(ledger.entries.count))
        var summary: [String: JSONValue] = [
            "spool": .string(spool.root.path),
            "invoices": .object(invoices),
            // What the next pass would send now (its rounds: fallbacks after a suppression too) and what waits to be retried.
            "outbox": .number(Decimal(Set(PassRounds.wouldSend(first: plan, history: deliveries.history, deferred: deliveries.deferred,
                                                               now: now) { planner.plan(ledger: ledger, history: $0, now: now) }
                .map(\.key)).union(deliveries.deferred.keys).count)),
            "deferred": .number(Decimal(deliveries.deferred.count)),
            "oldest_deferred": deliveries.deferred.values.map(\.first).min().map { .string(Timestamp.format($0)) } ?? .null,
            "next_retry": deliveries.deferred.values.map(\.next).min().map { .string(Timestamp.format($0)) } ?? .null,
            "failed": .number(Decimal(deliveries.failed.count)),
            // What the report and the metrics count too (`DeliveryTally`).
            "sent": .number(Decimal(tally.delivered)),
            "deliveries": tally.json,
            "rejected": .number(Decimal(spool.count(in: spool.rejected, suffix: ".error"))),
            "optouts": .number(Decimal(ledger.optOuts.count)),
            "inbox_unreadable": .number(Decimal(stuck.count)),
            "inbox_unreadable_files": .array(stuck.map { file -> JSONValue in
                .object(["file": .string(file.name), "since": .string(Timestamp.format(file.since)), "reason": .string(file.reason)])
            }),
            "replied": .number(Decimal(ledger.replies.count)),
            "warnings": .array(ledger.entries.values.filter { $0.invoice.due < $0.invoice.issued && !$0.cancelled }
                .sorted { $0.invoice.id < $1.invoice.id }.map { entry in
                    .object(["invoice": .string(entry.invoice.id), "field": .string("due"), "detail": .string(Ingester.dueBeforeIssue(entry.invoice))])
                }),
        ]
        if config.feedback != nil { summary["feedback"] = feedbackSummary() }
        summary["channels_paused"] = .object(ChannelStatus.read(spool).paused.mapValues { pause in
            .object(["since": .string(Timestamp.format(pause.since)), "until": .string(Timestamp.format(pause.until)),
                     "reason": .string(pause.reason)])
        })
        return summary
    }

    /// How the feedback mailbox stands (from the reader's `run/feedback.json`).
    func feedbackSummary() -> JSONValue {
        guard let status = FeedbackStatus.read(FeedbackStatus.url(spool)) else {
            return .object(["state": .string("not read yet")])
        }
        var object: [String: JSONValue] = [
            "state": .string(status.error == nil ? "ok" : "unreachable"),
            "last_poll": .string(Timestamp.format(status.lastPoll)),
            "read": .number(Decimal(status.read)), "unmatched": .number(Decimal(status.unmatched)),
            "failures": .number(Decimal(status.failures)),
        ]
        object["last_success"] = status.lastSuccess.map { .string(Timestamp.format($0)) }
        object["next_poll"] = status.nextPoll.map { .string(Timestamp.format($0)) }
        object["error"] = status.error.map(JSONValue.string)
        return .object(object)
    }
}
