import ArgumentParser
import OverdueQueries

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the configuration and the files it names; exit non-zero on any problem."
    )

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let config = try global.loadConfig()
        try emit { ConfigCheck.output(config) }
    }
}
