import ArgumentParser
import Foundation
import OverdueCore
import OverdueDaemon
import OverdueSpool

/// `overdue forget CUSTOMER [--force]`: erase a customer's personal data from
/// the spool (a GDPR erasure request), keeping what tax law needs.
struct ForgetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget",
        abstract: "Erase a customer's personal data from the spool; invoice numbers, amounts and dates stay.",
        discussion: """
            Names, e-mail addresses (Cc too), phone numbers, contacts, VAT ids, notes and reasons become \
            a tombstone (forgotten-<hash>, "[forgotten DATE]") in the ledger and delivery journals, \
            the log, the messages, the Maildir, the archived and rejected inbox files; the customer's \
            PDFs are removed. The invoices stay, excluded from reminders. Refused while one of them is \
            still being chased, unless --force. Rewrites the journals, so the daemon must be stopped \
            first (systemctl stop overdue).
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The customer id (customer.id of its invoices, or of its directory record).")
    var customer: String

    @Flag(help: "Forget the customer even while an invoice of theirs is still owed and chased.")
    var force = false

    @Option(help: ArgumentHelp("Date the erasure as of this instant (ISO 8601; tests).", valueName: "instant"))
    var now: String?

    func validate() throws {
        if let now, Timestamp.parse(now) == nil { throw ValidationError("--now \"\(now)\" is not an ISO 8601 instant") }
    }

    func run() throws {
        let config = try global.loadConfig()
        let clock = now.flatMap(Timestamp.parse).map(OverdueClock.starting(at:)) ?? .system
        try emit { try Forget.run(customer: customer, force: force, config: config, clock: clock, logger: global.makeLogger()) }
    }
}
