import Foundation
import OverdueCalendar
import OverdueConfig
import OverdueCore
import Testing

@Suite("Configuration: the reference file loads, mistakes are named")
struct ConfigLoaderTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples")

    @Test("the installed config is refused until the brand is the operator's own, naming both keys")
    func installedPlaceholder() throws {
        let path = Self.examples.deletingLastPathComponent().appendingPathComponent("systemd/overdue.toml").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        do {
            _ = try ConfigLoader.parse(text, path: "/etc/overdue/overdue.toml")
            Issue.record("the placeholder brand was accepted")
        } catch {
            #expect("\(error)".contains("brand.name: is still the installed placeholder"), "\(error)")
            #expect("\(error)".contains("brand.from: is still the installed placeholder"), "\(error)")
        }
        let mine = text.replacingOccurrences(of: "CHANGE ME <accounts@example.invalid>", with: "Acme <ar@acme.example>")
            .replacingOccurrences(of: "\"CHANGE ME\"", with: "\"Acme Ltd\"")
        let config = try ConfigLoader.parse(mine, path: "/etc/overdue/overdue.toml")
        #expect(config.brand.name == "Acme Ltd" && config.policies.count == 1)
    }

    @Test("the installed template and the reference example name every setting the loader reads, each in its section",
          arguments: ["systemd/overdue.toml", "examples/reference.toml"])
    func templateListsEverySetting(file: String) throws {
        let path = Self.examples.deletingLastPathComponent().appendingPathComponent(file).path
        let template = try String(contentsOfFile: path, encoding: .utf8)
        // Every commented setting and section, switched on.
        let full = template.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.wholeMatch(of: /# (\[.*|[a-z_]+ = .*)/).map { String($0.1) } ?? String(line)
        }.joined(separator: "\n")
        let asked = try ConfigLoader.keysRead(full)
        #expect(asked.count > 60, "\(asked.count) keys asked: \(asked.sorted())")
        // The text of each [section] (a [[policy]] block holds its stages).
        var blocks: [String: String] = [:]
        var current = ""
        for line in full.split(separator: "\n") {
            if let header = line.wholeMatch(of: /\[\[?([a-z_.]+)\]\]?.*/) {
                current = String(header.1)
                continue
            }
            blocks[current, default: ""] += line + "\n"
        }
        var missing: [String] = []
        for key in asked.sorted() {
            var parts = key.split(separator: ".").map(String.init)
            let leaf = parts.removeLast()
            // The innermost section the key lives in ("policy" for "policy.stages.fee").
            var section = parts.joined(separator: ".")
            while blocks[section] == nil, !section.isEmpty { section = section.split(separator: ".").dropLast().joined(separator: ".") }
            let text = blocks[section] ?? ""
            let isSection = blocks.keys.contains { $0 == key || $0.hasPrefix(key + ".") }
            if text.firstMatch(of: try Regex("(^|[\\s{,])\(leaf) =")) == nil, !isSection { missing.append(key) }
        }
        #expect(missing.isEmpty, "settings the loader reads that \(file) does not show: \(missing)")
    }

    @Test("the reference configuration (examples/reference.toml) loads unchanged")
    func reference() throws {
        let config = try ConfigLoader.load(path: Self.examples.appendingPathComponent("reference.toml").path)
        #expect(config.spool.dir == "/var/lib/overdue")
        #expect(config.brand.name == "Northwind Supplies Ltd")
        #expect(config.schedule.timezone == "Europe/London")
        #expect(config.schedule.businessHours == BusinessHours("09:00-17:00"))
        #expect(config.schedule.businessDays.count == 5)
        #expect(config.schedule.holidays.contains(CalendarDate(iso: "2026-12-28")!))
        #expect(config.schedule.minGapDays == 3)
        #expect(config.policies.map(\.name) == ["standard"])
        #expect(config.policies[0].stages.map(\.offsetDays) == [-3, 1, 8, 15])
        #expect(config.policies[0].stages[3].final)
        #expect(config.policies[0].stages[2].channels == [.email, .sms])
        #expect(config.email?.starttls == .required)
        #expect(config.sms?.gateway == .twilio)
        #expect(config.webhook?.secretFile == "/etc/overdue/webhook.secret")
    }

    @Test("the bundled example configuration loads")
    func example() throws {
        let config = try ConfigLoader.load(path: Self.examples.appendingPathComponent("overdue.toml").path)
        #expect(config.email == nil)  // embedded default: Maildir
        #expect(config.spool.dir.hasSuffix("examples/spool"))
    }

    func problems(_ text: String) -> [ConfigProblem] {
        do {
            _ = try ConfigLoader.parse(text, path: "/etc/overdue/test.toml")
            return []
        } catch {
            return error.problems
        }
    }

    @Test("mistakes name the file, the key and what is expected", arguments: [
        ("[schedule]\ntimezne = \"Europe/London\"\n", "schedule.timezne", "not a known setting"),
        ("[schedule]\nmin_gap_days = \"three\"\n", "schedule.min_gap_days", "expected a number of days"),
        ("[schedule]\ntimezone = \"Europe/Londn\"\n", "schedule.timezone", "IANA"),
        ("[schedule]\nbusiness_hours = \"17:00-09:00\"\n", "schedule.business_hours", "HH:MM-HH:MM"),
        ("[schedule]\nbusiness_hours = \"9-17\"\n", "schedule.business_hours", "HH:MM-HH:MM"),
        ("[brand]\nname = \"X\"\n", "brand.from", "is missing"),
        ("[[policy]]\nname = \"p\"\nstages = [{ name = \"a\", channels = [\"email\"] }]\n", "policy[1].stages[1].offset_days", "is missing"),
        ("[[policy]]\nname = \"p\"\nstages = [{ name = \"a\", offset_days = 1, channels = [\"fax\"] }]\n", "policy[1].stages[1].channels[1]", "not a channel"),
        ("[channels.email]\nurl = \"http://x\"\n", "channels.email.url", "not an SMTP URL"),
        ("[channels.webhook]\nurl = \"https://x.example/h\"\n", "channels.webhook.secret_file", "is missing"),
        ("[schedule]\nholidays = [\"2026-02-30\"]\n", "schedule.holidays[1]", "not a date"),
        ("[spool]\ndir = 5\n", "spool.dir", "is an integer; expected"),
        ("[retention]\nlog_days = 0\n", "retention.log_days", "days from 1 to 36500"),
        ("[retention]\nmail_days = \"90\"\n", "retention.mail_days", "expected days from 1 to 36500"),
        ("[retention]\njournal_days = 30\n", "retention.journal_days", "not a known setting"),
    ])
    func mistake(text: String, key: String, hint: String) {
        let found = problems(text)
        #expect(found.contains { $0.key == key && $0.problem.contains(hint) && $0.file == "/etc/overdue/test.toml" }, "got \(found)")
    }

    @Test("a TOML syntax error gives the line")
    func syntax() {
        let found = problems("[schedule\ntimezone = 1\n")
        #expect(found.first?.problem.contains("line 1") == true)
    }

    @Test("all problems are reported at once")
    func several() {
        let found = problems("[schedule]\ntimezone = \"Nowhere\"\nbusiness_hours = \"late\"\nfoo = 1\n")
        #expect(found.count == 3)
        #expect(found.map(\.description).allSatisfy { $0.hasPrefix("/etc/overdue/test.toml: schedule.") })
    }

    @Test("[retention]: each period read, a key left out keeps its files for ever")
    func retention() throws {
        let config = try ConfigLoader.parse("[retention]\nlog_days = 400\nrejected_days = 90\n", path: "/etc/overdue/test.toml")
        #expect(config.retention.logDays == 400 && config.retention.rejectedDays == 90)
        #expect(config.retention.messagesDays == nil && config.retention.mailDays == nil && config.retention.archiveDays == nil)
        #expect(try ConfigLoader.parse("", path: "/etc/overdue/test.toml").retention.isEmpty)
    }

    @Test("relative paths are taken from the config file's directory")
    func relative() throws {
        let config = try ConfigLoader.parse("[spool]\ndir = \"spool\"\n", path: "/srv/acme/overdue.toml")
        #expect(config.spool.dir == "/srv/acme/spool")
    }
}
