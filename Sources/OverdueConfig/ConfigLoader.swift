import Foundation
import OverdueCalendar
import OverdueCore
import TOMLKit

/// TOML → `Config`, collecting every problem with its file and key.
public enum ConfigLoader {
    /// Where the config is looked for when `--config` is not given.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        environment["OVERDUE_CONFIG"] ?? "/etc/overdue/overdue.toml"
    }

    public static func load(path: String) throws(ConfigError) -> Config {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason = FileManager.default.fileExists(atPath: path)
                ? "cannot be read as UTF-8 text (\(error.localizedDescription)); check its permissions and encoding"
                : "does not exist; pass --config FILE, set OVERDUE_CONFIG, or install one (scripts/install.sh writes /etc/overdue/overdue.toml from systemd/overdue.toml; examples/overdue.toml is a complete example)"
            throw ConfigError(problems: [ConfigProblem(file: path, key: "", problem: reason)])
        }
        return try parse(text, path: path)
    }

    /// Relative paths in the file (spool dir, credentials, templates) are
    /// taken relative to the directory of the config file, as nginx does with
    /// its prefix, so an example directory can be moved around whole.
    public static func parse(_ text: String, path: String) throws(ConfigError) -> Config {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(problems: [ConfigProblem(
                file: path, key: "", problem: "line \(error.source.begin.line), column \(error.source.begin.column): \(error.description)")])
        } catch {
            throw ConfigError(problems: [ConfigProblem(file: path, key: "", problem: "is not valid TOML: \(error)")])
        }
        var problems: [ConfigProblem] = []
        let reporter = ConfigReporter { key, problem in problems.append(ConfigProblem(file: path, key: key, problem: problem)) }
        let config = read(table, path: path, reporter: reporter, text: text)
        if !problems.isEmpty { throw ConfigError(problems: problems) }
        return config
    }

    private static func read(_ table: TOMLTable, path: String, reporter: ConfigReporter, text: String = "") -> Config {
        let base = path.isEmpty ? FileManager.default.currentDirectoryPath
            : URL(fileURLWithPath: path).deletingLastPathComponent().path
        return ConfigSections(root: TableReader(table, path: "", report: reporter), base: base, sourcePath: path, text: text).read()
    }

    /// Every key the loader asks for in this text's sections ("channels.sms.from",
    /// "policy.stages.fee"), valid or not: the loader's own list of settings,
    /// against which `systemd/overdue.toml` is tested.
    public static func keysRead(_ text: String) throws -> Set<String> {
        let reporter = ConfigReporter { _, _ in }
        _ = read(try TOMLTable(string: text), path: "", reporter: reporter)
        return reporter.asked
    }
}

/// Reads each section; one method per `[section]` (the controls' keys in
/// ConfigLoader+Controls.swift).
struct ConfigSections {
    let root: TableReader
    let base: String
    let sourcePath: String
    /// The file's text, to name the line of a key in errors about the files it names.
    var text = ""

    /// A bare file name stays bare: it is looked up in $CREDENTIALS_DIRECTORY
    /// (systemd's LoadCredential=) when the secret is read.
    func resolveCredential(_ path: String) -> String { path.contains("/") ? resolve(path) : path }

    func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : URL(fileURLWithPath: base).appendingPathComponent(path).standardizedFileURL.path
    }

    func read() -> Config {
        let spool = readSpool()
        let inbox = readInbox()
        let brand = readBrand()
        let schedule = readSchedule()
        let policies = readPolicies()
        var email: EmailChannel?
        var sms: SMSChannel?
        var webhook: WebhookChannel?
        if let channels = root.table("channels") {
            email = channels.table("email").map(readEmail)
            sms = channels.table("sms").map(readSMS)
            webhook = channels.table("webhook").map(readWebhook)
            channels.finish()
        }
        var daemon = DaemonSettings()
        if let table = root.table("daemon") {
            daemon.shutdownGraceSeconds = table.int("shutdown_grace_seconds", default: 30, range: 1...3600,
                                                    expected: "seconds from 1 to 3600")
            daemon.retryFirstSeconds = table.int("retry_first_seconds", default: 300, range: 1...86_400, expected: "seconds from 1 to 86400")
            daemon.retryMaxSeconds = table.int("retry_max_seconds", default: 3600, range: 1...604_800, expected: "seconds from 1 to 604800")
            daemon.metricsFile = table.string("metrics_file", expected: "a file path ending in .prom").map(resolve)
            daemon.retryLifetimeHours = table.int("retry_lifetime_hours", default: 120, range: 1...2160, expected: "hours from 1 to 2160")
            table.finish()
        }
        var handoff = HandoffSettings()
        if let table = root.table("handoff") {
            handoff.afterFinalDays = table.int("after_final_days", default: 14, range: 0...3650, expected: "days from 0 to 3650")
            handoff.agency = table.string("agency", expected: "the collection agency's name")
            table.finish()
        }
        let feedback = root.table("feedback").map(readFeedback)
        let retention = root.table("retention").map(readRetention) ?? RetentionSettings()
        let charges = readCharges()
        root.finish()
        var config = Config(sourcePath: sourcePath, spool: spool, inbox: inbox, brand: brand, schedule: schedule,
                            policies: policies, email: email, sms: sms, webhook: webhook)
        config.daemon = daemon
        config.handoff = handoff
        config.feedback = feedback
        config.retention = retention
        (config.referenceRates, config.referenceRatesFile) = charges
        return config
    }

    func readSpool() -> SpoolSettings {
        let fallback = ProcessInfo.processInfo.environment["STATE_DIRECTORY"] ?? "/var/lib/overdue"
        guard let table = root.table("spool") else { return SpoolSettings(dir: fallback) }
        defer { table.finish() }
        let dir = table.string("dir", expected: "a directory path such as \"/var/lib/overdue\"") {
            $0.isEmpty ? "is empty; expected a directory path" : nil
        }
        return SpoolSettings(dir: dir.map(resolve) ?? fallback)
    }

    func readInbox() -> InboxSettings {
        guard let table = root.table("inbox") else { return InboxSettings(maxFileBytes: InboxSettings.defaultMaxFileBytes) }
        defer { table.finish() }
        let megabytes = table.int("max_file_mb", default: InboxSettings.defaultMaxFileBytes >> 20, range: 1...4096,
                                  expected: "a size in MiB from 1 to 4096")
        return InboxSettings(maxFileBytes: megabytes << 20)
    }

    func readBrand() -> Brand {
        guard let table = root.table("brand") else {
            return Brand(name: "overdue", from: "overdue <overdue@localhost>")
        }
        defer { table.finish() }
        let text: (String) -> String? = { FieldRules.text($0) }
        // The installed config's placeholders: nothing goes out in nobody's name.
        let placeholder: (String) -> String? = { value in
            value.contains("CHANGE ME") || value.hasSuffix("@example.invalid>") || value.hasSuffix("@example.invalid")
                ? "is still the installed placeholder \"\(value)\"; set your company's own before overdue writes to anyone" : nil
        }
        let name = table.string("name", required: true, expected: "your company name, e.g. \"Northwind Supplies Ltd\"",
                                check: { text($0) ?? placeholder($0) })
        let from = table.string("from", required: true, expected: "a From address such as \"Accounts <accounts@example.com>\"",
                                check: { Self.mailbox($0) ?? placeholder($0) })
        var brand = Brand(
            name: name ?? "", from: from ?? "",
            replyTo: table.string("reply_to", expected: "an e-mail address", check: FieldRules.email),
            phone: table.string("phone", check: text),
            website: table.string("website", expected: "an http(s) URL", check: FieldRules.url),
            logoURL: table.string("logo_url", expected: "an http(s) URL", check: FieldRules.url),
            color: table.string("color", expected: "a colour such as \"#0B5FFF\"") { value in
                value.count == 7 && value.hasPrefix("#") && value.dropFirst().allSatisfy(\.isHexDigit)
                    ? nil : "\"\(value)\" is not a colour; expected \"#RRGGBB\" such as \"#0B5FFF\""
            },
            address: table.string("address", check: { FieldRules.text($0, maxLength: 300) }),
            unsubscribeURL: table.string("unsubscribe_url", expected: "an http(s) URL", check: FieldRules.url),
            templates: table.string("templates", expected: "a directory path").map(resolve),
            language: table.string("language", expected: "a language tag such as \"en-GB\" or \"de\"", check: FieldRules.language))
        let languages = TemplateLanguages.available(userDirectory: brand.templates)
        brand.fallbackLanguage = table.string("fallback_language", expected: "a language with templates, such as \"en\"") { value in
            languages.contains(value.lowercased()) ? nil
                : "\"\(value)\" has no templates; use one of \(languages.sorted().joined(separator: ", ")), or add a folder \(value)/ to [brand] templates"
        }?.lowercased()
        brand.bank = readBankAccount(table, brandName: brand.name)
        return brand
    }

    /// "Name <addr@example>" or a bare address.
    static func mailbox(_ value: String) -> String? {
        if let open = value.lastIndex(of: "<"), value.hasSuffix(">") {
            let address = String(value[value.index(after: open)..<value.index(before: value.endIndex)])
            return FieldRules.email(address) ?? FieldRules.text(String(value[..<open]).isEmpty ? "x" : String(value[..<open]))
        }
        return FieldRules.email(value)
    }

    func readSchedule() -> Schedule {
        var schedule = Schedule(timezone: "UTC", businessHours: BusinessHours("09:00-17:00")!,
                                businessDays: [.mon, .tue, .wed, .thu, .fri], holidays: [], minGapDays: 3, defaultTermsDays: 30)
        guard let table = root.table("schedule") else { return schedule }
        defer { table.finish() }
        if let zone = table.string("timezone", expected: "an IANA timezone such as \"Europe/London\"", check: FieldRules.timezone) {
            schedule.timezone = zone
        }
        if let hours = table.string("business_hours", expected: "a time range \"HH:MM-HH:MM\" such as \"09:00-17:00\"", check: {
            BusinessHours($0) == nil ? "\"\($0)\" is not a time range; expected \"HH:MM-HH:MM\" with the end after the start, such as \"09:00-17:00\"" : nil
        }) {
            schedule.businessHours = BusinessHours(hours)!
        }
        if let days = table.array("business_days", expected: "a list of day names such as [\"mon\", \"tue\"]", element: { item, key -> Weekday? in
            guard let name = item.string, let day = Weekday(name: name) else {
                table.report(key, "is not a day; use mon, tue, wed, thu, fri, sat or sun")
                return nil
            }
            return day
        }) {
            if days.isEmpty { table.report(table.key("business_days"), "is empty; at least one business day is needed") }
            schedule.businessDays = Set(days)
        }
        if let holidays = table.array("holidays", expected: "a list of dates such as [\"2026-12-25\"]", element: { item, key -> CalendarDate? in
            if let date = item.date, let day = CalendarDate(year: date.year, month: date.month, day: date.day) { return day }
            guard let text = item.string, let day = CalendarDate(iso: text) else {
                table.report(key, "is not a date; write it as \"YYYY-MM-DD\"")
                return nil
            }
            return day
        }) {
            schedule.holidays = Set(holidays)
        }
        schedule.minGapDays = table.int("min_gap_days", default: 3, range: 0...365, expected: "a number of days from 0 to 365")
        schedule.thankAfterPayment = table.bool("thank_after_payment", default: false)
        schedule.defaultTermsDays = table.int("default_terms_days", default: 30, range: 0...365, expected: "a number of days from 0 to 365")
        schedule.replyPauseDays = table.int("reply_pause_days", default: 5, range: 0...60, expected: "business days from 0 to 60")
        readScheduleControls(table, into: &schedule)
        return schedule
    }

    static let defaultPolicy = Policy(name: "standard", stages: [
        Stage(name: "courtesy", offsetDays: -3, channels: [.email], template: "courtesy", final: false),
        Stage(name: "overdue", offsetDays: 1, channels: [.email], template: "overdue", final: false),
        Stage(name: "firm", offsetDays: 8, channels: [.email, .sms], template: "firm", final: false),
        Stage(name: "final", offsetDays: 15, channels: [.email, .webhook], template: "final", final: true),
    ])

    func readPolicies() -> [Policy] {
        guard root.has("policy") else { return [Self.defaultPolicy] }
        let policies = root.array("policy", expected: "an array of tables ([[policy]])") { item, key -> Policy? in
            guard let table = item.table else {
                root.report(key, "is \(TableReader.describe(item.type)); expected a [[policy]] table")
                return nil
            }
            return readPolicy(TableReader(table, path: key, report: root.report))
        } ?? []
        var seen: Set<String> = []
        for (index, policy) in policies.enumerated() where !seen.insert(policy.name).inserted {
            root.report("policy[\(index + 1)].name", "\"\(policy.name)\" is used by an earlier policy; names must be unique")
        }
        return policies.isEmpty ? [Self.defaultPolicy] : policies
    }

    func readPolicy(_ table: TableReader) -> Policy? {
        defer { table.finish() }
        let name = table.string("name", required: true, expected: "a policy name such as \"standard\"", check: FieldRules.identifier)
        // A policy-wide `fallback` applies to stages that name none.
        let policyFallback = channelList(table, "fallback", expected: "a list such as [\"sms\", \"email\"]") ?? []
        let stages = table.array("stages", required: true, expected: "a list of stages") { item, key -> Stage? in
            guard let inner = item.table else {
                table.report(key, "is \(TableReader.describe(item.type)); expected { name = \"…\", offset_days = N, channels = [\"email\"] }")
                return nil
            }
            return readStage(TableReader(inner, path: key, report: table.report), policyFallback: policyFallback)
        } ?? []
        if table.has("stages"), stages.isEmpty { table.report(table.key("stages"), "is empty; a policy needs at least one stage") }
        for pair in zip(stages, stages.dropFirst()) where pair.1.offsetDays <= pair.0.offsetDays {
            table.report(table.key("stages"), "stage \"\(pair.1.name)\" (offset \(pair.1.offsetDays)) must come after \"\(pair.0.name)\" (offset \(pair.0.offsetDays)); list stages in order of offset_days")
        }
        let consequence = table.localizedText("consequence", expected: "a sentence such as \"we will pass the matter to our collection agency\"",
                                              check: { FieldRules.text($0, maxLength: 300) })
        let deadline = table.int("final_deadline_days", default: 7, range: 1...90, expected: "days from 1 to 90")
        let rate = table.decimal("interest_rate", expected: "a yearly rate in percent such as \"12.15\"")
        let compensation = table.decimal("compensation", expected: "an amount such as \"40.00\"")
        let appliesTo = table.array("applies_to", expected: "a list such as [\"EU\"] or [\"DE\", \"AT\"]") { item, key -> [String]? in
            guard let code = item.string else {
                table.report(key, "is \(TableReader.describe(item.type)); expected \"EU\" or a country code such as \"DE\"")
                return nil
            }
            if code == "EU" { return Array(Policy.euCountries) }
            if let problem = FieldRules.country(code) {
                table.report(key, problem + ", or \"EU\" for the member states")
                return nil
            }
            return [code]
        }
        var policy = Policy(name: name ?? "", stages: stages, consequence: consequence, finalDeadlineDays: deadline,
                            interestRatePercent: rate, compensation: compensation,
                            statutoryCountries: appliesTo.map { Set($0.joined()) })
        readPolicyControls(table, into: &policy)
        readPolicyCharges(table, into: &policy)
        return name == nil ? nil : policy
    }

    /// A list of channel names such as ["email", "sms"], each checked.
    func channelList(_ table: TableReader, _ name: String, required: Bool = false, expected: String) -> [Channel]? {
        table.array(name, required: required, expected: expected) { item, key -> Channel? in
            guard let text = item.string, let channel = Channel(rawValue: text) else {
                table.report(key, "is not a channel; use \"email\", \"sms\" or \"webhook\"")
                return nil
            }
            return channel
        }
    }

    func readStage(_ table: TableReader, policyFallback: [Channel]) -> Stage? {
        defer { table.finish() }
        let name = table.string("name", required: true, expected: "a stage name such as \"overdue\"", check: FieldRules.identifier)
        let offsetGiven = table.has("offset_days")
        let offset = table.int("offset_days", default: 0, range: -365...3650, expected: "whole days from the due date (negative = before), -365 to 3650")
        if !offsetGiven { table.report(table.key("offset_days"), "is missing; expected whole days from the due date, e.g. -3 or 8") }
        let channels = channelList(table, "channels", required: true, expected: "a list such as [\"email\", \"sms\"]") ?? []
        let template = table.string("template", expected: "a template name", check: FieldRules.identifier)
        let final = table.bool("final", default: false)
        let fee = table.decimal("fee", expected: "a flat late fee such as \"10.00\"")
        let fallback = channelList(table, "fallback", expected: "a list such as [\"sms\", \"webhook\"]") ?? policyFallback
        let label = table.localizedText("label", expected: "how letters name the stage, such as \"second reminder\"",
                                        check: { FieldRules.text($0, maxLength: 60) })
        let approve = table.bool("approve", default: false)
        guard let name, offsetGiven else { return nil }
        return Stage(name: name, offsetDays: offset, channels: channels, template: template ?? name, final: final, fee: fee,
                     fallback: fallback, label: label, approve: approve)
    }

}
