import ArgumentParser
import Foundation
import OverdueConfig
import OverdueCore
import OverdueDaemon
import OverdueSpool

struct CallsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calls",
        abstract: "The phone follow-up list: debtors a `call` stage put there, highest priority first.",
        discussion: """
            A stage with the channel "call" sends nothing; it puts the debtor on this list. A debtor \
            leaves it when nothing overdue is left, or when `overdue calls done` records the call.
            Score = days (oldest overdue invoice, at most 90) + amount (1 per 100 of the largest \
            currency's overdue amount, at most 100) + history (average days late on paid invoices, \
            at most 60) + disputes (15 per invoice in dispute, at most 45).
            """,
        subcommands: [List.self, Done.self],
        defaultSubcommand: List.self
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the call list.")
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("The day of the list (YYYY-MM-DD); default today in [schedule].timezone.", valueName: "date"))
        var date: String?
        @Flag(help: "Print JSON.") var json = false

        func validate() throws { try DayOption.check(date) }

        func run() throws {
            let config = try global.loadConfig()
            let day = DayOption.day(date, config: config)
            let list = try SpoolStatus(config: config, keepingOutcomes: true).callList(on: day)
            if json { return try printJSON(.array(list.entries.map(Self.json))) }
            guard !list.entries.isEmpty else { return print("nobody to call on \(day)") }
            print("Call list for \(day): \(list.entries.count) debtor\(list.entries.count == 1 ? "" : "s"), highest priority first")
            for (rank, entry) in list.entries.enumerated() {
                let score = entry.score
                print("\n\(rank + 1). \(entry.name) (\(entry.customer))  score \(score.total)"
                    + " = days \(score.days) + amount \(score.amount) + history \(score.history) + disputes \(score.disputes)")
                print("   phone \(entry.phone ?? "none on file")" + (entry.contact.map { ", ask for \($0)" } ?? ""))
                print("   overdue " + Self.amounts(entry.overdue) + ", oldest \(entry.oldestDaysPastDue) days past due"
                    + (entry.averageDaysLate.map { ", pays \($0) days late on average" } ?? ", no paid invoices yet")
                    + (entry.disputed > 0 ? ", \(entry.disputed) in dispute" : ""))
                print("   invoices \(entry.invoices.joined(separator: ", ")); listed \(entry.listed) by stage \(entry.stage)")
                if let replied = entry.replied { print("   replied by e-mail on \(replied): read the reply (forwarded to the finance team) before calling") }
            }
        }

        static func amounts(_ overdue: [String: Decimal]) -> String {
            overdue.isEmpty ? "nothing (disputed only)" : overdue.sorted { $0.key < $1.key }
                .map { "\($0.key) \(Money.format($0.value, minorUnits: Currency.minorUnits($0.key)))" }.joined(separator: ", ")
        }

        static func json(_ entry: CallList.Entry) -> JSONValue {
            .object([
                "customer": .string(entry.customer), "name": .string(entry.name),
                "phone": entry.phone.map(JSONValue.string) ?? .null, "contact": entry.contact.map(JSONValue.string) ?? .null,
                "listed": .string(entry.listed.description), "stage": .string(entry.stage),
                "overdue": .object(Dictionary(uniqueKeysWithValues: entry.overdue.map { currency, amount in
                    (currency, JSONValue.string(Money.format(amount, minorUnits: Currency.minorUnits(currency))))
                })),
                "invoices": .array(entry.invoices.map(JSONValue.string)),
                "oldest_days_past_due": .number(Decimal(entry.oldestDaysPastDue)),
                "average_days_late": entry.averageDaysLate.map { .string("\($0)") } ?? .null,
                "disputed": .number(Decimal(entry.disputed)),
                "replied": entry.replied.map { .string($0.description) } ?? .null,
                "score": .object([
                    "total": .number(Decimal(entry.score.total)), "days": .number(Decimal(entry.score.days)),
                    "amount": .number(Decimal(entry.score.amount)), "history": .number(Decimal(entry.score.history)),
                    "disputes": .number(Decimal(entry.score.disputes)),
                ]),
            ])
        }
    }

    struct Done: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record that a debtor was phoned: off the list until a later call stage.",
            discussion: "Drops a `called` event into the inbox, as a file from your CRM would.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The customer id.") var customer: String
        @Option(help: "What was agreed, kept in the ledger.") var note: String?
        @Option(help: ArgumentHelp("The day of the call (YYYY-MM-DD); default today.", valueName: "date")) var date: String?

        func validate() throws {
            try DayOption.check(date)
            if let problem = FieldRules.identifier(customer) { throw ValidationError("customer: \(problem)") }
            if let note, let problem = FieldRules.text(note, maxLength: 500) { throw ValidationError("--note: \(problem)") }
        }

        func run() throws {
            let config = try global.loadConfig()
            let day = DayOption.day(date, config: config)
            let event = LedgerEvent.called(customer: customer, date: day, note: note)
            let name = try dropIntoInbox([event], kind: "called", config: config)
            print("call to \(customer) on \(day) dropped into the inbox as \(name)")
        }
    }
}
