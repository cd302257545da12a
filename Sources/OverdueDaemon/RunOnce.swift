import Foundation
import Logging
import OverdueConfig
import OverdueCore
import OverdueSpool

/// What `overdue run --once` did.
public struct RunOnceResult: Sendable {
    public var ingest: IngestSummary
    public var recoveredTempFiles: [String]
    public var openInvoices: Int
}

/// The daemon's jobs over one spool. `run --once` does one pass of the
/// pipeline and exits; the long-running daemon repeats the same steps on
/// timers and inbox events.
public enum Daemon {
    /// Creates the spool if needed, takes its lock, and cleans up what a crash
    /// left half-done.
    public static func open(config: Config, logger: Logger) throws -> (Spool, SpoolLock, [String]) {
        let spool = Spool(root: config.spool.dir)
        try spool.create()
        let lock = try SpoolLock(spool: spool)
        let removed = spool.removeStaleTempFiles()
        if !removed.isEmpty {
            logger.notice("removed temp files left by an interrupted run", metadata: ["files": "\(removed.joined(separator: ", "))"])
        }
        return (spool, lock, removed)
    }

    public static func runOnce(config: Config, clock: OverdueClock, logger: Logger) throws -> RunOnceResult {
        let (spool, lock, removed) = try open(config: config, logger: logger)
        defer { withExtendedLifetime(lock) {} }
        let (ledger, committed) = try LedgerStore.replay(spool: spool)
        let ingester = Ingester(
            spool: spool, config: config, store: try LedgerStore(spool: spool), ledger: ledger, committed: committed,
            log: EventLog(directory: spool.log), logger: logger, clock: clock)
        let summary = ingester.ingestInbox()
        let today = CalendarDay.utc(clock.now())
        let open = ingester.ledger.counts(on: today)[.open] ?? 0
        logger.info("run --once finished", metadata: [
            "inbox.files": "\(summary.files)", "records.accepted": "\(summary.accepted)",
            "records.rejected": "\(summary.rejected)", "invoices.open": "\(open)",
        ])
        return RunOnceResult(ingest: summary, recoveredTempFiles: removed, openInvoices: open)
    }
}

/// Calendar days of instants.
public enum CalendarDay {
    /// The UTC calendar day of an instant (per-debtor days come with the planner).
    public static func utc(_ date: Date) -> CalendarDate {
        CalendarDate(daysSinceEpoch: Int((date.timeIntervalSince1970 / 86_400).rounded(.down)))
    }
}
