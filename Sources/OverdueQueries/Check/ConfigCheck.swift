import Foundation
import OverdueConfig
import OverdueCore
import OverdueRender
import OverdueTransports

/// `overdue check`: what is wrong with a loaded configuration and the files
/// it names (each problem naming the config file, the key and the fix), and
/// notes on settings that are valid but do nothing.
public enum ConfigCheck {
    public struct Findings: Sendable {
        public var problems: [String] = []
        public var notes: [String] = []
    }

    public static func run(_ config: Config) -> Findings {
        var findings = Findings()
        let files: [(String, String?)] = [
            ("channels.email.credentials_file", config.email?.credentialsFile),
            ("channels.email.ca_file", config.email?.caFile),
            ("channels.sms.credentials_file", config.sms?.credentialsFile),
            ("channels.webhook.secret_file", config.webhook?.secretFile),
            ("feedback.credentials_file", config.feedback?.credentialsFile),
            ("feedback.ca_file", config.feedback?.caFile),
        ]
        for (key, path) in files {
            guard let path else { continue }
            if !FileManager.default.isReadableFile(atPath: Credentials.path(path)) {
                findings.problems.append("\(config.sourcePath): \(key): \(path) is missing or not readable by this user; create it (mode 0600) or fix the path")
            } else if !key.hasSuffix("ca_file") {
                do { _ = try Credentials.secret(from: path, key: key) } catch { findings.problems.append("\(config.sourcePath): \(error)") }
            }
        }
        if let templates = config.brand.templates, !FileManager.default.fileExists(atPath: templates) {
            findings.problems.append("\(config.sourcePath): brand.templates: directory \(templates) does not exist; create it or remove the key to use the bundled templates")
        }
        let spoolParent = URL(fileURLWithPath: config.spool.dir).deletingLastPathComponent().path
        if !FileManager.default.fileExists(atPath: config.spool.dir), !FileManager.default.isWritableFile(atPath: spoolParent) {
            findings.problems.append("\(config.sourcePath): spool.dir: \(config.spool.dir) does not exist and \(spoolParent) is not writable; create it for the daemon's user")
        }
        do {
            let templates = try TemplateSet(userDirectory: config.brand.templates)
            findings.problems += TemplateCheck.problems(templates: templates, config: config).map(\.description)
        } catch {
            findings.problems += error.problems.map(\.description)
        }
        for (index, policy) in config.policies.enumerated() {
            for stage in policy.stages {
                for channel in stage.channels where !config.enabledChannels.contains(channel) {
                    findings.notes.append("policy[\(index + 1)] \"\(policy.name)\" stage \"\(stage.name)\" uses \(channel.rawValue), which has no [channels.\(channel.rawValue)] section, so that channel is off")
                }
            }
        }
        let languages = languageFindings(config)
        findings.problems += languages.problems
        findings.notes += languages.notes
        findings.notes += consumerNotes(config)
        findings.notes += rateTableNotes(config, today: Planner.today(at: Date(), schedule: config.plannerSettings.schedule))
        return findings
    }

    /// `overdue check`: the notes, then the summary if nothing is wrong, else
    /// each problem as a failure.
    public static func output(_ config: Config) -> CommandOutput {
        let findings = run(config)
        return CommandOutput(lines: findings.notes.map { "note: \($0)" } + (findings.problems.isEmpty ? [summary(config)] : []),
                             failures: findings.problems.map { CommandFailure(code: .configInvalid, $0) })
    }

    /// The one-line summary of a configuration that passed.
    public static func summary(_ config: Config) -> String {
        let count = config.policies.count
        let mail = config.email.map { "via \(URLLabel.redacted($0.url))" } ?? "to the Maildir \(config.spool.dir)/mail"
        return "\(config.sourcePath): OK (\(count) polic\(count == 1 ? "y" : "ies"), spool \(config.spool.dir), e-mail \(mail))"
    }
}
