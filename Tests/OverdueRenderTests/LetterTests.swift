import Foundation
import OverdueCalendar
import OverdueConfig
import OverdueCore
@testable import OverdueRender
import Testing

@Suite("Every letter right: one set of figures, no leaks, no English outside en, the debtor's locale")
struct LetterTests {
    static let templates = try! TemplateSet(userDirectory: nil)
    static let renderer = ReminderRenderer(templates: templates, brand: LetterFixture.brand, maxSMSSegments: 10)

    static let cases: [(String, String)] = LetterFixture.stages.flatMap { stage in LetterFixture.languages.map { (stage, $0) } }

    /// English words that must not appear in a German or French letter
    /// (whole words, case-sensitive: French "total" and German "final-" are
    /// their own words, "Total" and "final" are not).
    static let english = ["Invoice", "invoice", "invoices", "Total", "due", "overdue", "days", "day", "Dear", "Please",
                          "payment", "Payment", "reminder", "firm", "final", "courtesy", "Also", "Late", "Interest",
                          "e-mail", "by", "the", "and", "Kind", "regards", "instalment", "Pay", "open", "thanks",
                          "amount", "Amount", "fee", "please", "dear", "interest", "reminder", "Reminder", "paid", "unpaid",
                          "Subtotal", "demand", "Reference", "holder", "transfer"]
    /// Words of the list that are also the language's own ("Total" in
    /// Spanish and Portuguese, Dutch "open", "e-mail" everywhere but French
    /// and German, "final" in "requerimiento final").
    static let ownWords: [String: Set<String>] = [
        "es": ["Total", "final", "Subtotal"], "pt": ["Total", "final", "e-mail", "Subtotal"], "nl": ["open", "e-mail"],
        "it": ["e-mail"], "pl": ["e-mail"],
    ]

    @Test("letters outside en contain no English, at every stage and in every part", arguments: cases)
    func noEnglish(stage: String, language: String) throws {
        let parts = try LetterFixture.parts(Self.renderer, stage: stage, language: language)
        for (name, text) in parts {
            #expect(!text.isEmpty, "\(name) is empty")
            #expect(!text.contains("{{"), "\(name) has a leftover tag")
            guard language != "en" else { continue }
            let prose = LetterFixture.prose(text)
            let words = Set(prose.split { !($0.isLetter || $0 == "-") }.map(String.init))
            for word in Self.english where words.contains(word) && !(Self.ownWords[language] ?? []).contains(word) {
                Issue.record("\(name): English word \"\(word)\" in\n\(prose)")
            }
        }
    }

    /// How each language words the table's total line.
    static let totalLine = ["en": "Total now due", "de": "Jetzt fällig insgesamt", "fr": "Montant dû à ce jour",
                            "es": "Total adeudado a día de hoy", "it": "Totale dovuto a oggi", "nl": "Totaal nu verschuldigd",
                            "pl": "Łącznie do zapłaty na dziś", "pt": "Total em dívida nesta data"]

    @Test("the total the letter states is the table's total now due: principal plus charges", arguments: cases)
    func oneTotal(stage: String, language: String) throws {
        let request = LetterFixture.request(stage: stage, channel: .email, language: language)
        let total = try #require(request.send.totals.first)
        let format = LocaleFormat(language: Self.renderer.letterLocale(request).identifier)
        let due = format.money(total.totalDue, "EUR")
        let principal = format.money(total.amount, "EUR")
        let message = try Self.renderer.render(request)
        let text = try #require(message.text)
        let paragraphs = text.components(separatedBy: "\n\n")
        if ["firm", "final"].contains(stage) {
            #expect(total.charges.total > 0, "the fixture has charges at \(stage)")
            // The sentence after the greeting states the demand.
            #expect(paragraphs[1].contains(due), "\(language)/\(stage): sentence lacks \(due):\n\(paragraphs[1])")
            #expect(!paragraphs[1].contains(principal), "\(language)/\(stage): sentence states the principal \(principal)")
        }
        if total.charges.total > 0 {
            let line = try #require(text.split(separator: "\n").first { $0.hasPrefix(Self.totalLine[language]!) })
            #expect(line.hasSuffix(due), "\(language)/\(stage): \(line) ≠ \(due)")
            #expect(try #require(message.html).contains(due))
        }
        // The SMS states the same figure.
        if stage != "thanks" {
            let sms = try Self.renderer.render(LetterFixture.request(stage: stage, channel: .sms, language: language))
            let plain = due.replacingOccurrences(of: "\u{A0}", with: " ").replacingOccurrences(of: "\u{202F}", with: " ")
            #expect(try #require(sms.sms).text.contains(plain), "\(language)/\(stage) SMS: \(sms.sms?.text ?? "")")
        }
    }

    @Test("with every optional field absent nothing leaks from another invoice or the outer context", arguments: cases)
    func noLeaks(stage: String, language: String) throws {
        let renderer = ReminderRenderer(templates: Self.templates, brand: LetterFixture.bareBrand, maxSMSSegments: 10)
        let parts = try LetterFixture.parts(renderer, stage: stage, language: language, policy: LetterFixture.barePolicy,
                                            links: false, earlier: false)
        for (name, text) in parts {
            #expect(!text.contains("https://pay"), "\(name) has a payment link")
            #expect(!text.contains("{{") && !text.contains("}}"), "\(name) has a leftover tag")
            for absent in ["+44 20", "northwind.example/optout", "https://northwind.example", "<img", "CONSEQUENCE"] {
                #expect(!text.contains(absent), "\(name) shows \(absent)")
            }
            for word in ["Late fee", "Interest", "Mahngebühr", "Verzugszinsen", "Frais de relance", "Intérêts", "Skonto", "escompte",
                         "discount"] {
                #expect(!text.contains(word), "\(name) shows \(word)")
            }
        }
    }

    @Test("an invoice without a link shows none, even beside one that has a link")
    func linkPerInvoice() throws {
        let message = try Self.renderer.render(LetterFixture.request(stage: "overdue", channel: .email, language: "en"))
        let text = try #require(message.text)
        #expect(text.contains("Pay online (INV-1): https://pay.example/INV-1"))
        #expect(!text.contains("(INV-2)"), "\(text)")
        #expect(!text.contains("You can pay online at"), "no shared link when one invoice has none")
        let html = try #require(message.html)
        #expect(html.contains("<a href=\"https://pay.example/INV-1\">INV-1</a>"))
        #expect(!html.contains("<a href=\"https://pay.example/INV-1\">INV-2</a>") && html.contains("<td>INV-2</td>"))
    }

    static let alsoOpenHeading = ["en": "Not yet due, not part of this demand:",
                                  "de": "Noch nicht fällig (nicht Teil dieser Zahlungsaufforderung):",
                                  "fr": "Pas encore échues (hors de la présente demande)\u{202F}:",
                                  "es": "Aún no vencidas (no incluidas en esta reclamación):",
                                  "it": "Non ancora scadute (escluse dalla presente richiesta):",
                                  "nl": "Nog niet vervallen (maakt geen deel uit van dit verzoek):",
                                  "pl": "Jeszcze niewymagalne (nie są objęte tą wiadomością):",
                                  "pt": "Ainda não vencidas (não incluídas neste pedido de pagamento):"]
    static let notYetDue = ["en": "not yet due", "de": "noch nicht fällig", "fr": "pas encore échue", "es": "aún no vencida",
                            "it": "non ancora scaduta", "nl": "nog niet vervallen", "pl": "przed terminem płatności",
                            "pt": "ainda não vencida"]

    @Test("every e-mail lists the other open invoices apart, outside the demanded total", arguments: cases)
    func alsoOpen(stage: String, language: String) throws {
        let request = LetterFixture.request(stage: stage, channel: .email, language: language)
        let message = try Self.renderer.render(request)
        for body in [try #require(message.text), try #require(message.html)] {
            guard let heading = body.range(of: Self.alsoOpenHeading[language]!) else {
                Issue.record("\(language)/\(stage): no also-open list in\n\(body)")
                continue
            }
            let after = body[heading.upperBound...]
            #expect(after.contains("INV-3") && after.contains(Self.notYetDue[language]!))
            #expect(!body[..<heading.lowerBound].contains("INV-3"), "INV-3 is listed with the demanded invoices")
        }
        // The demanded total leaves INV-3 out.
        #expect(request.send.totals.first?.amount == Decimal(string: "2050.50"))
    }

    static let dueSoonOrOverdue = ["en": "due for payment soon or already overdue",
                                   "de": "bald zur Zahlung fällig oder bereits überfällig",
                                   "fr": "arrivent bientôt à échéance ou sont déjà échues",
                                   "es": "vencen próximamente o ya están vencidas", "it": "sono in scadenza o già scadute",
                                   "nl": "binnenkort afloopt of al verstreken is", "pl": "wkrótce upływa lub już upłynął",
                                   "pt": "vencem em breve ou já se encontram em atraso"]

    /// A letter states all that is overdue: INV-2, at another stage of its
    /// own ladder, is demanded in the same table and total as the stage's
    /// invoices (and a courtesy note about INV-3 demands both overdue ones).
    @Test("every letter demands the other overdue invoices in its one table and total", arguments: cases)
    func otherOverdueDemanded(stage: String, language: String) throws {
        guard stage != PlannerSettings.thanksStage else { return }
        var request = LetterFixture.request(stage: stage, channel: .email, language: language)
        if stage == "courtesy" {
            // INV-3 (due 15 Apr) is the courtesy note's; INV-1 and INV-2 are overdue.
            request.send.otherOverdue = request.send.items.map { var item = $0; item.item.stage = "firm"; return item }
            request.send.items = request.send.alsoOpen.map { var item = $0; item.item.stage = "courtesy"; return item }
            request.send.alsoOpen = []
        } else {
            var other = request.send.items.removeLast()
            other.item.stage = "overdue"
            request.send.otherOverdue = [other]
        }
        let total = try #require(request.send.totals.first)
        let expectedAmount = Decimal(string: stage == "courtesy" ? "2150.49" : "2050.50")!
        #expect(total.amount == expectedAmount)
        let message = try Self.renderer.render(request)
        let text = try #require(message.text)
        let html = try #require(message.html)
        if stage == "courtesy" {
            // Neither the subject nor the SMS says only "due soon" (or gives the oldest, past due date as the day it falls due).
            let word = ["en": "overdue", "de": "überfällig", "fr": "échues", "es": "vencidas", "it": "scadute", "nl": "te laat",
                        "pl": "po terminie", "pt": "em atraso"][language]!
            #expect(message.subject?.contains(word) == true, "\(language): \(message.subject ?? "")")
            var sms = request
            sms.send.channel = .sms
            let smsText = try Self.renderer.render(sms).sms?.text ?? ""
            #expect(smsText.contains(word.replacingOccurrences(of: "ł", with: "l")), "\(language): \(smsText)")
        }
        let digits = Money.format(total.totalDue, minorUnits: 2).filter(\.isNumber)
        for body in [text, html] {
            for invoice in request.send.demanded.map(\.item.invoice) {
                #expect(body.contains(invoice), "\(language)/\(stage): \(invoice) missing")
            }
            // Digits with their group and decimal separators taken out: "2.273,41 €" → "227341".
            let plain = body.replacingOccurrences(of: "(?<=[0-9])[.,\u{A0}\u{202F} '](?=[0-9])", with: "", options: .regularExpression)
            #expect(plain.range(of: "(?<![0-9])\(digits)(?![0-9])", options: .regularExpression) != nil, "\(language)/\(stage): total \(total.totalDue) not stated\n\(body)")
            #expect(!body.contains(Self.alsoOpenHeading[language]!) || stage != "courtesy", "nothing left to list apart")
            if stage == "courtesy" {
                #expect(body.contains(Self.dueSoonOrOverdue[language]!), "\(language): the courtesy note says some are overdue\n\(body)")
            }
        }
    }

    static let disputeSentence = [
        "en": ["Interest includes the time the invoice was disputed", "No interest is charged for the time the invoice was disputed"],
        "de": ["Die Zinsen schließen die Zeit ein, in der die Rechnung bestritten war",
               "Für die Zeit, in der die Rechnung bestritten war, werden keine Zinsen berechnet"],
        "fr": ["Les intérêts incluent la période pendant laquelle la facture était contestée",
               "Aucun intérêt n’est compté pour la période pendant laquelle la facture était contestée"],
        "es": ["Los intereses incluyen el periodo en que la factura estuvo impugnada",
               "No se devengan intereses por el periodo en que la factura estuvo impugnada"],
        "it": ["Gli interessi comprendono il periodo in cui la fattura era contestata",
               "Per il periodo in cui la fattura era contestata non sono conteggiati interessi"],
        "nl": ["De rente omvat ook de periode waarin de factuur werd betwist",
               "Over de periode waarin de factuur werd betwist, wordt geen rente berekend"],
        "pl": ["Odsetki obejmują okres, w którym faktura była kwestionowana",
               "Za okres, w którym faktura była kwestionowana, nie naliczamy odsetek"],
        "pt": ["Os juros incluem o período em que a fatura esteve contestada",
               "Não são cobrados juros relativos ao período em que a fatura esteve contestada"],
    ]
    /// A date as each locale writes it (day, month name, year).
    static func day(_ day: Int, _ month: Int, language: String) -> String {
        let names: [String: [String]] = [
            "en": ["March", "April"], "de": ["März", "April"], "fr": ["mars", "avril"], "es": ["marzo", "abril"],
            "it": ["marzo", "aprile"], "nl": ["maart", "april"], "pl": ["marca", "kwietnia"], "pt": ["março", "abril"],
        ]
        let name = names[language]![month - 3]
        return switch language {
        case "de": "\(day). \(name) 2027"
        case "es", "pt": "\(day) de \(name) de 2027"
        default: "\(day) \(name) 2027"
        }
    }

    @Test("a disputed invoice's interest line says whether the dispute's days carry interest, and names them",
          arguments: LetterFixture.languages, [true, false])
    func disputeInterest(language: String, runs: Bool) throws {
        var policy = LetterFixture.policy
        policy.interestDuringDispute = runs
        var request = LetterFixture.request(stage: "final", channel: .email, language: language, policy: policy)
        let period = DisputePeriod(from: CalendarDate(iso: "2027-03-02")!, until: CalendarDate(iso: "2027-03-16")!)
        request.send.items[1].disputes = [period]
        let message = try Self.renderer.render(request)
        let said = Self.disputeSentence[language]![runs ? 0 : 1], other = Self.disputeSentence[language]![runs ? 1 : 0]
        let day = Self.day(16, 3, language: language)
        for body in [try #require(message.text), try #require(message.html)] {
            #expect(body.components(separatedBy: said).count == 2, "\(language): said once, for INV-2 only\n\(body)")
            #expect(!body.contains(other))
            #expect(body.contains(day), "\(language): the period's end is named")
        }
        // Without a dispute nothing is said.
        let plain = try Self.renderer.render(LetterFixture.request(stage: "final", channel: .email, language: language, policy: policy))
        #expect(!(plain.text ?? "").contains(said))
    }

    @Test("the first overdue letter states the date it asks payment by (the next stage waits for it)", arguments: LetterFixture.languages)
    func overdueStatesDeadline(language: String) throws {
        var request = LetterFixture.request(stage: "overdue", channel: .email, language: language)
        request.send.deadline = CalendarDate(iso: "2027-04-02")!
        let message = try Self.renderer.render(request)
        let day = Self.day(2, 4, language: language)
        for body in [try #require(message.text), try #require(message.html)] {
            #expect(body.contains(day), "\(language)\n\(body)")
        }
    }

    @Test("webhook JSON lists the other open invoices and stays valid")
    func webhookAlsoOpen() throws {
        let message = try Self.renderer.render(LetterFixture.request(stage: "final", channel: .webhook, language: "fr"))
        let payload = try #require(message.webhook)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any])
        let open = try #require(json["also_open"] as? [[String: Any]])
        #expect(open.map { $0["number"] as? String } == ["INV-3"])
        #expect(open.first?["days_overdue"] as? Int == -20)
        let totals = try #require(json["totals"] as? [[String: Any]])
        #expect(totals.first?["amount"] as? String == "2050.50")
        #expect(json["deadline"] as? String == "2027-04-02")
    }

    static let earlierLines = [
        "en": ["9 March 2027: payment reminder by e-mail", "16 March 2027: second reminder by text message"],
        "de": ["9. März 2027: Zahlungserinnerung per E-Mail", "16. März 2027: Mahnung per SMS"],
        "fr": ["9 mars 2027\u{202F}: rappel par courriel", "16 mars 2027\u{202F}: relance par SMS"],
        "es": ["9 de marzo de 2027: recordatorio de pago por correo electrónico", "16 de marzo de 2027: segundo recordatorio por SMS"],
        "it": ["9 marzo 2027: sollecito di pagamento tramite e-mail", "16 marzo 2027: secondo sollecito tramite SMS"],
        "nl": ["9 maart 2027: betalingsherinnering per e-mail", "16 maart 2027: aanmaning per sms"],
        "pl": ["9 marca 2027: przypomnienie o płatności (e-mail)", "16 marca 2027: wezwanie do zapłaty (SMS)"],
        "pt": ["9 de março de 2027: lembrete de pagamento por e-mail", "16 de março de 2027: segundo aviso por SMS"],
    ]

    @Test("earlier reminders are named by localized labels, never by the internal stage name", arguments: LetterFixture.languages)
    func earlierLabels(language: String) throws {
        let message = try Self.renderer.render(LetterFixture.request(stage: "final", channel: .email, language: language))
        for body in [try #require(message.text), try #require(message.html)] {
            for line in Self.earlierLines[language]! { #expect(body.contains(line), "\(language): \(line) missing in\n\(body)") }
            #expect(!body.contains(", overdue)") && !body.contains(", firm)"))
        }
    }

    @Test("a stage's configured label overrides the built-in one")
    func configuredLabel() throws {
        var policy = LetterFixture.policy
        policy.stages[1].label = ["de": "Erste Erinnerung", LocalizedText.unstated: "first reminder"]
        var request = LetterFixture.request(stage: "final", channel: .email, language: "de")
        request.policy = policy
        #expect(try #require(try Self.renderer.render(request).text).contains("9. März 2027: Erste Erinnerung per E-Mail"))
        request = LetterFixture.request(stage: "final", channel: .email, language: "en")
        request.policy = policy
        #expect(try #require(try Self.renderer.render(request).text).contains("9 March 2027: first reminder by e-mail"))
    }

    @Test("the consequence is the policy's text in the letter's language; absent, the template's own sentence")
    func consequencePerLanguage() throws {
        var request = LetterFixture.request(stage: "final", channel: .email, language: "fr")
        #expect(try #require(try Self.renderer.render(request).text).contains("nous transmettrons le dossier"))
        // A plain string serves only the brand's language (en): a French letter gets the generic sentence.
        request.policy.consequence = [LocalizedText.unstated: "we will sue"]
        let french = try #require(try Self.renderer.render(request).text)
        #expect(!french.contains("we will sue") && french.contains("nous engagerons sans autre préavis"))
        request = LetterFixture.request(stage: "final", channel: .email, language: "en")
        request.policy.consequence = [LocalizedText.unstated: "we will sue"]
        #expect(try #require(try Self.renderer.render(request).text).contains("we will sue"))
    }

    @Test("French typography: a narrow no-break space before : ; ! ? in every French part", arguments: LetterFixture.stages)
    func frenchTypography(stage: String) throws {
        for (name, text) in try LetterFixture.parts(Self.renderer, stage: stage, language: "fr") where !name.hasSuffix(".sms") {
            let prose = LetterFixture.prose(text)
            if let bad = prose.range(of: #"[^\u202F\s][:;!?](\s|$)|[ \u00A0][:;!?]"#, options: .regularExpression) {
                let start = prose.index(bad.lowerBound, offsetBy: -20, limitedBy: prose.startIndex) ?? prose.startIndex
                Issue.record("\(name): no narrow no-break space in \"\(prose[start..<bad.upperBound])\"")
            }
        }
    }
}
