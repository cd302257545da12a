import Foundation
import OverdueConfig
import OverdueCore

extension StatusView {
    /// `overdue status`: invoices by state, what waits, the feedback
    /// mailbox, the controls, as of `now`; or all of it as one JSON object.
    public static func output(config: Config, now: Date, json: Bool) throws -> CommandOutput {
        let status = StatusView(try SpoolState(config: config))
        let summary = status.summary(now: now)
        if json { return try .json(.object(summary)) }
        var output = CommandOutput()
        if case .object(let invoices) = summary["invoices"] {
            output.append("invoices: " + InvoiceState.allCases.map { "\(invoices[$0.rawValue]?.plainText ?? "0") \($0.rawValue)" }.joined(separator: ", "))
        }
        output.append("sent: " + DeliveryTally(status.state.deliveryCounts).sentence)
        for key in ["deferred", "oldest_deferred", "next_retry", "rejected", "optouts"] {
            let value = summary[key].flatMap { $0 == .null ? nil : $0.plainText } ?? (key.contains("_") ? "none" : "0")
            output.append("\(key): \(value)")
        }
        if case .array(let files) = summary["inbox_unreadable_files"], !files.isEmpty {
            output.append("inbox files the daemon cannot read: \(files.count)")
            for case .object(let file) in files {
                output.append("  \(file["file"]?.plainText ?? "") since \(file["since"]?.plainText ?? ""): \(file["reason"]?.plainText ?? "")")
            }
        }
        if case .object(let feedback) = summary["feedback"] {
            func text(_ key: String) -> String { feedback[key]?.plainText ?? "" }
            // A time not known yet is left out, not printed empty.
            let next = text("next_poll").isEmpty ? "" : "; next \(text("next_poll"))"
            switch text("state") {
            case "ok": output.append("feedback mailbox: read at \(text("last_poll")) (\(text("read")) message(s), \(text("unmatched")) unmatched)\(next)")
            case "unreachable":
                output.append("feedback mailbox: UNREACHABLE since \(text("last_success").isEmpty ? "the start" : text("last_success")) "
                              + "(\(text("failures")) failed attempt(s)\(text("next_poll").isEmpty ? "" : ", retrying at \(text("next_poll"))")): "
                              + (text("error").isEmpty ? "no error text" : text("error")))
            default: output.append("feedback mailbox: \(text("state"))")
            }
        }
        if case .object(let paused) = summary["channels_paused"] {
            for (channel, value) in paused.sorted(by: { $0.key < $1.key }) {
                guard case .object(let pause) = value else { continue }
                output.append("\(channel) channel: PAUSED since \(pause["since"]?.plainText ?? "") (one attempt again after \(pause["until"]?.plainText ?? "")): \(pause["reason"]?.plainText ?? "")")
            }
        }
        if case .array(let warnings) = summary["warnings"], !warnings.isEmpty {
            output.append("warnings: \(warnings.count)")
            for case .object(let warning) in warnings {
                output.append("  \(warning["invoice"]?.plainText ?? ""): \(warning["detail"]?.plainText ?? "")")
            }
        }
        if let replied = summary["replied"]?.plainText, replied != "0" { output.append("debtors who replied (no payment, promise or dispute since): \(replied)") }
        output.lines += controlLines(summary)
        output.append("spool: \(status.spool.root.path)")
        return output
    }

    /// "pending approvals: 2", the held debtors by reason, the payment feed.
    static func controlLines(_ summary: [String: JSONValue]) -> [String] {
        var lines = ["pending approvals: \(summary["pending_approvals"]?.plainText ?? "0")"]
        if case .object(let held) = summary["held"] {
            for (kind, value) in held.sorted(by: { $0.key < $1.key }) {
                guard case .object(let entry) = value, case .array(let customers) = entry["customers"], !customers.isEmpty else { continue }
                lines.append("held (\(kind.replacingOccurrences(of: "_", with: " "))): \(customers.count): \(customers.map(\.plainText).joined(separator: ", "))")
            }
        }
        if case .object(let stale) = summary["payments_stale"], let detail = stale["detail"]?.plainText, !detail.isEmpty {
            lines.append(detail)
        } else if let last = summary["last_payment_data"], last != .null {
            lines.append("last payment data: \(last.plainText)")
        }
        if let count = summary["unplaced_credits"], count != .number(0) {
            lines.append("bank credits for a person: \(count.plainText) (overdue payments --unmatched)")
        }
        if case .object(let statements) = summary["statements"] {
            for (account, until) in statements.sorted(by: { $0.key < $1.key }) {
                lines.append("bank statements of \(account): credits known up to \(until.plainText)")
            }
        }
        return lines
    }
}
