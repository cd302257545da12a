import ArgumentParser
import Foundation
import OverdueCore
import OverdueDaemon
import OverdueSpool

struct PendingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pending",
        abstract: "Messages waiting for approval (stages with approve = true): customer, stage, invoices, amount, since when.",
        discussion: "Approve with `overdue approve KEY` (or --customer C, --all), or hold with `overdue hold KEY --reason …`."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var time: InstantOption

    @Option(help: ArgumentHelp("Render the message waiting under this key, as it would be sent.", valueName: "key"))
    var show: String?

    @Flag(help: "Print JSON: an array of {key, customer, stage, channel, recipient, invoices, amount, since}.")
    var json = false

    func run() throws {
        let config = try global.loadConfig()
        let view: PendingView
        do {
            view = try PendingView(config: config, now: time.instant)
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
        if let show {
            guard let (send, message, _) = try view.render(key: show) else {
                printError("no message waits for approval under \(show); `overdue pending` lists the keys")
                throw ExitCode(1)
            }
            print("stage: \(send.stage)   channel: \(send.channel.rawValue)   to: \(send.recipient)   key: \(send.key)")
            print("demands: \(send.invoices.joined(separator: ", "))   total: \(PendingView.amount(send))")
            if let subject = message.subject { print("subject: \(subject)\n") }
            print(message.text ?? message.sms?.text ?? message.webhook ?? "")
            return
        }
        if json { return try printJSON(view.json) }
        if view.pending.isEmpty {
            print("nothing waits for approval")
        } else {
            var table = TextTable("KEY", "CUSTOMER", "STAGE", "CHANNEL", "INVOICES", "AMOUNT", "SINCE")
            for item in view.pending {
                let send = item.send
                table.add(send.key, send.customer, send.stage, send.channel.rawValue, send.invoices.joined(separator: ", "),
                          PendingView.amount(send), Timestamp.format(item.since))
            }
            print(table.render())
        }
        for item in view.held where item.kind == "on_hold" {
            print("held: \(item.customer) \(item.stage ?? "") \(item.invoices.joined(separator: ", ")): \(item.detail)")
        }
    }
}

struct ApproveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Approve messages waiting for approval: they go out at the debtor's next business window, once.",
        discussion: "Drops an approve event per message into the inbox, so a running daemon applies it at once."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var time: InstantOption

    @Argument(help: "Keys from `overdue pending`.") var keys: [String] = []
    @Option(help: "Approve every message waiting for this customer.") var customer: String?
    @Flag(help: "Approve every message waiting.") var all = false

    func validate() throws {
        if [!keys.isEmpty, customer != nil, all].filter({ $0 }).count != 1 {
            throw ValidationError("give the keys to approve, or --customer C, or --all")
        }
        for key in keys { if let problem = FieldRules.deliveryKey(key) { throw ValidationError(problem) } }
    }

    func run() throws {
        let config = try global.loadConfig()
        var chosen = keys
        if customer != nil || all {
            let waiting = try PendingView(config: config, now: time.instant).pending.map(\.send)
            chosen = waiting.filter { customer == nil || $0.customer == customer }.map(\.key)
            guard !chosen.isEmpty else {
                print("nothing waits for approval\(customer.map { " for \($0)" } ?? "")")
                return
            }
        }
        try dropIntoInbox(chosen.map { .approval(.approve(key: $0)) }, kind: "approve", config: config)
        print("approved \(chosen.count) message\(chosen.count == 1 ? "" : "s") (an approve event in the inbox): a running daemon sends \(chosen.count == 1 ? "it" : "them") at the debtor's next business window; otherwise the next `overdue run` does")
    }
}

struct HoldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hold",
        abstract: "Hold a message waiting for approval: it is not sent, and stays listed as held with the reason.",
        discussion: "`overdue approve KEY` later releases it."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "A key from `overdue pending`.") var key: String
    @Option(help: "Why (kept in the ledger and shown by `overdue pending`).") var reason: String

    func validate() throws {
        if let problem = FieldRules.deliveryKey(key) { throw ValidationError(problem) }
        if let problem = FieldRules.text(reason, maxLength: 500) { throw ValidationError("--reason \(problem)") }
    }

    func run() throws {
        let config = try global.loadConfig()
        try dropIntoInbox([.approval(.hold(key: key, reason: reason))], kind: "hold", config: config)
        print("held \(key) (a hold event in the inbox): it is not sent; `overdue approve \(key)` releases it")
    }
}
