import ArgumentParser
import Foundation
import OverdueCore

/// `overdue`: the payment-reminder daemon and its tools. One subcommand per
/// file; the work itself lives in the library modules.
@main
struct Overdue: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Payment reminders from an inbox folder: e-mail, SMS and webhooks, never twice.",
        discussion: """
            Drop invoices and events (payments, disputes, promises, opt-outs) as JSON, JSON Lines \
            or CSV into SPOOL/inbox/. `overdue run` ingests them, plans reminders and sends them; \
            every step is logged to SPOOL/log/YYYY-MM-DD.jsonl.

            The global options --config FILE and --log-level LEVEL may be given before or after \
            the subcommand: `overdue --config /etc/overdue/acme.toml status`.
            """,
        subcommands: [RunCommand.self, PlanCommand.self, PreviewCommand.self, CheckCommand.self, StatusCommand.self, ShowCommand.self, LogCommand.self, RetryCommand.self, OptoutCommand.self, ReportCommand.self, CallsCommand.self, HandoffCommand.self, PendingCommand.self, ApproveCommand.self, HoldCommand.self]
    )

    /// `overdue [--config FILE] SUBCOMMAND` is the documented form, but
    /// ArgumentParser gives options before a subcommand to the root command
    /// only; moving the global options to the end lets every subcommand,
    /// however nested, read them through its `GlobalOptions` group.
    static func main() {
        do {
            var command = try parseAsRoot(Self.reorderGlobalOptions(Array(CommandLine.arguments.dropFirst())))
            try command.run()
        } catch let error as any OverdueError {
            // ArgumentParser would print "Error: …"; ours carry a code to print.
            printError(error)
            Foundation.exit(1)
        } catch {
            exit(withError: error)
        }
    }

    static let globalOptionsWithValue: Set<String> = ["--config", "--log-level"]

    static func reorderGlobalOptions(_ arguments: [String]) -> [String] {
        var globals: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if globalOptionsWithValue.contains(argument), index + 1 < arguments.count {
                globals += [argument, arguments[index + 1]]
                index += 2
            } else if globalOptionsWithValue.contains(where: { argument.hasPrefix($0 + "=") }) {
                globals.append(argument)
                index += 1
            } else {
                break
            }
        }
        guard !globals.isEmpty, index < arguments.count else { return arguments }
        // After the rest, so nested subcommands (`optout add`) see them too.
        return Array(arguments[index...]) + globals
    }
}
