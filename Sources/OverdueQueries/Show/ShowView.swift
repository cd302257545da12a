import Foundation
import OverdueCalendar
import OverdueConfig
import OverdueCore
import OverdueSpool

/// `overdue show ID`: an invoice (its events, the reminders the log records,
/// why it waits, as the planner says) or a customer (the directory record,
/// the debtor as the planner sees them, their invoices).
public struct ShowView: SpoolStateView {
    public let state: SpoolState

    public init(_ state: SpoolState) { self.state = state }

    /// The `show --json` object: the invoice in the input format plus its
    /// state, events, and the reminders the log records for it.
    /// One invoice is one debtor's matter: its state and days overdue are on the debtor's own day (`Planner.today(for:at:)`).
    public func show(_ id: String, now: Date = Date()) throws -> [String: JSONValue]? {
        guard let entry = ledger[id] else { return nil }
        var object = RecordEncoder.object(entry.invoice)
        let units = Currency.minorUnits(entry.invoice.currency)
        object["balance"] = .string(Money.format(entry.balance, minorUnits: units))
        // The state as the planner sees it: with costs_first, charges paid first can leave principal open.
        let planner = Planner(settings: config.plannerSettings)
        let debtor = ledger.directory.effective(for: entry.invoice).customer
        let today = planner.today(for: debtor.timezone, at: now)
        let open = planner.principalOpen(entry, ledger: ledger, history: deliveries.history)
        object["state"] = .string(entry.state(on: today, owed: open).rawValue)  // `Planner.state`, with the principal already at hand
        if open != max(0, entry.balance), !entry.cancelled {
            object["principal_open"] = .string(Money.format(open, minorUnits: units))
        }
        // Paid beyond the principal and the charges the planner allocated (with costs_first, charges are not credit).
        let credit = planner.credit(entry, ledger: ledger, history: deliveries.history)
        if !entry.invoice.installments.isEmpty {
            object["installments_open"] = .array(planner.openParts(entry, ledger: ledger, history: deliveries.history).map { part in
                .object(["installment": .number(Decimal(part.installment ?? 1)), "of": .number(Decimal(part.of)),
                         "due": .string(part.due.description), "amount": .string(Money.format(part.amount, minorUnits: units)),
                         "open": .string(Money.format(part.open, minorUnits: units)),
                         "days_overdue": .number(Decimal(max(0, part.due.days(until: today))))])
            })
        }
        if credit > 0 { object["credit"] = .string(Money.format(credit, minorUnits: units)) }
        if let promised = entry.promisedUntil { object["promised_until"] = .string(promised.description) }
        if let replied = ledger.replies[entry.invoice.customer.id],
           let resume = planner.replyPauseEnd(for: entry.invoice, ledger: ledger) {
            object["replied"] = .string(replied.description)
            object["paused_until"] = .string(resume.description)
        }
        object["events"] = .array(entry.events.map { .object(RecordEncoder.object($0)) })
        let reminders = try EventLog.read(directory: spool.log).filter { line in
            guard case .string("sent") = line["event"], case .array(let invoices) = line["invoices"] else { return false }
            return invoices.contains(.string(id))
        }
        object["reminders"] = .array(reminders.map(JSONValue.object))
        // Why nothing goes out now, as the planner says it (no contact, excluded, a deadline, …).
        let plan = planner.plan(customer: debtor.id, ledger: ledger, history: deliveries.history, now: now)
        let held = plan.held.filter { $0.invoices.contains(id) || $0.invoices.contains { ReminderItem.invoice(ofUnit: $0) == id } }
        if !held.isEmpty {
            object["held"] = .array(held.map { .object(["reason": .string($0.kind), "stage": $0.stage.map(JSONValue.string) ?? .null,
                                                        "detail": .string($0.detail)]) })
        }
        return object
    }

    /// `show CUSTOMER`: the directory record, the file it came from, and
    /// the customer's invoices with the debtor as the planner sees them, on
    /// the debtor's own day.
    public func showCustomer(_ id: String, now: Date = Date()) throws -> [String: JSONValue]? {
        let planner = Planner(settings: config.plannerSettings)
        let record = ledger.directory[id]
        let invoices = ledger.entries.values.filter { ledger.directory.effective(for: $0.invoice).customer.id == id }
            .sorted { $0.invoice.id < $1.invoice.id }
        guard record != nil || !invoices.isEmpty else { return nil }
        let today = planner.today(for: invoices.first.map { ledger.directory.effective(for: $0.invoice).customer.timezone } ?? record?.timezone,
                                  at: now)
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
