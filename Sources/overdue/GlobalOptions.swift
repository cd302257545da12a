import ArgumentParser
import Foundation
import Logging
import OverdueConfig
import OverdueCore
import OverdueDaemon
import OverdueSpool

/// Options every subcommand takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The configuration file (default: $OVERDUE_CONFIG, else /etc/overdue/overdue.toml).", valueName: "file"))
    var config: String?

    @Option(name: .long, help: "Log level on stderr: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    var configPath: String { config ?? ConfigLoader.defaultPath() }

    /// Loads the config or prints each problem and exits 1.
    func loadConfig() throws -> Config {
        // A damaged or outdated ledger snapshot is logged by every command
        // that reads the ledger (all of them load the config first).
        LedgerSnapshotting.reportProblems(to: makeLogger())
        do {
            return try ConfigLoader.load(path: configPath)
        } catch {
            printError(error)
            throw ExitCode(1)
        }
    }

    func makeLogger() -> Logger {
        LoggingSetup.bootstrapOnce()
        var logger = Logger(label: "overdue")
        logger.logLevel = logLevel
        return logger
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

enum LoggingSetup {
    private static let once: Void = {
        if ProcessInfo.processInfo.environment["JOURNAL_STREAM"] != nil {
            LoggingSystem.bootstrap { label in JournalLogHandler(label: label) }
        } else {
            LoggingSystem.bootstrap { label in StreamLogHandler.standardError(label: label) }
        }
    }()

    static func bootstrapOnce() { once }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data("overdue: \(message)\n".utf8))
}

/// Prints an error the way the CLI always does: `overdue: error[CODE]: …`
/// for an `OverdueError` (a line for each line of it), else `overdue: …`.
func printError(_ error: any Error) {
    guard let error = error as? any OverdueError else { return printError("\(error)") }
    for line in error.errorLines { printError(line) }
}

/// `--now`: the instant a view is computed for (default: the clock), so a
/// spool planned with `run --now` is read as of the same time.
struct InstantOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Compute as of this instant (ISO 8601); default now.", valueName: "instant"))
    var now: String?

    func validate() throws {
        if let now, Timestamp.parse(now) == nil { throw ValidationError("--now \"\(now)\" is not an ISO 8601 instant") }
    }

    var instant: Date { now.flatMap(Timestamp.parse) ?? Date() }
}
