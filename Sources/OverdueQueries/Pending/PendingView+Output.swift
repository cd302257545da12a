import Foundation
import OverdueConfig
import OverdueCore
import OverdueSpool

extension PendingView {
    /// `overdue pending`: the messages waiting for approval as a table (or
    /// JSON), the held ones after it; with `show`, the message waiting under
    /// that key, rendered as it would be sent.
    public static func output(config: Config, now: Date, show: String?, json: Bool) throws -> CommandOutput {
        let view = try PendingView(config: config, now: now)
        if let show { return try view.shown(key: show) }
        if json { return try .json(view.json) }
        var output = CommandOutput()
        if view.pending.isEmpty {
            output.append("nothing waits for approval")
        } else {
            var table = TextTable("KEY", "CUSTOMER", "STAGE", "CHANNEL", "INVOICES", "AMOUNT", "SINCE")
            for item in view.pending {
                let send = item.send
                table.add(send.key, send.customer, send.stage, send.channel.rawValue, send.invoices.joined(separator: ", "),
                          amount(send), Timestamp.format(item.since))
            }
            output.append(table.render())
        }
        // Held by a person, or waiting for a person (nothing can deliver the stage).
        for item in view.held where item.kind == "on_hold" || item.kind == "undeliverable" {
            output.append("held: \(item.customer) \(item.stage ?? "") \(item.invoices.joined(separator: ", ")): \(item.detail)")
        }
        return output
    }

    /// `pending --show KEY`: the header lines, then the message's text.
    func shown(key: String) throws -> CommandOutput {
        guard let (send, message, _) = try render(key: key) else {
            throw CommandFailure(code: .notFound, "no message waits for approval under \(key); `overdue pending` lists the keys")
        }
        var output = CommandOutput(lines: [
            "stage: \(send.stage)   channel: \(send.channel.rawValue)   to: \(send.recipient)   key: \(send.key)",
            "demands: \(send.invoices.joined(separator: ", "))   total: \(Self.amount(send))",
        ])
        if let subject = message.subject { output.append("subject: \(subject)\n") }
        output.append(message.text ?? message.sms?.text ?? message.webhook ?? "")
        return output
    }
}
