import Foundation
import OverdueCalendar
import OverdueConfig
import OverdueCore
import OverdueIngest
import OverdueSpool

/// Read-only views of a spool for `status` and `show`. They take no lock:
/// another process may read the spool while the daemon runs.
public struct SpoolStatus {
    public let spool: Spool
    public let ledger: Ledger
    public let deliveries: DeliveryJournal.State
    let config: Config

    public init(config: Config, keepingOutcomes: Bool = false) throws {
        self.config = config
        spool = Spool(root: config.spool.dir)
        ledger = spool.exists ? try LedgerStore.replay(spool: spool).ledger : Ledger()
        deliveries = spool.exists ? try DeliveryJournal.replay(spool: spool, keepingOutcomes: keepingOutcomes) : DeliveryJournal.State()
    }

    /// The `status --json` object at `now`: one plan and one clock for all
    /// of it (the counts on the planner's today, the outbox, the controls).
    public func summary(now: Date) -> [String: JSONValue] {
        let planner = Planner(settings: config.plannerSettings)
        let plan = planner.plan(ledger: ledger, history: deliveries.history, now: now)
        var summary = figures(today: planner.today(at: now), planner: planner, plan: plan)
        summary.merge(controls(plan: plan, planner: planner, now: now)) { _, controls in controls }
        return summary
    }

    func figures(today: CalendarDate, planner: Planner, plan: PlanResult) -> [String: JSONValue] {
        let counts = planner.counts(ledger: ledger, history: deliveries.history, on: today)
        let stuck = InboxFiles.stuck(in: spool)
        let tally = DeliveryTally(deliveryCounts)
        var invoices: [String: JSONValue] = [:]
        for state in InvoiceState.allCases { invoices[state.rawValue] = .number(Decimal(counts[state] ?? 0)) }
        invoices["total"] = .number(Decimal(ledger.entries.count))
        var summary: [String: JSONValue] = [
            "spool": .string(spool.root.path),
            "invoices": .object(invoices),
            "outbox": .number(Decimal(Set(plan.due.map(\.key)).union(deliveries.deferred.keys).count)),
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

    /// The `show --json` object: the invoice in the input format plus its
    /// state, events, and the reminders the log records for it.
    public func show(_ id: String, on today: CalendarDate, now: Date = Date()) throws -> [String: JSONValue]? {
        guard let entry = ledger[id] else { return nil }
        var object = RecordEncoder.object(entry.invoice)
        let units = Currency.minorUnits(entry.invoice.currency)
        object["balance"] = .string(Money.format(entry.balance, minorUnits: units))
        // The state as the planner sees it: with costs_first, charges paid first can leave principal open.
        let planner = Planner(settings: config.plannerSettings)
        let open = planner.principalOpen(entry, ledger: ledger, history: deliveries.history)
        object["state"] = .string(entry.state(on: today, owed: open).rawValue)
        if open != max(0, entry.balance), !entry.cancelled {
            object["principal_open"] = .string(Money.format(open, minorUnits: units))
        }
        // Paid beyond the principal and the charges the planner allocated (with costs_first, charges are not credit).
        let credit = planner.credit(entry, ledger: ledger, history: deliveries.history)
        if !entry.invoice.installments.isEmpty {
            object["installments_open"] = .array(planner.openParts(entry, ledger: ledger, history: deliveries.history).map { part in
                .object(["installment": .number(Decimal(part.installment ?? 1)), "of": .number(Decimal(part.of)),
                         "due": .string(part.due.description), "amount": .string(Money.format(part.amount, minorUnits: units)),
                         "open": .string(Money.format(part.open, minorUnits: units))])
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
        let plan = planner.plan(customer: ledger.directory.effective(for: entry.invoice).customer.id, ledger: ledger,
                                history: deliveries.history, now: now)
        let held = plan.held.filter { $0.invoices.contains(id) || $0.invoices.contains { ReminderItem.invoice(ofUnit: $0) == id } }
        if !held.isEmpty {
            object["held"] = .array(held.map { .object(["reason": .string($0.kind), "stage": $0.stage.map(JSONValue.string) ?? .null,
                                                        "detail": .string($0.detail)]) })
        }
        return object
    }
}
