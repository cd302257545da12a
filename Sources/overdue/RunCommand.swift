import ArgumentParser
import Foundation
import OverdueCore
import OverdueDaemon
import OverdueQueries
import OverdueSpool

struct RunCommand: AsyncParsableCommand {
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

    func run() async throws {
        let config = try global.loadConfig()
        let mode: PipelineRun.Mode = dryRun ? .rehearsal : once ? .once : .daemon(configPath: global.configPath)
        let logger = global.makeLogger()
        let output: CommandOutput
        do {
            output = try await PipelineRun.run(mode, config: config, now: now.flatMap(Timestamp.parse), logger: logger)
        } catch {
            output = try exitOnFailure { throw error }
        }
        try emit { output }
    }
}
