import Foundation
import OverdueConfig
import OverdueCore

/// What `overdue check` and the daemon's start verify about templates:
/// they parse, use only documented variables, exist for every stage and
/// channel in use, render valid webhook JSON, and fit SMS into the
/// configured number of segments (rendered with a sample debtor).
public enum TemplateCheck {
    public static func problems(templates: TemplateSet, config: Config) -> [TemplateProblem] {
        var problems = templates.unknownNames()
        guard problems.isEmpty else { return problems }
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
        return TemplateSet.unique(problems)
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
            items.append(PlannedItem(item: ReminderItem(invoice: id, installment: nil, stage: stage.name),
                                     stageOffsetDays: stage.offsetDays, final: stage.final, amount: value, currency: "EUR",
                                     due: due, daysOverdue: due.days(until: today)))
        }
        let send = PlannedSend(time: Date(timeIntervalSince1970: 0), customer: customer.id, customerName: customer.name,
                               channel: channel, recipient: channel == .sms ? customer.phone! : customer.email!,
                               stage: stage.name, final: stage.final, policy: policy.name, timeZone: "Europe/London",
                               items: items, key: "od1-sample")
        let earlier = stage.final
            ? [EarlierReminder(date: today.adding(days: -14), stage: "overdue", channel: .email),
               EarlierReminder(date: today.adding(days: -7), stage: "firm", channel: .sms)]
            : []
        return RenderRequest(send: send, customer: customer, invoices: invoices, policy: policy, earlier: earlier, today: today)
    }
}
