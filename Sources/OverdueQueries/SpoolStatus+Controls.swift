import Foundation
import OverdueCalendar
import OverdueConfig
import OverdueCore
import OverdueSpool

extension SpoolStatus {
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

    /// `show CUSTOMER`: the directory record, the file it came from, and
    /// the customer's invoices with the debtor as the planner sees them.
    public func showCustomer(_ id: String, on today: CalendarDate) throws -> [String: JSONValue]? {
        let planner = Planner(settings: config.plannerSettings)
        let record = ledger.directory[id]
        let invoices = ledger.entries.values.filter { ledger.directory.effective(for: $0.invoice).customer.id == id }
            .sorted { $0.invoice.id < $1.invoice.id }
        guard record != nil || !invoices.isEmpty else { return nil }
        var object: [String: JSONValue] = ["customer": .string(id)]
        if let record {
            object["record"] = .object(RecordEncoder.object(record))
            if let source = try LedgerStore.customerSource(id, spool: spool) {
                object["source"] = .object(["file": .string(source.file), "ingested": .string(source.time)])
            }
        }
        if let first = invoices.first {
            let effective = ledger.directory.effective(for: first.invoice)
            var debtor = RecordEncoder.object(effective.customer)
            if !effective.cc.isEmpty { debtor["cc"] = .array(effective.cc.map(JSONValue.string)) }
            debtor["policy"] = .string(config.plannerSettings.policy(named: effective.policy).name)
            debtor["excluded"] = .bool(effective.excluded)
            object["effective"] = .object(debtor)
        }
        var open: [String: Decimal] = [:]
        object["invoices"] = .array(invoices.map { entry in
            let units = Currency.minorUnits(entry.invoice.currency)
            let owed = planner.principalOpen(entry, ledger: ledger, history: deliveries.history)
            open[entry.invoice.currency, default: 0] += owed
            return .object(["invoice": .string(entry.invoice.id),
                            "state": .string(planner.state(entry, ledger: ledger, history: deliveries.history, on: today).rawValue),
                            "amount": .string(Money.format(entry.invoice.amount, minorUnits: units)),
                            "balance": .string(Money.format(entry.balance, minorUnits: units)),
                            "open": .string(Money.format(owed, minorUnits: units)),
                            "currency": .string(entry.invoice.currency), "due": .string(entry.invoice.due.description)])
        })
        object["open"] = .object(Dictionary(uniqueKeysWithValues: open.map { ($0.key, JSONValue.string(Money.format($0.value, minorUnits: Currency.minorUnits($0.key)))) }))
        return object
    }
}
