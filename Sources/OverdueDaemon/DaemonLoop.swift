import Dispatch
import Foundation
import Logging
import OverdueConfig
import OverdueCore
import OverdueSpool

/// The long-running daemon: one pipeline pass at start (which also picks up
/// files dropped while it was down), then one per inbox change and per
/// wake-up of its single timer; no polling loop. Passes, the timer and the
/// watchdog pings share one serial queue, so a stuck pass stops the pings
/// and systemd restarts the service.
///
/// Signals: SIGTERM/SIGINT stop new sends, let the current pass finish (at
/// most `[daemon].shutdown_grace_seconds`) and exit 0; SIGHUP reloads the
/// config and templates, keeping the old ones if the new ones are invalid.
public final class DaemonLoop: @unchecked Sendable {
    private let queue = DispatchQueue(label: "overdue.daemon")
    private let signalQueue = DispatchQueue(label: "overdue.signals")
    private let pipeline: Pipeline
    private let configPath: String
    private let logger: Logger
    private let notifier: SystemdNotifier?
    private var timer: WakeTimer!
    private var watcher: InboxWatcher?
    private var sources: [DispatchSourceProtocol] = []
    private var passScheduled = false

    public init(config: Config, configPath: String, clock: OverdueClock, logger: Logger,
                environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        pipeline = try Pipeline(config: config, clock: clock, logger: logger)
        self.configPath = configPath
        self.logger = logger
        notifier = SystemdNotifier(environment: environment)
        timer = WakeTimer(queue: queue, clock: clock) { [unowned self] in self.pass(reason: "timer") }
    }

    /// Starts and never returns.
    public func run() -> Never {
        queue.async { [self] in
            do {
                watcher = try InboxWatcher(directory: pipeline.spool.inbox, queue: queue) { [unowned self] in self.schedulePass() }
            } catch {
                logger.critical("cannot start", metadata: ["error": "\(error)"])
                exit(1)
            }
            installSignals()
            if let interval = notifier?.watchdogInterval { startWatchdog(every: interval) }
            logger.notice("started", metadata: ["spool": "\(pipeline.spool.root.path)", "config": "\(configPath)"])
            pass(reason: "start")
            notifier?.notify("READY=1")
        }
        dispatchMain()
    }

    private func installSignals() {
        for number in [SIGTERM, SIGINT, SIGHUP] {
            signal(number, SIG_IGN)  // delivered to the Dispatch sources instead
            let source = DispatchSource.makeSignalSource(signal: number, queue: signalQueue)
            source.setEventHandler { [unowned self] in
                number == SIGHUP ? queue.async { self.reload() } : self.beginStop(signal: number)
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Runs on the signal queue, so it is heard even while a pass is busy.
    private func beginStop(signal number: Int32) {
        guard !pipeline.stop.isSet else { return }
        pipeline.stop.set()
        notifier?.notify("STOPPING=1")
        logger.notice("stopping: finishing the sends in flight", metadata: ["signal": "\(number)"])
        let grace = pipeline.config.daemon.shutdownGraceSeconds
        signalQueue.asyncAfter(deadline: .now() + .seconds(grace)) { [logger] in
            logger.warning("in-flight sends did not finish within the grace period; exiting (they are re-sent with the same ids)",
                           metadata: ["grace.seconds": "\(grace)"])
            exit(0)
        }
        // After the pass that is running (if any): everything is flushed.
        queue.async { [logger] in
            logger.notice("stopped")
            exit(0)
        }
    }

    private func reload() {
        notifier?.notify("RELOADING=1")
        do {
            let config = try ConfigLoader.load(path: configPath)
            try pipeline.reload(config)
            logger.notice("configuration and templates reloaded", metadata: ["config": "\(configPath)"])
        } catch {
            logger.error("reload refused; still running on the previous configuration", metadata: ["error": "\(error)"])
        }
        notifier?.notify("READY=1")
        pass(reason: "reload")
    }

    private func startWatchdog(every interval: TimeInterval) {
        let source = DispatchSource.makeTimerSource(queue: queue)
        source.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(50))
        source.setEventHandler { [notifier] in notifier?.notify("WATCHDOG=1") }
        source.resume()
        sources.append(source)
    }

    /// Coalesces a burst of inbox events into one pass.
    private func schedulePass() {
        guard !passScheduled else { return }
        passScheduled = true
        queue.async { [self] in
            passScheduled = false
            pass(reason: "inbox")
        }
    }

    private func pass(reason: String) {
        guard !pipeline.stop.isSet else { return }
        do {
            let result = try pipeline.cycle(skipping: watcher?.beingWritten ?? [])
            timer.arm(at: result.nextWake)
            notifier?.notify("STATUS=\(pipeline.lastStatus)")
            logger.debug("next wake-up armed", metadata: [
                "pass.reason": "\(reason)", "plan.next": "\(result.nextWake.map(Timestamp.format) ?? "none")",
            ])
        } catch {
            // The spool could not be written (disk full, permissions): try
            // again soon rather than exit and lose the timer.
            let retry = Pipeline.failureRetrySeconds
            logger.error("pipeline pass failed; retrying in \(Int(retry)) s", metadata: ["error": "\(error)"])
            notifier?.notify("STATUS=last pass failed: \(error)".replacingOccurrences(of: "\n", with: " "))
            timer.arm(at: pipeline.clock.now().addingTimeInterval(retry))
        }
    }
}
