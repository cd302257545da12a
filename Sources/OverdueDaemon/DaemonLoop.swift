import Dispatch
import Foundation
import Logging
import OverdueConfig
import OverdueCore
import OverdueSpool

/// The long-running daemon: one pipeline pass at start (which also picks up
/// files dropped while it was down), then one per inbox change and per
/// wake-up of its single timer. Everything runs on one serial queue; there
/// is no polling loop.
public final class DaemonLoop: @unchecked Sendable {
    private let queue = DispatchQueue(label: "overdue.daemon")
    private let pipeline: Pipeline
    private let logger: Logger
    private var timer: WakeTimer!
    private var watcher: InboxWatcher?
    private var signals: [DispatchSourceSignal] = []
    private var passScheduled = false

    public init(config: Config, clock: OverdueClock, logger: Logger) throws {
        pipeline = try Pipeline(config: config, clock: clock, logger: logger)
        self.logger = logger
        timer = WakeTimer(queue: queue, clock: clock) { [unowned self] in self.pass(reason: "timer") }
    }

    /// Starts and never returns; SIGTERM or SIGINT end the process with 0.
    public func run() -> Never {
        queue.async { [self] in
            do {
                watcher = try InboxWatcher(directory: pipeline.spool.inbox, queue: queue) { [unowned self] in
                    self.schedulePass()
                }
            } catch {
                logger.critical("cannot start", metadata: ["error": "\(error)"])
                exit(1)
            }
            for signalNumber in [SIGTERM, SIGINT] {
                signal(signalNumber, SIG_IGN)  // handled by the Dispatch source instead
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
                source.setEventHandler { [unowned self] in
                    // Passes run on this queue, so none is half-done here.
                    self.logger.notice("stopping", metadata: ["signal": "\(signalNumber)"])
                    exit(0)
                }
                source.resume()
                signals.append(source)
            }
            logger.notice("started", metadata: ["spool": "\(pipeline.spool.root.path)"])
            pass(reason: "start")
        }
        dispatchMain()
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
        do {
            let result = try pipeline.cycle()
            timer.arm(at: result.nextWake)
            logger.debug("next wake-up armed", metadata: [
                "pass.reason": "\(reason)", "plan.next": "\(result.nextWake.map(Timestamp.format) ?? "none")",
            ])
        } catch {
            // The spool could not be written (disk full, permissions): try
            // again in a minute rather than exit and lose the timer.
            logger.error("pipeline pass failed; retrying in 60 s", metadata: ["error": "\(error)"])
            timer.arm(at: Date().addingTimeInterval(60))
        }
    }
}
