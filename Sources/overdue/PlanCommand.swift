import ArgumentParser
import Foundation
import OverdueCore
import OverdueDaemon
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
        let start = from.flatMap(Timestamp.parse) ?? Date()
        let view = try PlanView(config: config, from: start, days: days)
        if json { return try printJSON(view.json) }
        if view.sends.isEmpty {
            print("nothing planned from \(Timestamp.format(start)) for \(days) days")
        } else {
            var table = TextTable("TIME (UTC)", "DEBTOR-LOCAL TIME", "CUSTOMER", "STAGE", "CHANNEL", "RECIPIENT", "INVOICES", "NOTE")
            for send in view.sends {
                let time = String(Timestamp.format(send.time).prefix(16)).replacingOccurrences(of: "T", with: " ")
                table.add(time, view.localTime(send), send.customer, send.stage, send.channel.rawValue, send.recipient,
                          send.invoices.joined(separator: ", "), view.note(send))
            }
            print(table.render())
        }
        Self.printControls(view)
    }

    /// What waits for approval and what the controls hold back, after the timeline.
    static func printControls(_ view: PlanView) {
        for item in view.pending {
            print("waiting for approval since \(Timestamp.format(item.since)): \(item.send.customer) \(item.send.stage) \(item.send.channel.rawValue) \(item.send.invoices.joined(separator: ", ")) (key \(item.send.key); overdue approve KEY)")
        }
        for item in view.held {
            print("\(item.kind == "excluded" ? "excluded" : "held"): \(item.customer) \(item.invoices.joined(separator: ", ")): \(item.detail)")
        }
    }
}
