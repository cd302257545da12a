import Dispatch
import Foundation
import Logging
import OverdueConfig
import OverdueCore
import OverdueSpool
import ServiceLifecycle

/// The daemon's passes, as a swift-service-lifecycle `Service` in the
/// daemon's `ServiceGroup` (see `DaemonServices`). Two queues, so that nothing blocks the control
/// loop: `control` hears the inbox, the wake-up timer, signals and the
/// watchdog tick and talks to systemd; `work` runs the pipeline passes, one
/// at a time (a pass may stream deliveries for minutes under a quota).
/// `READY=1` goes out as soon as the ledger is loaded and the inbox watched,
/// before the first message leaves. `WATCHDOG=1` means alive *and making
/// progress*: the pings stop when a pass has moved nothing for longer than
/// the watchdog interval although work is due (not waiting for a quota, no
/// transfer still within its timeout), so systemd restarts a hung daemon.
///
/// Signals: SIGTERM/SIGINT are the group's graceful shutdown: no new
/// transfer starts, those in flight finish (at most
/// `[daemon].shutdown_grace_seconds`) and `run()` returns; SIGHUP reloads
/// the config and templates between messages (the pass in progress ends
/// after its transfers in flight), keeping the old ones if the new ones are
/// invalid. The Dispatch-timed scheduler stays: a timer re-armed to the
/// planner's next wake-up.
///
/// For tests the timer is injected (a `WakeScheduler` made on `control`,
/// fired from a manual clock) and an observer hears the loop's `Event`s in
/// the order `control` handles them; the daemon passes neither.
public final class PipelineService: Service, @unchecked Sendable {  // mutable state is confined to `control`
    /// What the loop did, in order; told to the observer on `control`.
    public enum Event: Sendable, Equatable {
        /// The inbox is watched and `READY=1` sent; the start pass is asked for next.
        case started
        /// A pass was handed to the work queue; `reason` is "start", "timer", "inbox" or "reload".
        case passStarted(reason: String)
        /// Asked for while a pass runs: one more pass follows it (requests
        /// coalesce; the first one's reason names that pass).
        case passQueued(reason: String)
        /// A pass ended and the wake-up was armed for `nextWake` (nil: nothing planned).
        case passFinished(reason: String, nextWake: Date?)
        /// A pass failed; the wake-up was armed for `retryAt`.
        case passFailed(reason: String, retryAt: Date)
        /// A reload took the new configuration and templates.
        case reloadApplied
        /// A reload was refused (`detail` says why); the old configuration stays.
        case reloadRefused(detail: String)
        /// The graceful shutdown began: no new transfer, no new pass.
        case stopping
        /// The pass in flight (if any) ended after `stopping`; `run()` returns next.
        case stopped
        /// The pass in flight outlasted the grace period; `run()` returns without it.
        case graceExpired
    }

    /// Makes the wake-up timer on the control queue it gets, firing the handler there.
    typealias WakeSchedulerFactory = (_ control: DispatchQueue, _ fire: @escaping @Sendable () -> Void) -> any WakeScheduler

    private let control = DispatchQueue(label: "overdue.control")
    /// Owns the pipeline (the feedback lookups run on it too, `WorkQueueLookup`).
    private let work: DispatchQueue
    private let pipeline: Pipeline
    private let configPath: String
    private let logger: Logger
    private let notifier: SystemdNotifier?
    private var timer: (any WakeScheduler)!
    private let observer: (@Sendable (Event) -> Void)?
    private var watcher: InboxWatcher?
    /// Reads the feedback mailbox on its own queue; told of each reload.
    private let feedback: FeedbackService
    /// `run()` waits on it; resumed once the service has stopped (or could not start).
    private var finished: CheckedContinuation<Void, any Error>?
    private var sources: [DispatchSourceProtocol] = []
    private var passRunning = false
    /// Set by `start()`: before it, a reload changes the settings but runs no pass (the inbox is not watched yet).
    private var started = false
    private var passWanted: String?
    private var stopping = false
    /// `[daemon].shutdown_grace_seconds`, kept here so `control` never reads
    /// the pipeline's config while a reload replaces it on `work`.
    private var shutdownGrace: Int
    /// Ledger snapshots, taken in the background after a pass once the journal has grown.
    private let snapshots: LedgerSnapshotting

    init(pipeline: Pipeline, work: DispatchQueue, snapshots: LedgerSnapshotting, feedback: FeedbackService, configPath: String,
         logger: Logger, environment: [String: String], wakeScheduler: WakeSchedulerFactory? = nil,
         observer: (@Sendable (Event) -> Void)? = nil) {
        self.pipeline = pipeline
        self.work = work
        self.snapshots = snapshots
        self.feedback = feedback
        self.configPath = configPath
        self.logger = logger
        notifier = SystemdNotifier(environment: environment)
        shutdownGrace = pipeline.config.daemon.shutdownGraceSeconds
        self.observer = observer
        let clock = pipeline.clock
        let makeTimer = wakeScheduler ?? { WakeTimer(queue: $0, clock: clock, handler: $1) }
        timer = makeTimer(control) { [unowned self] in self.requestPass(reason: "timer") }
        // Heard from now on: a SIGHUP while the group starts is a reload, not the signal's default end of the process.
        installReload()
    }

    /// Runs until the group shuts down gracefully (SIGTERM, SIGINT), then
    /// returns once the sends in flight are done or the grace period is over.
    public func run() async throws {
        // Cancelled (the group ends because another service failed): stop as for a shutdown, never hang.
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await withCheckedThrowingContinuation { (finished: CheckedContinuation<Void, any Error>) in
                    control.async { [self] in
                        self.finished = finished
                        start()
                    }
                }
            } onGracefulShutdown: { [self] in
                control.async { self.beginStop() }
            }
        } onCancel: { [self] in
            control.async { self.beginStop() }
        }
    }

    /// On `control`: watch the inbox, hear SIGHUP, ping systemd, first pass.
    private func start() {
        guard !stopping else { return finish() }  // stopped before it started
        do {
            watcher = try InboxWatcher(directory: pipeline.spool.inbox, queue: control) { [unowned self] in
                self.requestPass(reason: "inbox")
            }
        } catch {
            logger.critical("cannot start", metadata: ["error.detail": "\(error)"])
            return finish(throwing: error)
        }
        started = true
        if let interval = notifier?.watchdogInterval { startWatchdog(every: interval) }
        logger.notice("started", metadata: ["spool.path": "\(pipeline.spool.root.path)", "config.path": "\(configPath)"])
        // The ledger is loaded and the inbox watched: ready, before any send.
        notifier?.notify("READY=1")
        observer?(.started)
        requestPass(reason: "start")
    }

    /// On `control`: `run()` returns (or throws), once.
    private func finish(throwing error: (any Error)? = nil) {
        guard let finished else { return }
        self.finished = nil
        if let error { finished.resume(throwing: error) } else { finished.resume() }
    }

    /// SIGHUP (the group handles SIGTERM and SIGINT).
    private func installReload() {
        signal(SIGHUP, SIG_IGN)  // delivered to the Dispatch source instead
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: control)
        source.setEventHandler { [unowned self] in self.reload() }
        source.resume()
        sources.append(source)
    }

    /// On `control`, so it is heard while a pass streams: the group's graceful shutdown.
    private func beginStop() {
        guard !stopping else { return }
        stopping = true
        pipeline.stop.set()
        notifier?.notify("STOPPING=1")
        logger.notice("stopping: finishing the sends in flight")
        let grace = shutdownGrace
        control.asyncAfter(deadline: .now() + .seconds(grace)) { [self] in
            guard finished != nil else { return }
            logger.warning("in-flight sends did not finish within the grace period; exiting (they are re-sent with the same ids)",
                           metadata: ["grace.seconds": "\(grace)"])
            observer?(.graceExpired)
            finish()
        }
        observer?(.stopping)
        if !passRunning { stopped() }
    }

    private func stopped() {
        logger.notice("stopped")
        observer?(.stopped)
        finish()
    }

    /// SIGHUP's reload, callable from any thread (tests call it): on
    /// `control`, then applied on the work queue between messages: the pass
    /// in progress starts no new transfer and ends, the reload runs, and a
    /// pass with the new settings sends the rest.
    func reload() {
        control.async { [self] in
            notifier?.notify("RELOADING=1")
            if passRunning { pipeline.yieldForReload.set() }
            work.async { [self] in applyReload() }
        }
    }

    /// On `work`: the new configuration, or the reason it was refused; then back on `control`.
    private func applyReload() {
        pipeline.yieldForReload.clear()
        let event: Event
        do {
            let config = try ConfigLoader.load(path: configPath)
            try pipeline.reload(config)
            logger.notice("configuration and templates reloaded", metadata: ["config.path": "\(configPath)"])
            feedback.reload(config)
            event = .reloadApplied
        } catch {
            logger.error("reload refused; still running on the previous configuration", metadata: ["error.detail": "\(error)"])
            event = .reloadRefused(detail: "\(error)")
        }
        let grace = pipeline.config.daemon.shutdownGraceSeconds
        control.async { [self] in
            shutdownGrace = grace
            observer?(event)
            guard started else { return }
            notifier?.notify("READY=1")
            requestPass(reason: "reload")
        }
    }

    private func startWatchdog(every interval: TimeInterval) {
        let source = DispatchSource.makeTimerSource(queue: control)
        source.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(50))
        source.setEventHandler { [unowned self] in
            // systemd's interval is twice the ping interval.
            if pipeline.progress.isAlive(interval: interval * 2) {
                notifier?.notify("WATCHDOG=1")
            } else {
                logger.error("no progress although work is due; withholding the watchdog ping so systemd restarts the service")
            }
            if let summary = pipeline.progress.summary { notifier?.notify("STATUS=\(summary)") }
        }
        source.resume()
        sources.append(source)
    }

    /// On `control`: runs a pass on `work`, or, while one runs, one more
    /// after it (a burst of inbox events or a timer during a pass coalesce).
    private func requestPass(reason: String) {
        guard !stopping else { return }
        guard !passRunning else {
            passWanted = passWanted ?? reason
            observer?(.passQueued(reason: reason))
            return
        }
        passRunning = true
        let beingWritten = watcher?.beingWritten ?? []
        observer?(.passStarted(reason: reason))
        work.async { [self] in
            let outcome = Result { try pipeline.pass(skipping: beingWritten) }
            snapshots.afterPass(pipeline.snapshotSource)
            control.async { [self] in
                passRunning = false
                passFinished(outcome, reason: reason)
                if stopping { return stopped() }
                if let wanted = passWanted {
                    passWanted = nil
                    requestPass(reason: wanted)
                }
            }
        }
    }

    private func passFinished(_ outcome: Result<RunOnceResult, any Error>, reason: String) {
        switch outcome {
        case .success(let result):
            timer.arm(at: result.nextWake)
            notifier?.notify("STATUS=\(pipeline.lastStatus)")
            logger.debug("next wake-up armed", metadata: [
                "pass.reason": "\(reason)", "plan.next": "\(result.nextWake.map(Timestamp.format) ?? "none")",
            ])
            observer?(.passFinished(reason: reason, nextWake: result.nextWake))
        case .failure(let error):
            // The spool could not be written (disk full, permissions): try
            // again soon rather than exit and lose the timer.
            let retry = Pipeline.failureRetrySeconds
            logger.error("pipeline pass failed; retrying soon", metadata: ["error.detail": "\(error)", "retry.seconds": "\(Int(retry))"])
            notifier?.notify("STATUS=last pass failed: \(error)".replacingOccurrences(of: "\n", with: " "))
            let retryAt = pipeline.clock.now().addingTimeInterval(retry)
            timer.arm(at: retryAt)
            observer?(.passFailed(reason: reason, retryAt: retryAt))
        }
    }
}

/// The pipeline's feedback lookups, run on its work queue from the
/// feedback queue. @unchecked Sendable: the pipeline is only touched inside
/// `work.sync`, so the work queue still owns it.
final class WorkQueueLookup: FeedbackLookup, @unchecked Sendable {
    let pipeline: Pipeline
    let work: DispatchQueue

    init(pipeline: Pipeline, work: DispatchQueue) {
        self.pipeline = pipeline
        self.work = work
    }

    func debtorAddresses() -> Set<String> { work.sync { pipeline.debtorAddresses() } }

    func resolve(_ inputs: [FeedbackResolver.Input], context: FeedbackResolver.Context) -> [FeedbackResolver.Outcome] {
        work.sync { pipeline.resolve(inputs, context: context) }
    }
}
