import Foundation
import OverdueConfig
import OverdueCore
import OverdueSpool

extension PlanView {
    /// `overdue plan`: the timeline from `start` for `days` days as a table
    /// (or JSON), then what waits for approval and what the controls hold back.
    public static func output(config: Config, from start: Date, days: Int, json: Bool) throws -> CommandOutput {
        let view = try PlanView(config: config, from: start, days: days)
        if json { return try .json(view.json) }
        var output = CommandOutput()
        if view.sends.isEmpty {
            output.append("nothing planned from \(Timestamp.format(start)) for \(days) days")
        } else {
            var table = TextTable("TIME (UTC)", "DEBTOR-LOCAL TIME", "CUSTOMER", "STAGE", "CHANNEL", "RECIPIENT", "INVOICES", "NOTE")
            for send in view.sends {
                let time = String(Timestamp.format(send.time).prefix(16)).replacingOccurrences(of: "T", with: " ")
                table.add(time, view.localTime(send), send.customer, send.stage, send.channel.rawValue, send.recipient,
                          send.invoices.joined(separator: ", "), view.note(send))
            }
            output.append(table.render())
        }
        output.lines += view.controlLines
        return output
    }

    /// What waits for approval and what the controls hold back, after the timeline.
    var controlLines: [String] {
        pending.map { item in
            "waiting for approval since \(Timestamp.format(item.since)): \(item.send.customer) \(item.send.stage) \(item.send.channel.rawValue) \(item.send.invoices.joined(separator: ", ")) (key \(item.send.key); overdue approve KEY)"
        } + held.map { item in
            "\(item.kind == "excluded" ? "excluded" : "held"): \(item.customer) \(item.invoices.joined(separator: ", ")): \(item.detail)"
        }
    }
}
