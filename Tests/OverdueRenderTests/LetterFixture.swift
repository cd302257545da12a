import Foundation
import OverdueCalendar
import OverdueConfig
import OverdueCore
@testable import OverdueRender

/// A consolidated letter as the planner now makes it: two demanded units
/// (installment 2 of INV-1 with a payment link, INV-2 without one), their
/// charges computed once as the planner does, and INV-3, not yet due,
/// listed apart.
enum LetterFixture {
    static let today = CalendarDate(iso: "2027-03-26")!
    static let stages = ["courtesy", "overdue", "firm", "final", "thanks", "broken_promise"]
    static let languages = ["en", "de", "fr", "es", "it", "nl", "pl", "pt"]

    static let brand = Brand(name: "Northwind Supplies Ltd", from: "Northwind Accounts <accounts@northwind.example>",
                             replyTo: "ar@northwind.example", phone: "+44 20 7946 0000", website: "https://northwind.example",
                             color: "#0B5FFF", unsubscribeURL: "https://northwind.example/optout", language: "en")
    /// Only what a brand must have.
    static let bareBrand = Brand(name: "Northwind Supplies Ltd", from: "accounts@northwind.example")

    static let policy = Policy(name: "standard", stages: [
        Stage(name: "courtesy", offsetDays: -3, channels: [.email], template: "courtesy", final: false),
        Stage(name: "overdue", offsetDays: 1, channels: [.email], template: "overdue", final: false),
        Stage(name: "firm", offsetDays: 8, channels: [.email, .sms], template: "firm", final: false, fee: 10),
        Stage(name: "final", offsetDays: 15, channels: [.email, .webhook], template: "final", final: true),
        Stage(name: "thanks", offsetDays: 90, channels: [.email], template: "thanks", final: false),
        Stage(name: "broken_promise", offsetDays: 1, channels: [.email], template: "broken_promise", final: false),
    ], consequence: ["en": "we will pass the matter to our collection agency",
                     "de": "übergeben wir die Forderung unserem Inkassobüro",
                     "fr": "nous transmettrons le dossier à notre société de recouvrement",
                     "es": "cederemos el expediente a nuestra agencia de recobro",
                     "it": "affideremo la pratica alla nostra società di recupero crediti",
                     "nl": "dragen wij de vordering over aan ons incassobureau",
                     "pl": "przekażemy sprawę firmie windykacyjnej",
                     "pt": "entregaremos o processo à nossa empresa de cobranças"],
    finalDeadlineDays: 7, interestRatePercent: Decimal(string: "12.15"), compensation: 40)

    /// No fees, no interest, no consequence.
    static let barePolicy = Policy(name: "bare", stages: policy.stages.map { stage in
        var plain = stage
        plain.fee = nil
        return plain
    })

    /// Each reader where the language is at home: an English one in Dublin
    /// (en-IE: "9 March 2027", "€2,165.02"), a German one in Berlin, …
    static let zones = ["en": "Europe/Dublin", "de": "Europe/Berlin", "fr": "Europe/Paris", "es": "Europe/Madrid",
                        "it": "Europe/Rome", "nl": "Europe/Amsterdam", "pl": "Europe/Warsaw", "pt": "Europe/Lisbon"]

    static func customer(language: String) -> Customer {
        let zone = zones[language] ?? "Europe/Berlin"
        return Customer(id: "acme", name: "Acme GmbH", email: "ap@acme.example", phone: "+4915112345678", contact: nil,
                        language: language, timezone: zone)
    }

    static func request(stage: String, channel: Channel, language: String, policy: Policy = policy, links: Bool = true,
                        earlier: Bool = true) -> RenderRequest {
        let customer = customer(language: language)
        let stageInfo = policy.stages.first { $0.name == stage }!
        var invoices: [String: Invoice] = [:]
        let due1 = CalendarDate(iso: "2027-03-01")!
        let due2 = CalendarDate(iso: "2027-03-10")!
        let due3 = CalendarDate(iso: "2027-04-15")!
        invoices["INV-1"] = Invoice(id: "INV-1", customer: customer, issued: due1.adding(days: -60), due: due1, currency: "EUR",
                                    amount: 2400, balance: 1200, paymentURL: links ? "https://pay.example/INV-1" : nil)
        invoices["INV-2"] = Invoice(id: "INV-2", customer: customer, issued: due2.adding(days: -30), due: due2, currency: "EUR",
                                    amount: Decimal(string: "850.50")!, balance: Decimal(string: "850.50")!)
        invoices["INV-3"] = Invoice(id: "INV-3", customer: customer, issued: today, due: due3, currency: "EUR",
                                    amount: Decimal(string: "99.99")!, balance: Decimal(string: "99.99")!,
                                    paymentURL: links ? "https://pay.example/INV-3" : nil)
        func item(_ invoice: String, _ installment: Int?, _ amount: Decimal, _ due: CalendarDate, stage: String) -> PlannedItem {
            var item = PlannedItem(item: ReminderItem(invoice: invoice, installment: installment, stage: stage),
                                   stageOffsetDays: stageInfo.offsetDays, final: stageInfo.final, amount: amount,
                                   currency: "EUR", due: due, daysOverdue: due.days(until: today))
            // As the planner does: charges once per item, and none before
            // the due date (courtesy) or on a receipt (thanks).
            if ["overdue", "firm", "final"].contains(stage) {
                item.charges = LateCharges.compute(policy: policy, stage: stage, amount: amount, currency: "EUR", due: due, today: today)
            }
            return item
        }
        let items = [item("INV-1", 2, 1200, due1, stage: stage), item("INV-2", nil, Decimal(string: "850.50")!, due2, stage: stage)]
        var send = PlannedSend(time: Date(), customer: "acme", customerName: customer.name, channel: channel,
                               recipient: channel == .sms ? "+4915112345678" : "ap@acme.example", stage: stage,
                               final: stageInfo.final, policy: policy.name, timeZone: customer.timezone!, items: items, key: "od1-test")
        send.alsoOpen = [item("INV-3", nil, Decimal(string: "99.99")!, due3, stage: "")]
        if stageInfo.final { send.deadline = CalendarDate(iso: "2027-04-02")! }
        if stage == PlannerSettings.brokenPromiseStage {
            send.promise = PromiseTerms(date: CalendarDate(iso: "2027-03-20")!, amount: 600)
            send.deadline = CalendarDate(iso: "2027-04-02")!
        }
        let reminders = [EarlierReminder(date: CalendarDate(iso: "2027-03-09")!, stage: "overdue", channel: .email),
                         EarlierReminder(date: CalendarDate(iso: "2027-03-16")!, stage: "firm", channel: .sms)]
        return RenderRequest(send: send, customer: customer, invoices: invoices, policy: policy,
                             earlier: earlier ? reminders : [], today: today)
    }

    /// Every part a stage renders: subject, text and HTML of the e-mail, the SMS.
    static func parts(_ renderer: ReminderRenderer, stage: String, language: String, policy: Policy = policy, links: Bool = true,
                      earlier: Bool = true) throws -> [(name: String, text: String)] {
        let mail = try renderer.render(request(stage: stage, channel: .email, language: language, policy: policy, links: links, earlier: earlier))
        let sms = try renderer.render(request(stage: stage, channel: .sms, language: language, policy: policy, links: links, earlier: earlier))
        return [("\(language)/\(stage).subject", mail.subject ?? ""), ("\(language)/\(stage).text", mail.text ?? ""),
                ("\(language)/\(stage).html", mail.html ?? ""), ("\(language)/\(stage).sms", sms.sms?.text ?? "")]
    }

    /// The words a reader reads: no tags, entities, links, addresses or
    /// proper names (the brand and debtor names are English or German
    /// whatever the letter's language).
    static func prose(_ text: String) -> String {
        var text = text
        for pattern in [#"<[^>]*>"#, #"&[a-z]+;"#, #"https?://\S+"#, #"mailto:\S+"#, #"[\w.+-]+@[\w.-]+"#] {
            text = text.replacingOccurrences(of: pattern, with: " ", options: .regularExpression)
        }
        for name in ["Northwind Supplies Ltd", "Northwind Accounts", "Acme GmbH"] {
            text = text.replacingOccurrences(of: name, with: " ")
        }
        return text
    }
}
