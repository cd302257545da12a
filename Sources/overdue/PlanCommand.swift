import ArgumentParser
import Foundation
import OverdueQueries
import OverdueSpool

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "What will be sent when, if nothing changes. No side effects.",
        discussion: "Runs the daemon's own planner over the spool's ledger and delivery history."
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Start of the timeline (ISO 8601); default: now.", valueName: "instant"))
    var from: String?

    @Option(help: "How many days ahead to show.")
    var days = 30

    @Flag(help: "Print JSON: an array of {time, customer, invoices, stage, channel, recipient, …}.")
    var json = false

    func validate() throws {
        if let from, Timestamp.parse(from) == nil {
            throw ValidationError("--from \"\(from)\" is not an ISO 8601 instant; write e.g. 2026-12-02T10:00:00Z or 2026-12-02")
        }
        guard (1...3660).contains(days) else { throw ValidationError("--days must be from 1 to 3660") }
    }

    func run() throws {
        let config = try global.loadConfig()
        try emit { try PlanView.output(config: config, from: from.flatMap(Timestamp.parse) ?? Date(), days: days, json: json) }
    }
}
