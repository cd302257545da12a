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
    @OptionGroup var time: InstantOption

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let config = try global.loadConfig()
        let status = try SpoolStatus(config: config)
        var summary = status.summary(on: CalendarDay.utc(time.instant))
        summary.merge(status.controls(now: time.instant)) { _, controls in controls }
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
        Self.printControls(summary)
        print("spool: \(status.spool.root.path)")
    }

    /// "pending approvals: 2", the held debtors by reason, the payment feed.
    static func printControls(_ summary: [String: JSONValue]) {
        print("pending approvals: \(summary["pending_approvals"]?.plainText ?? "0")")
        if case .object(let held) = summary["held"] {
            for (kind, value) in held.sorted(by: { $0.key < $1.key }) {
                guard case .object(let entry) = value, case .array(let customers) = entry["customers"], !customers.isEmpty else { continue }
                print("held (\(kind.replacingOccurrences(of: "_", with: " "))): \(customers.count): \(customers.map(\.plainText).joined(separator: ", "))")
            }
        }
        if case .object(let stale) = summary["payments_stale"] {
            print(stale["detail"]?.plainText ?? "")
        } else if let last = summary["last_payment_data"], last != .null {
            print("last payment data: \(last.plainText)")
        }
    }
}
