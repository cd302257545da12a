import ArgumentParser
import Foundation
import OverdueIngest
import OverdueSpool

struct RetryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Re-queue failed deliveries (dead letters) so they are sent again, with the same ids."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Keys of failed deliveries (see `overdue log --event failed`).") var keys: [String] = []
    @Flag(help: "Re-queue every failed delivery.") var all = false

    func validate() throws {
        if keys.isEmpty == !all { throw ValidationError("give the keys to retry, or --all") }
    }

    func run() throws {
        let config = try global.loadConfig()
        do {
            try SpoolOwnership.adopt(spoolDirectory: config.spool.dir, othersMayDrop: true)
            let done = try RetryRequest.drop(config: config, keys: all ? nil : keys) { printError($0) }
            print("re-queued \(done.count) deliver\(done.count == 1 ? "y" : "ies") (a retry event in the inbox): a running daemon sends them again at once, in the debtor's window; otherwise the next `overdue run` does")
        } catch {
            printError(error)
            throw ExitCode(1)
        }
    }
}
