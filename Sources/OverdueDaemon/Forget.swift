import Foundation
import Logging
import OverdueConfig
import OverdueCore
import OverdueQueries
import OverdueSpool

/// `overdue forget CUSTOMER`: a GDPR erasure (see `Erasure` for what goes and
/// what stays, `SpoolEraser` for how each file is rewritten).
///
/// Why it takes the spool lock instead of dropping an inbox event for the
/// daemon to apply, as `retry`, `approve` and `optout` do: those add a line
/// to the ledger, which is the daemon's to write; forgetting rewrites what is
/// already written (both journals, the snapshots, the log, the messages),
/// which no one may do while a writer appends to them, and the daemon's
/// memory (its ledger, its planner's answers, its delivery history) would
/// keep the personal data until it restarts anyway. So, like `run`, it is the
/// spool's single writer for its run: refused while the daemon holds the
/// lock (stop it, forget, start it; an erasure can wait that minute), and
/// run as the spool's owner.
public enum Forget {
    public struct Refused: OverdueError {
        public var code: ErrorCode
        public var description: String
    }

    public static func run(customer: String, force: Bool, config: Config, clock: OverdueClock, logger: Logger) throws -> CommandOutput {
        try SpoolOwnership.adopt(spoolDirectory: config.spool.dir)
        let spool = Spool(root: config.spool.dir)
        guard spool.exists else {
            throw Refused(code: .spoolMissing, description: "no spool at \(config.spool.dir) (spool.dir in \(config.sourcePath)); there is nothing to forget")
        }
        let lock: SpoolLock
        do {
            (_, lock, _) = try Pipeline.open(config: config, logger: logger)
        } catch let held as SpoolLock.Held {
            throw Refused(code: held.code, description: "\(held); forget rewrites the journals, which only the spool's one writer may do: "
                + "systemctl stop overdue, overdue forget \(customer), systemctl start overdue")
        }
        defer { withExtendedLifetime(lock) {} }
        let now = clock.now()
        let ledger = try LedgerStore.replay(spool: spool).ledger
        let tombstone = try SpoolEraser.tombstone(for: customer, spool: spool)
        guard let erasure = Erasure.plan(customer: customer, ledger: ledger, tombstone: tombstone, day: Planner.today(at: now, schedule: config.plannerSettings.schedule)) else {
            throw Refused(code: .notFound, description: "the ledger has no customer \"\(customer)\" (no invoice, directory record, credit or call of it); "
                + "check the id with overdue show INVOICE, or overdue status. A customer already forgotten is known only as forgotten-…")
        }
        if !erasure.chased.isEmpty, !force {
            throw Refused(code: .forgetChased, description: "\(customer) still owes \(erasure.chased.joined(separator: ", ")) and is being reminded "
                + "(balance owed, not cancelled, not handed off); record the payment, cancel or hand off first, "
                + "or add --force to forget them now (no more reminders for those invoices: there is no one left to send them to)")
        }
        var eraser = SpoolEraser(spool: spool, erasure: erasure)
        try eraser.run(now: now)
        try EventLog(directory: spool.log).append([LogEntry(time: now, event: "forgotten", fields: [
            "customer": .string(tombstone),
            "detail": .string("personal data erased (names, addresses, phone numbers, notes, messages); invoice numbers, amounts and dates kept"
                + (erasure.chased.isEmpty ? "" : "; forced while still owed")),
        ])])
        logger.notice("customer forgotten", metadata: ["customer.tombstone": "\(tombstone)", "invoices": "\(erasure.invoices.count)"])
        var output = CommandOutput(lines: [
            "forgot \(customer): now \(tombstone), with \(erasure.invoices.count) invoice(s) kept (numbers, amounts, dates) and excluded from reminders",
        ])
        let changed = eraser.changed.sorted { $0.key < $1.key }.map { "\($0.key)/ \($0.value)" }
        output.append("rewritten: " + (changed.isEmpty ? "nothing else held their data" : changed.joined(separator: ", ") + " file(s)"))
        let waiting = spool.count(in: spool.inbox)
        if waiting > 0 {
            output.append("note: \(waiting) file(s) still wait in the inbox; if one is about \(customer), remove it before the daemon reads it")
        }
        output.append("not touched: copies outside the spool (the SMTP relay, the feedback mailbox, hand-off bundles, backups)")
        return output
    }
}
