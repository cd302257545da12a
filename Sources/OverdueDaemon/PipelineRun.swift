import Dispatch
import Foundation
import Logging
import OverdueConfig
import OverdueCore
import OverdueQueries
import OverdueSpool
import ServiceLifecycle

/// `overdue run` in its three forms: the daemon (the pipeline's passes, the
/// feedback mailbox and the ledger snapshots as services in one
/// `ServiceGroup`), one pass (`--once`), and the rehearsal of one pass
/// (`--once --dry-run`). Each takes the spool as its owner first, so no
/// file in it gets another owner.
public enum PipelineRun {
    public enum Mode: Sendable {
        /// Runs until SIGTERM or SIGINT, then returns.
        case daemon(configPath: String)
        case once
        /// What one pass would send; sends and writes nothing.
        case rehearsal
    }

    /// `now` sets the clock's start (it then advances normally); nil is the system clock.
    public static func run(_ mode: Mode, config: Config, now: Date?, logger: Logger,
                           environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> CommandOutput {
        let clock = now.map(OverdueClock.starting(at:)) ?? .system
        try SpoolOwnership.adopt(spoolDirectory: config.spool.dir)
        switch mode {
        case .daemon(let configPath):
            try await daemon(config: config, configPath: configPath, clock: clock, logger: logger, environment: environment)
            return CommandOutput()
        case .once:
            let result = try once(config: config, clock: clock, logger: logger)
            let ingest = result.ingest
            return CommandOutput(lines: [
                "ingested \(ingest.files) file(s): \(ingest.accepted) record(s) accepted, \(ingest.rejected) rejected"
                    + (ingest.duplicateFiles > 0 ? ", \(ingest.duplicateFiles) duplicate file(s) archived" : "")
                    + "; \(result.openInvoices) open invoice(s) in \(config.spool.dir)",
                "sent \(result.dispatch.sent) message(s), \(result.dispatch.deferred) deferred",
                "next: \(result.nextWake.map(Timestamp.format) ?? "nothing planned")",
            ])
        case .rehearsal:
            return try rehearse(config: config, at: now ?? Date())
        }
    }

    /// One pass of the pipeline, for `run --once`.
    public static func once(config: Config, clock: OverdueClock, logger: Logger) throws -> RunOnceResult {
        let pipeline = try Pipeline(config: config, clock: clock, logger: logger)
        _ = pipeline.pollFeedbackOnce()
        let result = try pipeline.pass()
        // The next start then decodes the snapshot instead of replaying the whole journal.
        LedgerSnapshotting(spool: pipeline.spool, logger: logger).afterPass(pipeline.snapshotSource, wait: true)
        return result
    }

    /// The daemon: its services in one group. SIGTERM and SIGINT are the
    /// group's graceful shutdown (the passes finish their sends in flight
    /// first, then the mailbox reader stops, then a snapshot being written
    /// is finished); SIGHUP is the pipeline service's reload.
    static func daemon(config: Config, configPath: String, clock: OverdueClock, logger: Logger,
                       environment: [String: String]) async throws {
        signal(SIGHUP, SIG_IGN)  // until the pipeline service hears it: loading a large ledger takes a while
        let services = try DaemonServices(config: config, configPath: configPath, clock: clock, logger: logger, environment: environment)
        // Shut down in reverse order: the passes first, the snapshots last.
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [
                .init(service: services.snapshots, serviceName: "snapshots"),
                .init(service: services.feedback, serviceName: "feedback"),
                .init(service: services.passes, successTerminationBehavior: .gracefullyShutdownGroup,
                      failureTerminationBehavior: .gracefullyShutdownGroup, serviceName: "pipeline"),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    /// The lines of `run --once --dry-run`: each message the pass would send
    /// or defer (and why), the suppressed ones, the count and the next wake.
    static func rehearse(config: Config, at instant: Date) throws -> CommandOutput {
        let rehearsal = try Rehearsal(config: config, now: instant)
        var output = CommandOutput(lines: [
            "dry run at \(Timestamp.format(instant)): nothing is sent or written"
                + (rehearsal.inboxFiles > 0 ? "; \(rehearsal.inboxFiles) inbox file(s) read as the pass would" : ""),
        ])
        for line in rehearsal.lines {
            let what = "\(line.send.stage) \(line.send.channel.rawValue) to \(line.send.recipient) for \(line.send.customer): \(line.send.invoices.joined(separator: ", "))"
            output.append(line.problem.map { "would defer \(what): \($0)" } ?? "would send \(what) (\(line.bytes) bytes, key \(line.send.key))")
        }
        for send in rehearsal.suppressed {
            output.append("would suppress \(send.stage) \(send.channel.rawValue) for \(send.customer): \(send.skipReason ?? "")")
        }
        for (send, until) in rehearsal.waiting {
            output.append("waits \(send.stage) \(send.channel.rawValue) for \(send.customer): tried before, next attempt \(Timestamp.format(until)) (key \(send.key))")
        }
        output.append("would send \(rehearsal.lines.filter { $0.problem == nil }.count) message(s)")
        output.append("next: \(rehearsal.nextWake.map(Timestamp.format) ?? "nothing planned")")
        return output
    }
}

/// The daemon's services over one pipeline (which takes the spool's lock):
/// the passes, the feedback mailbox reader and the ledger snapshots. Tests
/// make them with their own work queue, wake-up timer and event observer.
struct DaemonServices {
    let pipeline: Pipeline
    let passes: PipelineService
    let feedback: FeedbackService
    let snapshots: LedgerSnapshotting

    init(config: Config, configPath: String, clock: OverdueClock, logger: Logger, environment: [String: String],
         work: DispatchQueue = DispatchQueue(label: "overdue.work"), wakeScheduler: PipelineService.WakeSchedulerFactory? = nil,
         observer: (@Sendable (PipelineService.Event) -> Void)? = nil) throws {
        pipeline = try Pipeline(config: config, clock: clock, logger: logger)
        snapshots = LedgerSnapshotting(spool: pipeline.spool, logger: logger, environment: environment)
        feedback = FeedbackService(config: config, lookup: WorkQueueLookup(pipeline: pipeline, work: work), spool: pipeline.spool,
                                   clock: clock, logger: logger)
        passes = PipelineService(pipeline: pipeline, work: work, snapshots: snapshots, feedback: feedback, configPath: configPath,
                                 logger: logger, environment: environment, wakeScheduler: wakeScheduler, observer: observer)
    }
}
