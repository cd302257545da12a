import Dispatch
import Foundation
import Logging
import OverdueConfig
import OverdueCore
import OverdueSpool
import OverdueTransports
import ServiceLifecycle

/// The feedback mailbox as a `Service` of the daemon's group: read every
/// `[feedback] poll_seconds` on a queue of its own, so a slow or
/// unreachable IMAP server never holds up a send. A reload (SIGHUP) hands it
/// the new configuration (`reload`); the group's graceful shutdown stops it.
final class FeedbackService: Service, @unchecked Sendable {
    // @unchecked: `poller` is touched only on `queue`.
    private let queue = DispatchQueue(label: "overdue.feedback.control")
    private let lookup: FeedbackLookup & Sendable
    private let spool: Spool
    private let clock: OverdueClock
    private let logger: Logger
    private var poller: FeedbackPoller?
    private var config: Config

    init(config: Config, lookup: FeedbackLookup & Sendable, spool: Spool, clock: OverdueClock, logger: Logger) {
        self.config = config
        self.lookup = lookup
        self.spool = spool
        self.clock = clock
        self.logger = logger
    }

    func run() async throws {
        queue.async { self.start(self.config) }
        // Until SIGTERM/SIGINT (or the pipeline's end) shuts the group down.
        try? await gracefulShutdown()
        queue.async {
            self.poller?.stop()
            self.poller = nil
        }
    }

    /// The configuration changed (SIGHUP): the reader starts again with it.
    func reload(_ config: Config) {
        queue.async {
            self.config = config
            self.start(config)
        }
    }

    /// On `queue`: (re)starts the poller for `config`; none without `[feedback]`.
    private func start(_ config: Config) {
        poller?.stop()
        poller = nil
        guard let settings = config.feedback else { return }
        do {
            let reader = try FeedbackReader(config: config, spool: spool, logger: logger, clock: clock)
            let started = FeedbackPoller(reader: reader, lookup: lookup, spool: spool, pollSeconds: settings.pollSeconds, logger: logger)
            started.start()
            poller = started
        } catch {
            logger.error("cannot read the feedback mailbox; bounces and replies wait", metadata: ["error.detail": "\(error)"])
        }
    }
}

/// One configuration's mailbox reader on its own queue. After a failure the
/// next try backs off (doubling, at most an hour), and `run/feedback.json`
/// says how the mailbox stands for `overdue status`.
final class FeedbackPoller: @unchecked Sendable {
    // @unchecked: every mutable field is touched only on `queue`.
    private let queue = DispatchQueue(label: "overdue.feedback")
    private let reader: FeedbackReader
    private let lookup: FeedbackLookup & Sendable
    private let statusFile: URL
    private let pollSeconds: Int
    private let logger: Logger
    private var failures = 0
    private var timer: DispatchSourceTimer?
    private var totals = FeedbackReader.Summary()
    private var stopped = false

    init(reader: FeedbackReader, lookup: FeedbackLookup & Sendable, spool: Spool, pollSeconds: Int, logger: Logger) {
        self.reader = reader
        self.lookup = lookup
        statusFile = FeedbackStatus.url(spool)
        self.pollSeconds = pollSeconds
        self.logger = logger
    }

    func start() { queue.async { self.schedule(after: 1) } }

    /// Asynchronous: a poll in progress may wait on the work queue behind a
    /// long pass, and stopping must not wait for it (it ends on its own).
    func stop() {
        queue.async {
            self.stopped = true
            self.timer?.cancel()
        }
    }

    private func schedule(after seconds: Double) {
        guard !stopped else { return }
        timer?.cancel()
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + seconds)
        timer.setEventHandler { [unowned self] in self.poll() }
        timer.resume()
        self.timer = timer
    }

    private func poll() {
        guard !stopped else { return }
        let started = Date()
        var status = FeedbackStatus(lastPoll: started)
        do {
            let summary = try reader.poll(lookup: lookup)
            failures = 0
            totals.read += summary.read
            totals.matched += summary.matched
            totals.unmatched += summary.unmatched
            totals.skipped += summary.skipped
            totals.forwarded += summary.forwarded
            status.lastSuccess = started
            if summary.read + summary.skipped > 0 {
                logger.info("feedback mailbox read", metadata: ["feedback.read": "\(summary.read)", "feedback.unmatched": "\(summary.unmatched)"])
            }
        } catch {
            failures += 1
            status.error = IMAPMailbox.explain(error, credentialsFile: reader.settings.credentialsFile)
            logger.warning("feedback mailbox unreachable; trying again later",
                           metadata: ["error.detail": "\(status.error ?? "")", "feedback.failures": "\(failures)"])
        }
        let delay = failures == 0 ? Double(pollSeconds) : min(3600, Double(pollSeconds) * pow(2, Double(min(failures, 12) - 1)))
        status.failures = failures
        status.nextPoll = started.addingTimeInterval(delay)
        status.read = totals.read
        status.unmatched = totals.unmatched
        if let previous = FeedbackStatus.read(statusFile), status.lastSuccess == nil { status.lastSuccess = previous.lastSuccess }
        try? status.write(to: statusFile)
        schedule(after: delay)
    }
}
