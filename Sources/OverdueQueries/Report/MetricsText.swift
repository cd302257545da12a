import Foundation
import OverdueCore

/// Prometheus metrics in the text exposition format, for node_exporter's
/// textfile collector. Built by hand: it is a few lines of a fixed format,
/// and swift-prometheus would add a registry and its dependencies for that.
public struct MetricsText: Sendable {
    private var lines: [String] = []
    private var declared: Set<String> = []

    public init() {}

    /// Adds one sample; the HELP and TYPE lines come with the first sample of a name.
    public mutating func add(_ name: String, help: String, type: String = "gauge", labels: [String: String] = [:],
                             value: String) {
        if declared.insert(name).inserted {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) \(type)")
        }
        let labelText = labels.isEmpty ? "" : "{" + labels.sorted { $0.key < $1.key }.map {
            "\($0.key)=\"\(Self.escape($0.value))\""
        }.joined(separator: ",") + "}"
        lines.append("\(name)\(labelText) \(value)")
    }

    public var text: String { lines.joined(separator: "\n") + "\n" }

    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    /// The daemon's metrics from the ledger, the report figures and the
    /// delivery counts.
    public static func overdue(report: ReceivablesReport, openInvoices: Int, deliveries: [String: [String: Int]],
                               deferred: Int, failed: Int, lastCycle: Date, unreadableInboxFiles: Int = 0) -> String {
        var metrics = MetricsText()
        metrics.add("overdue_inbox_unreadable_files", help: "Inbox files the daemon cannot read (permissions); they wait for a person.",
                    value: "\(unreadableInboxFiles)")
        for (channel, counts) in deliveries.sorted(by: { $0.key < $1.key }) {
            for (outcome, count) in counts.sorted(by: { $0.key < $1.key }) {
                metrics.add("overdue_deliveries_total", help: "Deliveries by channel and final outcome.", type: "counter",
                            labels: ["channel": channel, "outcome": outcome], value: "\(count)")
            }
        }
        metrics.add("overdue_open_invoices", help: "Invoices open (not paid, cancelled, disputed or promised).", value: "\(openInvoices)")
        for figures in report.currencies {
            for bucket in figures.aging {
                metrics.add("overdue_receivables_amount", help: "Amount owed by days past due.",
                            labels: ["currency": figures.currency, "bucket": bucket.name], value: "\(bucket.amount)")
            }
        }
        metrics.add("overdue_queue_deferred", help: "Deliveries waiting to be retried.", value: "\(deferred)")
        metrics.add("overdue_queue_failed", help: "Deliveries that failed for good (dead letters).", value: "\(failed)")
        metrics.add("overdue_last_cycle_timestamp_seconds", help: "When the last pipeline pass finished.",
                    value: "\(Int(lastCycle.timeIntervalSince1970))")
        return metrics.text
    }

    /// The controls' metrics: approvals waiting, what is held and why, and
    /// the stale payment feed guard.
    public static func controls(pendingApprovals: Int, held: [String: Int], paymentsStale: Bool, lastPaymentData: Date?) -> String {
        var metrics = MetricsText()
        metrics.add("overdue_pending_approvals", help: "Messages waiting for a person's approval (overdue pending).",
                    value: "\(pendingApprovals)")
        for kind in ["excluded", "no_contact", "payments_stale", "below_min_amount", "on_hold"] {
            metrics.add("overdue_held", help: "Reminders held back by the controls, by reason.", labels: ["reason": kind],
                        value: "\(held[kind] ?? 0)")
        }
        metrics.add("overdue_payments_stale", help: "1 while post-due reminders are held because no payment data arrived for payments_stale_after_hours.",
                    value: paymentsStale ? "1" : "0")
        if let lastPaymentData {
            metrics.add("overdue_last_payment_data_timestamp_seconds", help: "Up to when payments are known: the last file with payments or invoices, or the bank statements' period.",
                        value: "\(Int(lastPaymentData.timeIntervalSince1970))")
        }
        return metrics.text
    }
}
