import Foundation
import OverdueCalendar
import OverdueConfig
import OverdueCore
@testable import OverdueRender
import Testing

@Suite("Rendering: every stage × channel × language for a debtor with three invoices")
struct RenderTests {
    static let templates = try! TemplateSet(userDirectory: nil)
    static let brand = Brand(name: "Northwind Supplies Ltd", from: "Northwind Accounts <accounts@northwind.example>",
                             replyTo: "ar@northwind.example", phone: "+44 20 7946 0000", website: "https://northwind.example",
                             color: "#0B5FFF", unsubscribeURL: "https://northwind.example/optout")
    static let policy = Policy(name: "standard", stages: [
        Stage(name: "courtesy", offsetDays: -3, channels: [.email], template: "courtesy", final: false),
        Stage(name: "overdue", offsetDays: 1, channels: [.email], template: "overdue", final: false),
        Stage(name: "firm", offsetDays: 8, channels: [.email, .sms], template: "firm", final: false, fee: 10),
        Stage(name: "final", offsetDays: 15, channels: [.email, .webhook], template: "final", final: true),
        Stage(name: "thanks", offsetDays: 90, channels: [.email], template: "thanks", final: false),
    ], consequence: ["en": "CONSEQUENCE-TEXT", "de": "CONSEQUENCE-TEXT", "fr": "CONSEQUENCE-TEXT"], finalDeadlineDays: 7, interestRatePercent: Decimal(string: "12.15"), compensation: 40)

    static func customer(language: String, name: String = "Acme GmbH") -> Customer {
        Customer(id: "acme", name: name, email: "ap@acme.example", phone: "+4915112345678", contact: nil,
                 language: language, timezone: ["en": "Europe/London", "fr": "Europe/Paris"][language] ?? "Europe/Berlin")
    }

    /// Three invoices of one debtor, due 2027-03-01, -05 and -08, one with a payment link.
    static func request(stage: String, channel: Channel, language: String, name: String = "Acme GmbH") -> RenderRequest {
        let today = CalendarDate(iso: "2027-03-26")!
        let dues = ["2027-03-01", "2027-03-05", "2027-03-08"].map { CalendarDate(iso: $0)! }
        let amounts = [Decimal(string: "1200.00")!, Decimal(string: "850.50")!, Decimal(string: "99.99")!]
        var invoices: [String: Invoice] = [:]
        var items: [PlannedItem] = []
        for index in 0..<3 {
            let id = "INV-\(index + 1)"
            invoices[id] = Invoice(id: id, customer: customer(language: language, name: name), issued: dues[index].adding(days: -30),
                                   due: dues[index], currency: "EUR", amount: amounts[index], balance: amounts[index],
                                   paymentURL: "https://pay.example/\(id)")
            let stageOffset = policy.stages.first { $0.name == stage }!.offsetDays
            var item = PlannedItem(item: ReminderItem(invoice: id, installment: nil, stage: stage), stageOffsetDays: stageOffset,
                                   final: stage == "final", amount: amounts[index], currency: "EUR", due: dues[index],
                                   daysOverdue: dues[index].days(until: today))
            // The planner computes the charges, once; the renderer only shows them.
            if stage != "thanks" && stage != "courtesy" {
                item.charges = LateCharges.compute(policy: policy, stage: stage, amount: amounts[index], currency: "EUR",
                                                   due: dues[index], today: today)
            }
            items.append(item)
        }
        var send = PlannedSend(time: Date(), customer: "acme", customerName: name, channel: channel, recipient: "ap@acme.example",
                               stage: stage, final: stage == "final", policy: "standard", timeZone: "Europe/Berlin",
                               items: items, key: "od1-test")
        if stage == "final" { send.deadline = CalendarDate(iso: "2027-04-02")! }
        let earlier = [EarlierReminder(date: CalendarDate(iso: "2027-03-09")!, stage: "overdue", channel: .email),
                       EarlierReminder(date: CalendarDate(iso: "2027-03-16")!, stage: "firm", channel: .sms)]
        return RenderRequest(send: send, customer: customer(language: language, name: name), invoices: invoices, policy: policy,
                             earlier: stage == "final" ? earlier : [], today: today)
    }

    static let cases: [(String, Channel, String)] = ["courtesy", "overdue", "firm", "final", "thanks"].flatMap { stage in
        [Channel.email, .sms, .webhook].flatMap { channel in ["en", "de", "fr"].map { (stage, channel, $0) } }
    }

    /// The locale's total, date and deadline texts (en: a debtor in London, en-GB).
    static let expectations: [String: (total: String, due: String, earlier: String, deadline: String)] = [
        "en": ("€2,150.49", "1 March 2027", "9 March 2027", "2 April 2027"),
        "de": ("2.150,49 €", "1. März 2027", "9. März 2027", "2. April 2027"),
        "fr": ("2 150,49 €", "1er mars 2027", "9 mars 2027", "2 avril 2027"),
    ]

    @Test("the content a reader needs", arguments: cases)
    func content(stage: String, channel: Channel, language: String) throws {
        let renderer = ReminderRenderer(templates: Self.templates, brand: Self.brand, maxSMSSegments: 10)
        let message = try renderer.render(Self.request(stage: stage, channel: channel, language: language))
        #expect(message.language == language)
        let expected = Self.expectations[language]!
        switch channel {
        case .email:
            let text = try #require(message.text)
            let html = try #require(message.html)
            let subject = try #require(message.subject)
            #expect(!subject.isEmpty && !subject.contains("\n"))
            for body in [text, html] {
                for number in ["INV-1", "INV-2", "INV-3"] { #expect(body.contains(number), "\(stage)/\(language): \(number)") }
                // Locales use no-break spaces (U+00A0, U+202F) inside amounts.
                let spaced = body.replacingOccurrences(of: "\u{202F}", with: " ").replacingOccurrences(of: "\u{A0}", with: " ")
                // A receipt lists what was paid, with no total owed, due dates or days overdue.
                if stage != "thanks" {
                    #expect(spaced.contains(expected.total), "\(stage)/\(language): total \(expected.total)")
                    #expect(body.contains(expected.due), "\(stage)/\(language): due date")
                } else {
                    #expect(!body.contains(expected.due), "\(language): a receipt with a due date")
                }
                // A receipt asks for nothing, so it has no "pay online" line.
                if stage != "thanks" { #expect(body.contains("https://pay.example/INV-1"), "\(stage)/\(language): payment link") }
                #expect(body.contains("ar@northwind.example"), "\(stage)/\(language): opt-out line")
                #expect(body.contains("Northwind Supplies Ltd"))
            }
            #expect(text.contains("https://northwind.example/optout"))
            #expect(!text.contains("{{") && !html.contains("{{"))
            #expect(!text.contains("\n\n\n"))
            if stage == "final" {
                for body in [text, html] {
                    #expect(body.contains(expected.earlier), "\(language): earlier reminder date")
                    #expect(body.contains(expected.deadline), "\(language): deadline")
                    #expect(body.contains("CONSEQUENCE-TEXT"))
                }
            }
            if stage == "firm" || stage == "final" {
                #expect(text.contains("40") && text.contains("12"), "late charges shown")
            }
        case .sms:
            let sms = try #require(message.sms)
            #expect(sms.text.contains("Northwind Supplies Ltd"))
            #expect(sms.text.contains("STOP"))
            #expect(!sms.text.contains("&"), "SMS is text, not HTML-escaped")
            #expect(sms.segments <= 3, "\(stage)/\(language): \(sms.segments) segments: \(sms.text)")
        case .webhook:
            let json = try JSONSerialization.jsonObject(with: Data(try #require(message.webhook).utf8)) as! [String: Any]
            #expect(json["stage"] as? String == stage)
            #expect((json["invoices"] as? [[String: Any]])?.map { $0["number"] as? String } == ["INV-1", "INV-2", "INV-3"])
            #expect((json["totals"] as? [[String: Any]])?.first?["amount"] as? String == "2150.49")
            #expect((json["customer"] as? [String: Any])?["id"] as? String == "acme")
        case .call:
            Issue.record("a call is not rendered from templates")
        }
    }

    @Test("a call stage gives the caller a sheet: who, the number, each invoice, earlier reminders")
    func callSheet() throws {
        let renderer = ReminderRenderer(templates: Self.templates, brand: Self.brand)
        let message = try renderer.render(Self.request(stage: "final", channel: .call, language: "de"))
        let sheet = try #require(message.text)
        #expect(message.subject == nil && message.html == nil && message.sms == nil && message.webhook == nil)
        for part in ["Call ", "(acme)", "INV-1", "INV-2", "INV-3", "https://pay.example/INV-1", "Reminded before:",
                     "overdue calls done acme"] {
            #expect(sheet.contains(part), "\(part) missing from\n\(sheet)")
        }
    }

    @Test("a hostile customer name is escaped in HTML, plain in text, and cannot add a header")
    func hostileName() throws {
        let name = "<script>alert(1)</script>\r\nBcc: x@y"
        let renderer = ReminderRenderer(templates: Self.templates, brand: Self.brand)
        // The contact person is greeted by name, so the same text is the contact too.
        var request = Self.request(stage: "overdue", channel: .email, language: "en", name: name)
        request.customer.contact = name
        let message = try renderer.render(request)
        let html = try #require(message.html)
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;"))
        #expect(!(message.subject ?? "").contains("\n") && !(message.subject ?? "").contains("\r"))
        let webhook = try renderer.render(Self.request(stage: "final", channel: .webhook, language: "en", name: name))
        let json = try JSONSerialization.jsonObject(with: Data(try #require(webhook.webhook).utf8)) as! [String: Any]
        #expect((json["customer"] as? [String: Any])?["name"] as? String == name)
    }

    @Test("SMS encodings and segment counts", arguments: [
        (String(repeating: "a", count: 160), SMSText.Encoding.gsm7, 1),
        (String(repeating: "a", count: 161), .gsm7, 2),
        (String(repeating: "a", count: 306), .gsm7, 2),
        (String(repeating: "a", count: 307), .gsm7, 3),
        ("Pay 12,00 € now" + String(repeating: "b", count: 144), .gsm7, 1),  // € counts 2: 160 septets
        ("Pay 12,00 € now" + String(repeating: "b", count: 145), .gsm7, 2),
        ("Győr Kft. " + String(repeating: "c", count: 60), .ucs2, 1),         // 70 UCS-2 units
        ("Győr Kft. " + String(repeating: "c", count: 61), .ucs2, 2),
        ("Győr Kft. " + String(repeating: "c", count: 124), .ucs2, 2),        // 134 = 2 × 67
        ("Győr Kft. " + String(repeating: "c", count: 125), .ucs2, 3),
    ])
    func segments(text: String, encoding: SMSText.Encoding, count: Int) {
        let sms = SMSText(text)
        #expect(sms.encoding == encoding)
        #expect(sms.segments == count)
    }

    @Test("an SMS over the maximum is shortened to fit")
    func shortened() {
        let long = SMSText(String(repeating: "word ", count: 200))
        let cut = long.shortened(toSegments: 2)
        #expect(cut.segments == 2)
        #expect(cut.text.hasSuffix("..."))
    }

    @Test("late charges: interest per day at the yearly rate, compensation, the stage fee")
    func lateCharges() {
        let charges = LateCharges.compute(policy: Self.policy, stage: "final", amount: Decimal(string: "1200.00")!, currency: "EUR",
                                          due: CalendarDate(iso: "2027-03-01")!, today: CalendarDate(iso: "2027-03-26")!)
        // 1200 × 12.15 % × 25 / 365 = 9.9863… → 9.99
        #expect(charges.interest == Decimal(string: "9.99"))
        #expect(charges.compensation == 40)
        #expect(charges.fee == 10)  // inherited from the firm stage
        let early = LateCharges.compute(policy: Self.policy, stage: "courtesy", amount: 100, currency: "EUR",
                                        due: CalendarDate(iso: "2027-03-30")!, today: CalendarDate(iso: "2027-03-26")!)
        #expect(early.isEmpty)
    }

    @Test("the bundled templates in the binary are exactly the files in templates/")
    func embeddedMatchFiles() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("templates")
        var files: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!
        for case let url as URL in enumerator where url.pathExtension == "mustache" {
            let name = String(url.path.dropFirst(root.path.count + 1).dropLast(".mustache".count))
            files[name] = try String(contentsOf: url, encoding: .utf8)
        }
        #expect(files.count == BundledTemplates.files.count)
        for (name, text) in files {
            #expect(BundledTemplates.files[name] == text, "\(name) differs: run scripts/embed-templates.py")
        }
    }

    @Test("the bundled set uses only documented variables, and docs/templates.md documents them all")
    func documented() throws {
        #expect(Self.templates.unknownNames().isEmpty, "\(Self.templates.unknownNames())")
        let docs = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/templates.md"), encoding: .utf8)
        for variable in TemplateVariables.all { #expect(docs.contains("`\(variable.name)`"), "\(variable.name) missing in docs") }
    }

    @Test("a user template with an unknown variable or a syntax error is reported with file and line")
    func userProblems() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("overdue-tpl-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("en"), withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("en/overdue.text.mustache")
        try "Dear {{greeting_name}},\n\nYou owe {{totl}}.\n".write(to: file, atomically: true, encoding: .utf8)
        let set = try TemplateSet(userDirectory: directory.path)
        #expect(set.unknownNames() == [TemplateProblem(file: file.path, line: 3, problem: "unknown variable \"totl\"; see docs/templates.md for the variables a template may use")])
        try "Dear {{#greeting_name}}\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: TemplateErrors.self) { _ = try TemplateSet(userDirectory: directory.path) }
        do {
            _ = try TemplateSet(userDirectory: directory.path)
        } catch {
            #expect(error.problems.first?.file == file.path)
        }
    }
}
