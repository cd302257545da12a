import Foundation
import OverdueCalendar
import OverdueConfig
import OverdueCore

extension CallList {
    /// `overdue calls`: the call list on `day`, highest priority first, each
    /// debtor with the score's parts, how to reach them and what they owe.
    public static func output(config: Config, day: CalendarDate, json: Bool) throws -> CommandOutput {
        let state = try SpoolState(config: config, keepingOutcomes: true)
        let list = Planner(settings: config.plannerSettings).callList(ledger: state.ledger, history: state.deliveries.history,
                                                                     outcomes: state.deliveries.outcomes.map { ($0.message, $0.status) }, on: day)
        if json { return try .json(.array(list.entries.map(\.json))) }
        guard !list.entries.isEmpty else { return CommandOutput(lines: ["nobody to call on \(day)"]) }
        var output = CommandOutput(lines: [
            "Call list for \(day): \(list.entries.count) debtor\(list.entries.count == 1 ? "" : "s"), highest priority first",
        ])
        for (rank, entry) in list.entries.enumerated() {
            let score = entry.score
            output.append("\n\(rank + 1). \(entry.name) (\(entry.customer))  score \(score.total)"
                + " = days \(score.days) + amount \(score.amount) + history \(score.history) + disputes \(score.disputes)")
            output.append("   phone \(entry.phone ?? "none on file")" + (entry.contact.map { ", ask for \($0)" } ?? ""))
            output.append("   overdue " + amounts(entry.overdue) + ", oldest \(entry.oldestDaysPastDue) days past due"
                + (entry.averageDaysLate.map { ", pays \($0) days late on average" } ?? ", no paid invoices yet")
                + (entry.disputed > 0 ? ", \(entry.disputed) in dispute" : ""))
            output.append("   invoices \(entry.invoices.joined(separator: ", ")); listed \(entry.listed) by stage \(entry.stage)")
            if let replied = entry.replied {
                output.append("   replied by e-mail on \(replied): read the reply (forwarded to the finance team) before calling")
            }
        }
        return output
    }

    static func amounts(_ overdue: [String: Decimal]) -> String {
        overdue.isEmpty ? "nothing (disputed only)" : overdue.sorted { $0.key < $1.key }
            .map { "\($0.key) \(Money.format($0.value, minorUnits: Currency.minorUnits($0.key)))" }.joined(separator: ", ")
    }
}

extension CallList.Entry {
    /// One debtor in `calls --json`.
    var json: JSONValue {
        .object([
            "customer": .string(customer), "name": .string(name),
            "phone": phone.map(JSONValue.string) ?? .null, "contact": contact.map(JSONValue.string) ?? .null,
            "listed": .string(listed.description), "stage": .string(stage),
            "overdue": .object(Dictionary(uniqueKeysWithValues: overdue.map { currency, amount in
                (currency, JSONValue.string(Money.format(amount, minorUnits: Currency.minorUnits(currency))))
            })),
            "invoices": .array(invoices.map(JSONValue.string)),
            "oldest_days_past_due": .number(Decimal(oldestDaysPastDue)),
            "average_days_late": averageDaysLate.map { .string("\($0)") } ?? .null,
            "disputed": .number(Decimal(disputed)),
            "replied": replied.map { .string($0.description) } ?? .null,
            "score": .object([
                "total": .number(Decimal(score.total)), "days": .number(Decimal(score.days)),
                "amount": .number(Decimal(score.amount)), "history": .number(Decimal(score.history)),
                "disputes": .number(Decimal(score.disputes)),
            ]),
        ])
    }
}
