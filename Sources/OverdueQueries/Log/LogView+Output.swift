import Foundation
import OverdueConfig
import OverdueCore
import OverdueSpool

extension LogView {
    /// `overdue log`: the log lines that pass `filter`, as a table or JSON
    /// Lines; with `show`, the exact message kept under that key instead.
    public static func output(config: Config, filter: Filter, show: String?, json: Bool) throws -> CommandOutput {
        if let show {
            guard let bytes = try message(config: config, key: show) else {
                throw CommandFailure(code: .notFound, "no message was kept under \"\(show)\" in \(config.spool.dir)/messages")
            }
            return CommandOutput(raw: bytes)
        }
        let lines = try lines(config: config, filter: filter)
        if json {
            let encoder = JSONEncoder.journalLine()
            return CommandOutput(lines: try lines.map { String(decoding: try encoder.encode($0), as: UTF8.self) })
        }
        guard !lines.isEmpty else { return CommandOutput(lines: ["no log lines match"]) }
        var table = TextTable("TIME (UTC)", "EVENT", "CHANNEL", "CUSTOMER", "WHAT", "TO", "DETAIL")
        for line in lines {
            func text(_ name: String) -> String { line[name]?.plainText ?? "" }
            let time = String(text("time").prefix(19)).replacingOccurrences(of: "T", with: " ")
            // Deliveries: the stage and the invoices demanded; records: their type, invoice, amount and file.
            let event = text("event")
            if event == "statement" {
                // A bank statement read: what it held and what became of it.
                let counts = ["credits", "matched", "unmatched", "applied_before", "debits", "reversals"].map { "\($0.replacingOccurrences(of: "_", with: " ")) \(text($0))" }
                table.add(time, event, "", "", "\(text("format")) \(text("account")) (\(text("file")))", "", counts.joined(separator: ", "))
                continue
            }
            if event == "unmatched" || event == "reversal" {
                // A bank credit for a person, or a returned one: the entry key `assign` takes, and why.
                let what = "\(text("entry")) \(text("amount")) \(text("currency"))" + (line["action"].map { " \($0.plainText)" } ?? "")
                table.add(time, event, "", text("payer"), what, "", text("detail"))
                continue
            }
            let what = line["kind"] != nil
                ? [text("kind"), text("status"), text("key")].filter { !$0.isEmpty }.joined(separator: " ")
                : line["invoices"] != nil
                ? "\(text("stage")) \(line["units"] != nil ? text("units") : text("invoices"))"
                : [text("record_type"), text("invoice"), text("address"), [text("amount"), text("currency")].filter { !$0.isEmpty }.joined(separator: " "),
                   text("file").isEmpty ? "" : "(\(text("file")))"].filter { !$0.isEmpty }.joined(separator: " ")
            table.add(time, event, text("channel"), text("customer"), what, text("recipient"), text("detail"))
        }
        return CommandOutput(lines: [table.render()])
    }
}
