import Foundation
import Logging
import OverdueConfig
import OverdueCore
import OverdueQueries
import OverdueSpool

/// `overdue run` in its three forms: the daemon, one pass (`--once`), and
/// the rehearsal of one pass (`--once --dry-run`). Each takes the spool as
/// its owner first, so no file in it gets another owner.
public enum PipelineRun {
    public enum Mode: Sendable {
        /// Runs until SIGTERM or SIGINT; does not return.
        case daemon(configPath: String)
        case once
        /// What one pass would send; sends and writes nothing.
        case rehearsal
    }

    /// `now` sets the clock's start (it then advances normally); nil is the system clock.
    public static func run(_ mode: Mode, config: Config, now: Date?, logger: Logger) throws -> CommandOutput {
        let clock = now.map(OverdueClock.starting(at:)) ?? .system
        try SpoolOwnership.adopt(spoolDirectory: config.spool.dir)
        switch mode {
        case .daemon(let configPath):
            try DaemonLoop(config: config, configPath: configPath, clock: clock, logger: logger).run()
        case .once:
            let result = try Daemon.runOnce(config: config, clock: clock, logger: logger)
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
