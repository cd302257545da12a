import ArgumentParser
import Foundation
import OverdueCore
import OverdueConfig
import OverdueDaemon
import OverdueSpool

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the pipeline: ingest the inbox, then plan and send what is due.",
        discussion: """
            Without --once: the daemon. It reads the inbox at start and whenever a file is moved in \
            or closed after writing, sleeps on one timer until the next reminder is due, and stops \
            on SIGTERM or SIGINT. With --once: one pass (ingest, plan, send what is due) and exit. \
            Only one process may own a spool at a time.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Do one pass and exit.")
    var once = false

    @Option(help: ArgumentHelp("Act as if the clock read this instant (ISO 8601, e.g. 2026-12-02T10:00:00Z), then advance normally. This SENDS what is due then (for tests); to rehearse, add --dry-run.",
                               valueName: "instant"))
    var now: String?

    @Flag(name: .customLong("dry-run"), help: "With --once: show what the pass would send, each message built, and send or write nothing.")
    var dryRun = false

    func validate() throws {
        if let now, Timestamp.parse(now) == nil {
            throw ValidationError("--now \"\(now)\" is not an ISO 8601 instant; write e.g. 2026-12-02T10:00:00Z or 2026-12-02")
        }
        if dryRun, !once { throw ValidationError("--dry-run needs --once (the daemon has no rehearsal mode)") }
    }

    func run() throws {
        let config = try global.loadConfig()
        let logger = global.makeLogger()
        let clock = now.flatMap(Timestamp.parse).map(OverdueClock.starting(at:)) ?? .system
        do {
            try SpoolOwnership.adopt(spoolDirectory: config.spool.dir)
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
        if dryRun {
            try rehearse(config: config, at: now.flatMap(Timestamp.parse) ?? Date())
            return
        }
        if !once {
            do {
                try DaemonLoop(config: config, configPath: global.configPath, clock: clock, logger: logger).run()
            } catch {
                printError("\(error)")
                throw ExitCode(1)
            }
        }
        do {
            let result = try Daemon.runOnce(config: config, clock: clock, logger: logger)
            let ingest = result.ingest
            print("ingested \(ingest.files) file(s): \(ingest.accepted) record(s) accepted, \(ingest.rejected) rejected"
                + (ingest.duplicateFiles > 0 ? ", \(ingest.duplicateFiles) duplicate file(s) archived" : "")
                + "; \(result.openInvoices) open invoice(s) in \(config.spool.dir)")
            print("sent \(result.dispatch.sent) message(s), \(result.dispatch.deferred) deferred")
            print("next: \(result.nextWake.map(Timestamp.format) ?? "nothing planned")")
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
    }

    /// Prints what the pass would send; sends and writes nothing.
    func rehearse(config: Config, at instant: Date) throws {
        let rehearsal: Rehearsal
        do {
            rehearsal = try Rehearsal(config: config, now: instant)
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
        print("dry run at \(Timestamp.format(instant)): nothing is sent or written"
            + (rehearsal.inboxFiles > 0 ? "; \(rehearsal.inboxFiles) inbox file(s) read as the pass would" : ""))
        for line in rehearsal.lines {
            let what = "\(line.send.stage) \(line.send.channel.rawValue) to \(line.send.recipient) for \(line.send.customer): \(line.send.invoices.joined(separator: ", "))"
            print(line.problem.map { "would defer \(what): \($0)" } ?? "would send \(what) (\(line.bytes) bytes, key \(line.send.key))")
        }
        for send in rehearsal.suppressed {
            print("would suppress \(send.stage) \(send.channel.rawValue) for \(send.customer): \(send.skipReason ?? "")")
        }
        print("would send \(rehearsal.lines.filter { $0.problem == nil }.count) message(s)")
        print("next: \(rehearsal.nextWake.map(Timestamp.format) ?? "nothing planned")")
    }
}
