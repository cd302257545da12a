import Foundation
import OverdueCalendar
import OverdueConfig
import OverdueCore
import OverdueSpool

extension StatusView {
    /// The controls in `status --json`: approvals waiting, what is held and
    /// why (with the excluded and not-yet-reachable debtors by name), and
    /// the stale payment feed guard.
    public func controls(now: Date) -> [String: JSONValue] {
        let planner = Planner(settings: config.plannerSettings)
        return controls(plan: planner.plan(ledger: ledger, history: deliveries.history, now: now), planner: planner, now: now)
    }

    func controls(plan: PlanResult, planner: Planner, now: Date) -> [String: JSONValue] {
        var held: [String: JSONValue] = [:]
        for kind in HeldItem.kinds {
            let customers = Set(plan.held.filter { $0.kind == kind }.map(\.customer)).sorted()
            held[kind] = .object(["count": .number(Decimal(customers.count)), "customers": .array(customers.map(JSONValue.string))])
        }
        var stale: JSONValue = .null
        if let since = planner.staleSince(ledger, now: now) {
            stale = .object(["since": .string(Timestamp.format(since)),
                             "detail": .string("post-due reminders held: no payment data since \(Timestamp.format(since))")])
        }
        return [
            "pending_approvals": .number(Decimal(plan.pending.count)),
            "held": .object(held),
            "payments_stale": stale,
            "last_payment_data": ledger.paymentDataAsOf.map { .string(Timestamp.format($0)) } ?? .null,
            // Per account: up to when its statements told the credits.
            "statements": .object(ledger.statementData.mapValues { .string(Timestamp.format($0)) }),
            "customers_in_directory": .number(Decimal(ledger.directory.records.count)),
            // Bank credits (and returns) waiting for a person: `overdue payments --unmatched`.
            "unplaced_credits": .number(Decimal(ledger.unplacedCredits.count)),
        ]
    }
}
