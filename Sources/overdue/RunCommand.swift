import ArgumentParser
import Foundation
import OverdueCore
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

    @Option(help: ArgumentHelp("Act as if the clock read this instant (ISO 8601, e.g. 2026-12-02T10:00:00Z), then advance normally.",
                               valueName: "instant"))
    var now: String?

    func validate() throws {
        if let now, Timestamp.parse(now) == nil {
            throw ValidationError("--now \"\(now)\" is not an ISO 8601 instant; write e.g. 2026-12-02T10:00:00Z or 2026-12-02")
        }
    }

    func run() throws {
        let config = try global.loadConfig()
        let logger = global.makeLogger()
        let clock = now.flatMap(Timestamp.parse).map(OverdueClock.starting(at:)) ?? .system
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
}
