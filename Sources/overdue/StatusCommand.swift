import ArgumentParser
import Foundation
import OverdueCore
import OverdueDaemon

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Invoices by state, and what waits in the outbox, deferred, failed and rejected."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let config = try global.loadConfig()
        let status = try SpoolStatus(config: config)
        let summary = status.summary(on: CalendarDay.utc(Date()))
        if json { return try printJSON(.object(summary)) }
        if case .object(let invoices) = summary["invoices"] {
            print("invoices: " + InvoiceState.allCases.map { "\(invoices[$0.rawValue]?.plainText ?? "0") \($0.rawValue)" }.joined(separator: ", "))
        }
        for key in ["sent", "deferred", "oldest_deferred", "next_retry", "failed", "rejected", "optouts"] {
            let value = summary[key].flatMap { $0 == .null ? nil : $0.plainText } ?? (key.contains("_") ? "none" : "0")
            print("\(key): \(value)")
        }
        if case .array(let files) = summary["inbox_unreadable_files"], !files.isEmpty {
            print("inbox files the daemon cannot read: \(files.count)")
            for case .object(let file) in files {
                print("  \(file["file"]?.plainText ?? "") since \(file["since"]?.plainText ?? ""): \(file["reason"]?.plainText ?? "")")
            }
        }
        if case .object(let feedback) = summary["feedback"] {
            func text(_ key: String) -> String { feedback[key]?.plainText ?? "" }
            switch text("state") {
            case "ok": print("feedback mailbox: read at \(text("last_poll")) (\(text("read")) message(s), \(text("unmatched")) unmatched); next \(text("next_poll"))")
            case "unreachable":
                print("feedback mailbox: UNREACHABLE since \(text("last_success").isEmpty ? "the start" : text("last_success")) "
                      + "(\(text("failures")) failed attempt(s), retrying at \(text("next_poll"))): \(text("error"))")
            default: print("feedback mailbox: \(text("state"))")
            }
        }
        if let replied = summary["replied"]?.plainText, replied != "0" { print("debtors who replied (no payment, promise or dispute since): \(replied)") }
        print("spool: \(status.spool.root.path)")
    }
}
