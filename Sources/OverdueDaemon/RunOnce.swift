import Foundation
import Logging
import OverdueConfig
import OverdueCore
import OverdueRender
import OverdueSpool

/// What `overdue run --once` did.
public struct RunOnceResult: Sendable {
    public var ingest: IngestSummary
    public var dispatch: DispatchSummary
    public var recoveredTempFiles: [String]
    public var openInvoices: Int
    /// When the next reminder becomes due if nothing changes.
    public var nextWake: Date?
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

    /// One pass of the pipeline, for `run --once`.
    public static func runOnce(config: Config, clock: OverdueClock, logger: Logger) throws -> RunOnceResult {
        try Pipeline(config: config, clock: clock, logger: logger).cycle()
    }
}

/// The pipeline over one spool, holding the lock and the in-memory ledger
/// and delivery history between passes: inbox → ledger → planner →
/// transports → log. `run --once` makes one pass; the daemon makes one per
/// wake-up of its `WakeTimer` and per inbox change.
public final class Pipeline {
    public let spool: Spool
    private let lock: SpoolLock
    private let recovered: [String]
    private let ingester: Ingester
    private let dispatcher: Dispatcher
    private let planner: Planner
    private var history: DeliveryHistory
    private let clock: OverdueClock
    private let logger: Logger

    public init(config: Config, clock: OverdueClock, logger: Logger) throws {
        (spool, lock, recovered) = try Daemon.open(config: config, logger: logger)
        let (ledger, committed) = try LedgerStore.replay(spool: spool)
        let log = EventLog(directory: spool.log)
        ingester = Ingester(spool: spool, config: config, store: try LedgerStore(spool: spool), ledger: ledger,
                            committed: committed, log: log, logger: logger, clock: clock)
        history = try SentJournal.replay(spool: spool)
        planner = Planner(settings: config.plannerSettings)
        // Templates are checked before anything is sent: a broken template
        // stops the start, it never reaches a debtor.
        let templates = try TemplateSet(userDirectory: config.brand.templates)
        let problems = TemplateCheck.problems(templates: templates, config: config)
        if !problems.isEmpty { throw TemplateErrors(problems: problems) }
        dispatcher = try Dispatcher(config: config, spool: spool, sentJournal: try SentJournal(spool: spool), log: log,
                                    logger: logger, clock: clock, templates: templates)
        self.clock = clock
        self.logger = logger
    }

    public func cycle() throws -> RunOnceResult {
        let ingest = ingester.ingestInbox()
        let now = clock.now()
        let plan = planner.plan(ledger: ingester.ledger, history: history, now: now)
        let dispatch = try dispatcher.dispatch(plan.due, ledger: ingester.ledger, history: &history)
        if !dispatch.optOuts.isEmpty { try ingester.record(dispatch.optOuts, source: "gateway opt-outs") }
        // Plan again: what was just sent moves the next wake-up; a deferred
        // message wakes us for its retry.
        let planned = planner.plan(ledger: ingester.ledger, history: history, now: now).nextWake
        let next = [planned, dispatcher.nextRetry].compactMap { $0 }.min()
        let open = ingester.ledger.counts(on: CalendarDay.utc(now))[.open] ?? 0
        logger.info("pipeline pass finished", metadata: [
            "inbox.files": "\(ingest.files)", "records.accepted": "\(ingest.accepted)",
            "records.rejected": "\(ingest.rejected)", "invoices.open": "\(open)", "delivery.sent": "\(dispatch.sent)",
            "delivery.deferred": "\(dispatch.deferred)", "delivery.failed": "\(dispatch.failed)", "plan.next": "\(next.map(Timestamp.format) ?? "none")",
        ])
        return RunOnceResult(ingest: ingest, dispatch: dispatch, recoveredTempFiles: recovered, openInvoices: open, nextWake: next)
    }
}

/// Calendar days of instants.
public enum CalendarDay {
    /// The UTC calendar day of an instant (per-debtor days come with the planner).
    public static func utc(_ date: Date) -> CalendarDate {
        CalendarDate(daysSinceEpoch: Int((date.timeIntervalSince1970 / 86_400).rounded(.down)))
    }
}
