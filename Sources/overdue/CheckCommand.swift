import ArgumentParser
import OverdueDaemon

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the configuration and the files it names; exit non-zero on any problem."
    )

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let config = try global.loadConfig()
        let findings = ConfigCheck.run(config)
        for note in findings.notes { print("note: \(note)") }
        for problem in findings.problems { printError(CommandFailure(code: "config-invalid", problem)) }
        if !findings.problems.isEmpty { throw ExitCode(1) }
        print(ConfigCheck.summary(config))
    }
}
