import ArgumentParser
import Foundation
import OverdueConfig
import OverdueCore
import OverdueRender
import OverdueTransports

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the configuration and the files it names; exit non-zero on any problem."
    )

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let config = try global.loadConfig()
        var problems: [String] = []
        let files: [(String, String?)] = [
            ("channels.email.credentials_file", config.email?.credentialsFile),
            ("channels.email.ca_file", config.email?.caFile),
            ("channels.sms.credentials_file", config.sms?.credentialsFile),
            ("channels.webhook.secret_file", config.webhook?.secretFile),
        ]
        for (key, path) in files {
            guard let path else { continue }
            if !FileManager.default.isReadableFile(atPath: Credentials.path(path)) {
                problems.append("\(config.sourcePath): \(key): \(path) is missing or not readable by this user; create it (mode 0600) or fix the path")
            }
        }
        if let templates = config.brand.templates, !FileManager.default.fileExists(atPath: templates) {
            problems.append("\(config.sourcePath): brand.templates: directory \(templates) does not exist; create it or remove the key to use the bundled templates")
        }
        let spoolParent = URL(fileURLWithPath: config.spool.dir).deletingLastPathComponent().path
        if !FileManager.default.fileExists(atPath: config.spool.dir), !FileManager.default.isWritableFile(atPath: spoolParent) {
            problems.append("\(config.sourcePath): spool.dir: \(config.spool.dir) does not exist and \(spoolParent) is not writable; create it for the daemon's user")
        }
        do {
            let templates = try TemplateSet(userDirectory: config.brand.templates)
            problems += TemplateCheck.problems(templates: templates, config: config).map(\.description)
        } catch {
            problems += error.problems.map(\.description)
        }
        for (index, policy) in config.policies.enumerated() {
            for stage in policy.stages {
                for channel in stage.channels where !Self.isConfigured(channel.rawValue, config) {
                    print("note: policy[\(index + 1)] \"\(policy.name)\" stage \"\(stage.name)\" uses \(channel.rawValue), which has no [channels.\(channel.rawValue)] section, so that channel is off")
                }
            }
        }
        for problem in problems { printError(problem) }
        if !problems.isEmpty { throw ExitCode(1) }
        print("\(config.sourcePath): OK (\(config.policies.count) polic\(config.policies.count == 1 ? "y" : "ies"), spool \(config.spool.dir), e-mail \(config.email == nil ? "to the Maildir \(config.spool.dir)/mail" : "via \(config.email!.url)"))")
    }

    static func isConfigured(_ channel: String, _ config: Config) -> Bool {
        Channel(rawValue: channel).map(config.enabledChannels.contains) ?? false
    }
}
