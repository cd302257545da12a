import ArgumentParser
import OverdueCore
import OverdueQueries

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
        try emit { try ApprovalDrop.hold(key: key, reason: reason, config: config) }
    }
}
