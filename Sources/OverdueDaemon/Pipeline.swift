import Foundation
import Logging
import OverdueConfig
import OverdueCore
import OverdueDelivery
import OverdueIngest
import OverdueQueries
import OverdueRender
import OverdueSpool
import OverdueTransports

/// What `overdue run --once` did.
public struct RunOnceResult: Sendable {
    public var ingest: IngestSummary
    public var dispatch: DispatchSummary
    public var openInvoices: Int
    /// When the next reminder becomes due if nothing changes.
    public var nextWake: Date?
    /// How many debtors the pass planned (all at the first pass; then those
    /// something happened to), summed over its planning rounds.
    public var debtorsPlanned = 0
}

/// The pipeline over one spool, holding the lock and the in-memory ledger
/// and delivery history between passes: inbox → ledger → planner →
/// transports → log. `run --once` makes one pass; the daemon makes one per
/// wake-up of its `WakeTimer` and per inbox change.
public final class Pipeline {
    /// Creates the spool if needed, takes its lock, and cleans up what a crash
    /// left half-done (the single writer's start: a pass, `overdue forget`).
    public static func open(config: Config, logger: Logger) throws -> (Spool, SpoolLock, [String]) {
        let spool = Spool(root: config.spool.dir)
        try spool.create()
        let lock = try SpoolLock(spool: spool)
        let removed = spool.removeStaleTempFiles()
        if !removed.isEmpty {
            logger.notice("removed temp files left by an interrupted run", metadata: ["spool.removed": "\(removed.joined(separator: ", "))"])
        }
        return (spool, lock, removed)
    }

    public let spool: Spool
    private let lock: SpoolLock
    private var ingester: Ingester
    private var dispatcher: Dispatcher
    /// The planner, asked again only for the debtors something happened to.
    private var planner: IncrementalPlanner
    /// The open invoices, counted again only where the ledger changed, and
    /// the changes the planner took that the count has not seen yet.
    private var openCount = OpenInvoiceCount()
    private var changesToCount = LedgerChanges()
    private var history: DeliveryHistory
    let clock: OverdueClock
    let logger: Logger
    public private(set) var config: Config
    /// Set by SIGTERM: no new transfer starts; the pass finishes what is in flight.
    public let stop = StopFlag()
    /// Set by SIGHUP: the pass starts no new transfer and ends once those
    /// in flight are done, so the new configuration applies between
    /// messages; the next pass sends the rest.
    public let yieldForReload = StopFlag()
    /// How far the current pass is (the watchdog and `STATUS=` read it).
    let progress = DeliveryProgress()
    /// What the last pass saw, for `STATUS=`.
    public private(set) var lastStatus = ""
    /// Approvals, held items and the stale feed guard, journaled and logged.
    private var controls: ControlsJournal
    /// What the controls did in the last pass.
    public private(set) var lastControls = ControlsSummary()
    /// The UTC day `[retention]` last ran (Pipeline+Retention.swift).
    var retentionDay: String?

    public init(config: Config, clock: OverdueClock, logger: Logger) throws {
        (spool, lock, _) = try Pipeline.open(config: config, logger: logger)
        let (store, ledger, committed) = try LedgerStore.openForWriting(spool: spool)
        let log = EventLog(directory: spool.log)
        ingester = Ingester(spool: spool, config: config, store: store, ledger: ledger,
                            committed: committed, log: log, logger: logger, clock: clock)
        let deliveries = try DeliveryJournal.replay(spool: spool)
        history = deliveries.history
        planner = IncrementalPlanner(planner: Planner(settings: config.plannerSettings))
        dispatcher = try Self.makeDispatcher(config: config, spool: spool, log: log, logger: logger, clock: clock, stop: stop,
                                             yield: yieldForReload, progress: progress, sentToday: deliveries.recentSends)
        dispatcher.deferred = deliveries.deferred
        dispatcher.counts = deliveries.counts
        dispatcher.failedCount = deliveries.failed.count
        controls = ControlsJournal(deliveryJournal: dispatcher.deliveryJournal, log: log, logger: logger,
                                   staleLogged: deliveries.staleLogged, heldFile: spool.run.appendingPathComponent("held.json"))
        self.clock = clock
        self.logger = logger
        self.config = config
    }

    /// The ledger and the committed files as of the journal's end, for a
    /// snapshot (`LedgerSnapshotting`); read on the work queue between passes.
    var snapshotSource: (ledger: Ledger, files: [String: CommittedFile]) { (ingester.ledger, ingester.committedFiles) }

    /// Templates and transports are checked before anything is sent: a broken
    /// template or a missing secret stops the start (or the reload).
    static func makeDispatcher(config: Config, spool: Spool, log: EventLog, logger: Logger, clock: OverdueClock,
                               stop: StopFlag, yield: StopFlag, progress: DeliveryProgress,
                               sentToday: [Channel: [Date]]) throws -> Dispatcher {
        let templates = try TemplateSet(userDirectory: config.brand.templates)
        let problems = TemplateCheck.problems(templates: templates, config: config)
        if !problems.isEmpty { throw TemplateErrors(problems: problems) }
        let dispatcher = try Dispatcher(config: config, spool: spool, deliveryJournal: try DeliveryJournal(spool: spool), log: log,
                                        logger: logger, clock: clock, templates: templates, progress: progress,
                                        sentToday: sentToday)
        dispatcher.stop = stop
        dispatcher.yield = yield
        return dispatcher
    }

    /// Takes a new configuration if it is complete and valid; otherwise
    /// throws and keeps running on the old one.
    public func reload(_ newConfig: Config) throws {
        guard URL(fileURLWithPath: newConfig.spool.dir).standardizedFileURL == spool.root else {
            throw ReloadError(description: "spool.dir changed to \(newConfig.spool.dir); a spool cannot move while running, restart instead")
        }
        let log = EventLog(directory: spool.log)
        // The new channels' quotas count what went out today (from the journal).
        let recent = try DeliveryJournal.replay(spool: spool).recentSends
        let newDispatcher = try Self.makeDispatcher(config: newConfig, spool: spool, log: log, logger: logger, clock: clock, stop: stop,
                                                    yield: yieldForReload, progress: progress, sentToday: recent)
        newDispatcher.deferred = dispatcher.deferred
        newDispatcher.resumePausedChannels()  // the reload may be the fix for what paused a channel
        newDispatcher.counts = dispatcher.counts
        newDispatcher.failedCount = dispatcher.failedCount
        ingester = Ingester(spool: spool, config: newConfig, store: ingester.store, ledger: ingester.ledger,
                            committed: ingester.committedFiles, log: log, logger: logger, clock: clock)
        dispatcher = newDispatcher
        controls.use(newDispatcher.deliveryJournal)
        // New settings: every debtor is planned again, once.
        planner = IncrementalPlanner(planner: Planner(settings: newConfig.plannerSettings))
        config = newConfig
    }

    /// Prometheus textfile metrics, written atomically so the collector never
    /// reads half a file. A failure is logged, never fatal.
    private func writeMetrics(to path: String, openInvoices: Int, unreadable: Int, now: Date) {
        do {
            let report = ReceivablesReport(ledger: ingester.ledger, history: history, planner: planner.planner,
                                           on: planner.planner.today(at: now))
            var text = MetricsText.overdue(report: report, openInvoices: openInvoices, deliveries: dispatcher.counts,
                                           deferred: dispatcher.deferred.count, failed: dispatcher.failedCount, lastCycle: clock.now(),
                                           unreadableInboxFiles: unreadable)
            text += MetricsText.controls(pendingApprovals: lastControls.pending, held: lastControls.held,
                                         paymentsStale: lastControls.staleSince != nil, lastPaymentData: ingester.ledger.paymentDataAsOf)
            try DurableIO.writeAtomically(Array(text.utf8), to: URL(fileURLWithPath: path))
        } catch {
            logger.warning("could not write the metrics file", metadata: ["metrics.file": "\(path)", "error.detail": "\(error)"])
        }
    }

    public struct ReloadError: OverdueError {
        public var description: String
        public var code: ErrorCode { .reloadRefused }
    }

    /// `retry` events (from `overdue retry`): the failed deliveries named
    /// (nil: all) are re-queued in the delivery journal, so the planner
    /// plans them again, with the same keys and ids.
    func requeue(_ requests: [String?], now: Date) throws {
        let state = try DeliveryJournal.replay(spool: spool)
        let wanted = requests.contains(nil) ? Set(state.failed.keys) : Set(requests.compactMap { $0 })
        let keys = wanted.filter { state.failed[$0] != nil }.sorted()
        for key in wanted.subtracting(keys).sorted() {
            logger.warning("retry asked for a delivery that has not failed; nothing to re-queue", metadata: ["delivery.key": "\(key)"])
        }
        guard !keys.isEmpty else { return }
        try dispatcher.requeue(keys, at: now)
        let replayed = try DeliveryJournal.replay(spool: spool)
        history = replayed.history
        planner.invalidateAll()
        dispatcher.failedCount = replayed.failed.count
    }

    /// A delivery the relay accepted and a signed report later bounced did
    /// not reach the debtor: journaled again as `bounced`, so its stage is
    /// not reached and nothing climbs on it (rule 10), in this process and
    /// in every view that replays the journal.
    func markBounced(_ bounced: [BouncedDelivery], now: Date) throws {
        let state = try DeliveryJournal.replay(spool: spool, keepingOutcomes: true)
        let reasons = Dictionary(bounced.map { ($0.key, $0.reason) }, uniquingKeysWith: { first, _ in first })
        let outcomes = state.outcomes.filter { $0.status.reachedDebtor && reasons[$0.message.key] != nil }.map {
            DeliveryJournal.Outcome(message: $0.message, status: .bounced, code: 0,
                                detail: "bounced after the relay accepted it: \(reasons[$0.message.key] ?? "address does not exist")")
        }
        guard !outcomes.isEmpty else { return }
        try dispatcher.deliveryJournal.append(outcomes: outcomes, at: now)
        history = try DeliveryJournal.replay(spool: spool).history
        planner.invalidateAll()
    }

    /// `run --once` reads the feedback mailbox itself, before its pass, so
    /// the pass applies what came back; the daemon uses `FeedbackService`.
    func pollFeedbackOnce() -> FeedbackReader.Summary? {
        guard config.feedback != nil else { return nil }
        do {
            let summary = try FeedbackReader(config: config, spool: spool, logger: logger, clock: clock).poll(lookup: self)
            var status = FeedbackStatus(lastPoll: clock.now())
            status.lastSuccess = status.lastPoll
            status.read = summary.read
            status.unmatched = summary.unmatched
            try? status.write(to: FeedbackStatus.url(spool))
            return summary
        } catch {
            let explained = IMAPMailbox.explain(error, credentialsFile: config.feedback?.credentialsFile)
            logger.warning("feedback mailbox unreachable; trying again at the next run", metadata: ["error.detail": "\(explained)"])
            var status = FeedbackStatus(lastPoll: clock.now())
            status.error = explained
            status.failures = 1
            try? status.write(to: FeedbackStatus.url(spool))
            return nil
        }
    }

    /// How soon a pass that could not write the spool is tried again.
    public static let failureRetrySeconds: TimeInterval = 15

    /// The inbox step alone (a pass starts with it; tests that look at the
    /// spool between ingest and dispatch call it first).
    func ingestInbox(skipping beingWritten: Set<String> = []) -> IngestSummary {
        ingester.ingestInbox(skipping: beingWritten)
    }

    public func pass(skipping beingWritten: Set<String> = []) throws -> RunOnceResult {
        progress.begin()
        defer { progress.finish() }
        let cpuAtStart = ProcessCPUTime.milliseconds()
        let ingest = ingestInbox(skipping: beingWritten)
        let now = clock.now()
        if !ingest.retries.isEmpty { try requeue(ingest.retries, now: now) }
        if !ingest.bouncedDeliveries.isEmpty { try markBounced(ingest.bouncedDeliveries, now: now) }
        applyRetention(now: now)
        // A few rounds at the same instant: a suppressed or failed channel
        // makes its stage fall back to another one, which is due at once.
        var dispatch = DispatchSummary()
        var debtorsPlanned = 0
        /// Only the debtors whose invoices changed, whose wake-up came or
        /// who had something to do last time are planned again (the others'
        /// plans cannot have changed); what the rounds send or suppress is
        /// theirs, so the next round re-plans them.
        func plan() -> PlanResult {
            let changes = ingester.takeLedgerChanges()
            changesToCount.formUnion(changes)
            let result = planner.plan(ledger: ingester.ledger, changes: changes, history: history, now: now)
            debtorsPlanned += planner.lastCall.debtorsPlanned
            return result
        }
        // The pass's rounds, as every view of a pass runs them (`PassRounds`).
        try PassRounds.run(plan: plan, suppress: { skipped in
            try dispatcher.suppress(skipped, history: &history)
            dispatch.suppressed += skipped.count
        }, dispatch: { due in
            let round = try dispatcher.dispatch(due, ledger: ingester.ledger, history: &history)
            dispatch.add(round)
            // What the gateways said (opted out, no such recipient) is in
            // the ledger before the next round plans.
            if !round.optOuts.isEmpty { try ingester.record(round.optOuts, source: "gateway opt-outs") }
            return PassRounds.Round(failed: round.failed, suppressed: round.suppressed)
        })
        // Plan again: what was just sent moves the next wake-up; a deferred
        // message wakes us for its retry. What the controls hold back or
        // leave waiting for approval is recorded from this plan.
        let final = plan()
        lastControls = try controls.record(final, staleSince: planner.planner.staleSince(ingester.ledger, now: now),
                                           history: &history, now: now)
        let planned = final.nextWake
        // Inbox files the spool could not take (disk full) are tried again soon.
        let inboxRetry = ingest.failedFiles > 0 ? now.addingTimeInterval(Self.failureRetrySeconds) : nil
        let next = [planned, dispatcher.nextRetry(after: now), inboxRetry, nextRetention(after: now)].compactMap { $0 }.min()
        let open = openCount.update(ingester.ledger, changes: changesToCount, today: planner.planner.today(at: now),
                                    recount: planner.planner.allocatesCostsFirst,
                                    state: planner.planner.states(ledger: ingester.ledger, history: history, on: planner.planner.today(at: now)))
        changesToCount = LedgerChanges()
        if let path = config.daemon.metricsFile { writeMetrics(to: path, openInvoices: open, unreadable: ingest.unreadable.count, now: now) }
        lastStatus = "\(open) open invoices, \(dispatch.sent) sent in the last pass, \(dispatcher.deferred.count) waiting to retry, "
            + (ingest.unreadable.isEmpty ? "" : "\(ingest.unreadable.count) inbox file(s) unreadable (see overdue status), ")
            + (lastControls.statusText.isEmpty ? "" : lastControls.statusText + ", ")
            + "next: " + (next.map(Timestamp.format) ?? "nothing planned")
        logger.info("pipeline pass finished", metadata: [
            "inbox.files": "\(ingest.files)", "records.accepted": "\(ingest.accepted)",
            "records.rejected": "\(ingest.rejected)", "invoices.open": "\(open)", "delivery.sent": "\(dispatch.sent)",
            "delivery.deferred": "\(dispatch.deferred)", "delivery.failed": "\(dispatch.failed)",
            "plan.debtors": "\(debtorsPlanned)", "pass.cpu_ms": "\(String(format: "%.1f", ProcessCPUTime.milliseconds() - cpuAtStart))",
            "plan.next": "\(next.map(Timestamp.format) ?? "none")",
        ])
        return RunOnceResult(ingest: ingest, dispatch: dispatch, openInvoices: open, nextWake: next, debtorsPlanned: debtorsPlanned)
    }
}

extension Pipeline: FeedbackLookup {
    public func debtorAddresses() -> Set<String> {
        let ledger = ingester.ledger
        return Set(ledger.entries.values.compactMap { ledger.directory.effective(for: $0.invoice).customer.email?.lowercased() })
    }

    public func resolve(_ inputs: [FeedbackResolver.Input], context: FeedbackResolver.Context) -> [FeedbackResolver.Outcome] {
        FeedbackResolver.resolve(inputs, history: history, ledger: ingester.ledger, context: context)
    }
}
