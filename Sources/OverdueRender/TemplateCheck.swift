import Foundation
import OverdueCalendar
import OverdueConfig
import OverdueCore

/// What `overdue check` and the daemon's start verify about templates:
/// they parse, use only documented variables, exist for every stage and
/// channel in use, render valid webhook JSON, and fit SMS into the
/// configured number of segments (rendered with a sample debtor).
public enum TemplateCheck {
    public static func problems(templates: TemplateSet, config: Config) -> [TemplateProblem] {
        let texts = policyTextProblems(config: config, languages: textLanguages(config: config, available: templates.availableLanguages))
        var problems = templates.unknownNames()
        guard problems.isEmpty else { return TemplateSet.unique(problems + texts) }
        let maxSegments = config.sms?.maxSegments ?? 3
        let renderer = ReminderRenderer(templates: templates, brand: config.brand, maxSMSSegments: 10)
        for policy in config.policies {
            for stage in policy.stages {
                for channel in stage.channels {
                    for language in templates.availableLanguages.sorted() {
                        let parts: [String] = switch channel {
                        case .email: ["subject", "text", "html"]
                        case .sms: ["sms"]
                        case .webhook: ["webhook"]
                        case .call: []  // nothing is rendered for a call
                        }
                        guard !parts.isEmpty else { continue }
                        let missing = parts.filter { !templates.has("\(stage.template).\($0)", language: language) }
                        if !missing.isEmpty {
                            problems.append(TemplateProblem(
                                file: "\(language)/\(stage.template).\(missing[0]).mustache", line: 0,
                                problem: "missing: policy \"\(policy.name)\" stage \"\(stage.name)\" sends \(channel.rawValue) but there is no template for it; add the file to [brand].templates or set the stage's template to one that exists"))
                            continue
                        }
                        let request = SampleMessage.request(policy: policy, stage: stage, channel: channel, language: language)
                        do {
                            let message = try renderer.render(request)
                            if let sms = message.sms, sms.segments > maxSegments {
                                problems.append(TemplateProblem(
                                    file: templates.file(of: "\(stage.template).sms", language: language), line: 1,
                                    problem: "renders \(sms.segments) SMS segments (\(sms.encoding.rawValue)) for a sample debtor with three invoices; [channels.sms].max_segments is \(maxSegments): shorten the text"))
                            }
                        } catch {
                            problems.append(TemplateProblem(file: templates.file(of: "\(stage.template).\(parts[0])", language: language),
                                                            line: 1, problem: "\(error)"))
                        }
                    }
                }
            }
        }
        return TemplateSet.unique(problems + texts)
    }

    /// The languages policy texts must be complete in: the brand's and
    /// every language any consequence or stage label is written in. A
    /// language the texts never name uses its templates' own sentence and
    /// the built-in stage names, so eight bundled languages do not oblige
    /// a config written for three to be rewritten.
    static func textLanguages(config: Config, available: Set<String>) -> Set<String> {
        var named: Set<String> = [ReminderContext.primary(config.brand.language) ?? "en"]
        for policy in config.policies {
            named.formUnion(policy.consequence.keys)
            for stage in policy.stages { named.formUnion(stage.label.keys) }
        }
        return named.intersection(available)
    }

    /// Policy texts that a letter in some served language would lack: a
    /// letter never mixes languages, so a consequence or a custom stage's
    /// label given only in English would leave French letters with the
    /// template's generic sentence or the word "rappel". A plain string
    /// serves only the brand's language.
    public static func policyTextProblems(config: Config, languages: Set<String>) -> [TemplateProblem] {
        let brandLanguage = ReminderContext.primary(config.brand.language) ?? "en"
        let file = config.sourcePath.isEmpty ? "overdue.toml" : config.sourcePath
        let lines = ConfigLines(path: config.sourcePath)
        var problems: [TemplateProblem] = []
        func missing(_ text: LocalizedText) -> [String] {
            languages.sorted().filter { text.text(for: $0, fallbackLanguage: brandLanguage) == nil }
        }
        func example(_ key: String) -> String {
            "write \(key) = { " + languages.sorted().map { "\($0) = \"…\"" }.joined(separator: ", ") + " }"
        }
        for (index, policy) in config.policies.enumerated() {
            if policy.stages.contains(where: \.final), !policy.consequence.isEmpty {
                for language in missing(policy.consequence) {
                    problems.append(TemplateProblem(file: file, line: lines.line(ofKey: "consequence", inPolicy: index), problem:
                        "policy \"\(policy.name)\": consequence has no text for \"\(language)\"; \(example("consequence"))"))
                }
            }
            // Only messages the debtor reads (e-mail, SMS) are cited in later
            // letters; a call or webhook stage needs no label.
            let cited: (Stage) -> Bool = { !Set($0.channels + $0.fallback).isDisjoint(with: [.email, .sms]) }
            for stage in policy.stages where LetterWords.stageLabels[stage.name] == nil && cited(stage) {
                for language in missing(stage.label) {
                    problems.append(TemplateProblem(file: file, line: lines.line(ofStage: stage.name, inPolicy: index), problem:
                        "policy \"\(policy.name)\" stage \"\(stage.name)\": label has no text for \"\(language)\"; \(example("label"))"))
                }
            }
        }
        return problems
    }
}

/// A sample message used to try templates: a debtor with three overdue
/// invoices, long-ish names, a payment link and earlier reminders.
public enum SampleMessage {
    public static func request(policy: Policy, stage: Stage, channel: Channel, language: String) -> RenderRequest {
        let today = CalendarDate(iso: "2027-03-26")!
        let customer = Customer(id: "sample", name: "Sample Trading Company Ltd", email: "accounts@sample.example",
                                phone: "+447700900123", contact: "Alex Example", language: language, timezone: "Europe/London")
        var invoices: [String: Invoice] = [:]
        var items: [PlannedItem] = []
        for (index, amount) in ["1200.00", "850.50", "99.99"].enumerated() {
            let id = "INV-2027-00\(index + 41)"
            let due = today.adding(days: -stage.offsetDays - index)
            let value = Decimal(string: amount)!
            invoices[id] = Invoice(id: id, customer: customer, issued: due.adding(days: -30), due: due, currency: "EUR",
                                   amount: value, balance: value, paymentURL: "https://pay.example/\(id)")
            var item = PlannedItem(item: ReminderItem(invoice: id, installment: nil, stage: stage.name),
                                   stageOffsetDays: stage.offsetDays, final: stage.final, amount: value, currency: "EUR",
                                   due: due, daysOverdue: due.days(until: today))
            item.charges = LateCharges.compute(policy: policy, stage: stage.name, amount: value, currency: "EUR", due: due, today: today)
            items.append(item)
        }
        // One more invoice, not yet due: listed apart, as the planner does.
        let later = today.adding(days: 20)
        invoices["INV-2027-0050"] = Invoice(id: "INV-2027-0050", customer: customer, issued: today, due: later, currency: "EUR",
                                            amount: 310, balance: 310)
        let alsoOpen = PlannedItem(item: ReminderItem(invoice: "INV-2027-0050", installment: nil, stage: ""), stageOffsetDays: 0,
                                   final: false, amount: 310, currency: "EUR", due: later, daysOverdue: -20)
        var send = PlannedSend(time: Date(timeIntervalSince1970: 0), customer: customer.id, customerName: customer.name,
                               channel: channel, recipient: channel == .sms ? customer.phone! : customer.email!,
                               stage: stage.name, final: stage.final, policy: policy.name, timeZone: "Europe/London",
                               items: items, key: "od1-sample")
        send.alsoOpen = [alsoOpen]
        if stage.final { send.deadline = today.adding(days: policy.finalDeadlineDays) }
        // The stages before this one, as if each had been sent by e-mail.
        let before = policy.stages.prefix { $0.name != stage.name }.filter { $0.offsetDays > 0 }.suffix(2)
        let earlier = before.enumerated().map { index, earlier in
            EarlierReminder(date: today.adding(days: -7 * (before.count - index)), stage: earlier.name, channel: .email)
        }
        return RenderRequest(send: send, customer: customer, invoices: invoices, policy: policy, earlier: earlier, today: today)
    }
}

/// Where a key of a `[[policy]]` stands in the config file, so a problem
/// found after loading still names its line (TOMLKit keeps no positions).
/// 0 when the file cannot be read or the key is not found as written.
struct ConfigLines {
    let lines: [Substring]

    init(path: String) {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// The lines of the `index`-th `[[policy]]` table: (first, end).
    private func policyRange(_ index: Int) -> Range<Int>? {
        let starts = lines.indices.filter { lines[$0].trimmingCharacters(in: .whitespaces) == "[[policy]]" }
        guard index < starts.count else { return nil }
        let end = lines.indices.dropFirst(starts[index] + 1).first { line in
            let text = lines[line].trimmingCharacters(in: .whitespaces)
            return text.hasPrefix("[") && !text.hasPrefix("[ ") && text.hasSuffix("]") && !text.contains("=")
        } ?? lines.count
        return starts[index]..<end
    }

    func line(ofKey key: String, inPolicy index: Int) -> Int {
        guard let range = policyRange(index) else { return 0 }
        return range.first { lines[$0].trimmingCharacters(in: .whitespaces).hasPrefix("\(key) ") || lines[$0].trimmingCharacters(in: .whitespaces).hasPrefix("\(key)=") }
            .map { $0 + 1 } ?? range.lowerBound + 1
    }

    func line(ofStage name: String, inPolicy index: Int) -> Int {
        guard let range = policyRange(index) else { return 0 }
        return range.first { lines[$0].contains("\"\(name)\"") }.map { $0 + 1 } ?? range.lowerBound + 1
    }
}
