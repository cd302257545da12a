import ArgumentParser
import OverdueCore
import OverdueQueries

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
        try emit { try ApprovalDrop.approve(keys: keys, customer: customer, all: all, config: config, now: time.instant) }
    }
}
