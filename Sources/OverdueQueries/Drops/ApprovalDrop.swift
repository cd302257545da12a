import Foundation
import OverdueConfig
import OverdueCore
import OverdueIngest

/// `overdue approve` and `overdue hold`: a person's decision on messages
/// waiting for approval, dropped into the inbox as approval records so the
/// daemon, the one writer, applies it (see `InboxDrop`).
public enum ApprovalDrop {
    /// Approves `keys`, or every message waiting for `customer`, or all of
    /// them (`all`); the waiting ones are read as of `now`.
    public static func approve(keys: [String], customer: String?, all: Bool, config: Config, now: Date) throws -> CommandOutput {
        var chosen = keys
        if customer != nil || all {
            let waiting = try PendingView(config: config, now: now).pending.map(\.send)
            chosen = waiting.filter { customer == nil || $0.customer == customer }.map(\.key)
            guard !chosen.isEmpty else {
                return CommandOutput(lines: ["nothing waits for approval\(customer.map { " for \($0)" } ?? "")"])
            }
        }
        try InboxDrop.dropAsSpoolOwner(chosen.map { .approval(.approve(key: $0)) }, kind: "approve", config: config)
        let them = chosen.count == 1 ? "it" : "them"
        return CommandOutput(lines: [
            "approved \(chosen.count) message\(chosen.count == 1 ? "" : "s") (an approve event in the inbox): a running daemon sends \(them) at the debtor's next business window; otherwise the next `overdue run` does",
        ])
    }

    /// Holds the message waiting under `key`, with the reason a person gave.
    public static func hold(key: String, reason: String, config: Config) throws -> CommandOutput {
        try InboxDrop.dropAsSpoolOwner([.approval(.hold(key: key, reason: reason))], kind: "hold", config: config)
        return CommandOutput(lines: ["held \(key) (a hold event in the inbox): it is not sent; `overdue approve \(key)` releases it"])
    }
}
