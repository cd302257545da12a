import ArgumentParser
import Foundation
import OverdueCore
import OverdueQueries

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
            try emit { try CallList.output(config: config, day: day, json: json) }
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
