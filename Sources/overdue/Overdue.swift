import ArgumentParser
import Foundation
import OverdueCore

/// `overdue`: the payment-reminder daemon and its tools. One subcommand per
/// file; the work itself lives in the library modules.
@main
struct Overdue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Payment reminders from an inbox folder: e-mail, SMS and webhooks, never twice.",
        discussion: """
            Drop invoices and events (payments, disputes, promises, opt-outs) as JSON, JSON Lines \
            or CSV into SPOOL/inbox/. `overdue run` ingests them, plans reminders and sends them; \
            every step is logged to SPOOL/log/YYYY-MM-DD.jsonl.

            The global options --config FILE and --log-level LEVEL may be given before or after \
            the subcommand: `overdue --config /etc/overdue/acme.toml status`.
            """,
        subcommands: [RunCommand.self, PlanCommand.self, PreviewCommand.self, CheckCommand.self, StatusCommand.self, ShowCommand.self, LogCommand.self, RetryCommand.self, OptoutCommand.self, ReportCommand.self, CallsCommand.self, HandoffCommand.self, PendingCommand.self, ApproveCommand.self, HoldCommand.self, RotateKeyCommand.self, UndoFeedbackCommand.self, ForgetCommand.self, PaymentsCommand.self, AssignCommand.self, DismissCommand.self]
    )

    /// `overdue --config FILE SUBCOMMAND` and `overdue SUBCOMMAND --config
    /// FILE` both work without rearranging anything: this root parses the
    /// global options wherever they stand (its parse is lenient, over all the
    /// arguments), and each subcommand's `@OptionGroup var global` is then
    /// handed the value the root decoded (ArgumentParser reuses an option
    /// group of the same type decoded by a command above it), however nested.
    @OptionGroup var global: GlobalOptions

    /// The one place the process exits with a status of its own choosing
    /// (the daemon's services return; they never call `exit`).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch let error as any OverdueError {
            // ArgumentParser would print "Error: …"; ours carry a code to print.
            printError(error)
            Foundation.exit(1)
        } catch {
            exit(withError: error)
        }
    }
}
