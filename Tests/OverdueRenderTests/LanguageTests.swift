import Foundation
import OverdueCalendar
import OverdueConfig
import OverdueCore
@testable import OverdueRender
import Testing

/// The five languages added to en, de and fr, and what every language now
/// shares: the salutation, regional spelling, plural forms, the locale's
/// figures, and a way to pay in every letter that asks for money.
@Suite("Languages: formats, plurals, salutations, regional spelling, payment instructions")
struct LanguageTests {
    static let templates = try! TemplateSet(userDirectory: nil)
    static let bank = BankAccount(iban: "DE89 3704 0044 0532 0130 00", bic: "COBADEFFXXX", holder: "Northwind Supplies Ltd")

    static func renderer(bank: BankAccount? = nil) -> ReminderRenderer {
        var brand = LetterFixture.brand
        brand.bank = bank
        return ReminderRenderer(templates: templates, brand: brand, maxSMSSegments: 10)
    }

    /// 1234.56 and 12345.67 EUR and 26 March 2027 as ICU writes them for the
    /// letter's locale, checked by hand: Spanish, Polish and Portuguese
    /// group only from five digits (CLDR minimumGroupingDigits 2), Polish
    /// and Portuguese group with a no-break space, Dutch puts the euro sign
    /// first.
    static let formats: [(locale: String, small: String, large: String, date: String)] = [
        ("es-ES", "1234,56 €", "12.345,67 €", "26 de marzo de 2027"),
        ("it-IT", "1234,56 €", "12.345,67 €", "26 marzo 2027"),
        ("nl-NL", "€ 1.234,56", "€ 12.345,67", "26 maart 2027"),
        ("pl-PL", "1234,56 €", "12 345,67 €", "26 marca 2027"),
        ("pt-PT", "1234,56 €", "12 345,67 €", "26 de março de 2027"),
    ]

    @Test("amounts and dates in each locale's own format", arguments: formats)
    func figures(locale: String, small: String, large: String, date: String) {
        let format = LocaleFormat(language: locale)
        let plain = { (text: String) in text.replacingOccurrences(of: "\u{A0}", with: " ").replacingOccurrences(of: "\u{202F}", with: " ") }
        #expect(plain(format.money(Decimal(string: "1234.56")!, "EUR")) == small)
        #expect(plain(format.money(Decimal(string: "12345.67")!, "EUR")) == large)
        #expect(format.date(CalendarDate(iso: "2027-03-26")!) == date)
        #expect(plain(LocaleFormat(language: "pl-PL").money(Decimal(string: "1234.56")!, "PLN")) == "1234,56 zł")
    }

    @Test("each language's debtor gets its own locale in the letter", arguments: ["es", "it", "nl", "pl", "pt"])
    func letterLocale(language: String) throws {
        let request = LetterFixture.request(stage: "final", channel: .email, language: language)
        let renderer = Self.renderer()
        #expect(renderer.letterLocale(request) == LetterLocale(language: language, identifier: "\(language)-\(["es": "ES", "it": "IT", "nl": "NL", "pl": "PL", "pt": "PT"][language]!)"))
        let text = try #require(try renderer.render(request).text)
        let due = LocaleFormat(language: renderer.letterLocale(request).identifier).money(request.send.totals[0].totalDue, "EUR")
        #expect(text.contains(due) && text.contains(LetterTests.day(2, 4, language: language)), "\(text)")
    }

    @Test("plural forms follow CLDR: Polish one, few and many")
    func plurals() {
        let polish = [1: "1 faktura", 2: "2 faktury", 4: "4 faktury", 5: "5 faktur", 12: "12 faktur", 14: "14 faktur",
                      21: "21 faktur", 22: "22 faktury", 24: "24 faktury", 25: "25 faktur", 102: "102 faktury", 112: "112 faktur"]
        for (count, text) in polish { #expect(LetterWords.invoiceCount(count, language: "pl") == text) }
        #expect(LetterWords.daysOverdue(1, language: "pl") == "1 dzień po terminie")
        #expect(LetterWords.daysOverdue(3, language: "pl") == "3 dni po terminie")
        #expect(LetterWords.daysOverdue(1, language: "es") == "1 día de retraso" && LetterWords.daysOverdue(2, language: "es") == "2 días de retraso")
        #expect(LetterWords.invoiceCount(1, language: "it") == "1 fattura" && LetterWords.invoiceCount(2, language: "it") == "2 fatture")
        #expect(LetterWords.invoiceCount(1, language: "nl") == "1 factuur" && LetterWords.invoiceCount(3, language: "nl") == "3 facturen")
        #expect(LetterWords.daysOverdue(1, language: "pt") == "1 dia de atraso" && LetterWords.daysOverdue(5, language: "pt") == "5 dias de atraso")
        #expect(LetterWords.daysOverdue(-2, language: "nl") == "nog niet vervallen" && LetterWords.daysOverdue(0, language: "it") == "scade oggi")
    }

    /// Each language has every file en has (the webhook excepted, which is
    /// English JSON for machines) and uses every variable, section and
    /// partial the English file uses: a sentence en gains (a new charge
    /// line) fails here until every language says it too.
    @Test("every bundled language has every en file and every name it uses", arguments: TemplateSet.languages.subtracting(["en"]).sorted())
    func sameNamesAsEnglish(language: String) {
        let bundled = TemplateSet.bundledSources()
        func names(_ text: String) -> Set<String> { Set(MustacheTags.scan(text).map { "\($0.kind) \($0.name)" }) }
        for (name, english) in bundled["en"]! where !name.contains("webhook") {
            guard let own = bundled[language]?[name] else {
                Issue.record("\(language)/\(name) is missing (the English file would be sent)")
                continue
            }
            let missing = names(english.text).subtracting(names(own.text))
            #expect(missing.isEmpty, "\(language)/\(name) lacks \(missing.sorted())")
        }
    }

    static let salutations: [String: (named: String, neutral: String)] = [
        "en": ("Dear Anna Keller,", "Dear Sir or Madam,"), "de": ("Guten Tag Anna Keller,", "Sehr geehrte Damen und Herren,"),
        "fr": ("Bonjour Anna Keller,", "Madame, Monsieur,"), "es": ("Buenos días, Anna Keller:", "Estimado cliente:"),
        "it": ("Gentile Anna Keller,", "Gentile Cliente,"), "nl": ("Geachte Anna Keller,", "Geachte heer, mevrouw,"),
        "pl": ("Dzień dobry,", "Szanowni Państwo,"), "pt": ("Exmo.(a) Sr.(a) Anna Keller,", "Estimado Cliente,"),
    ]

    @Test("the salutation: the contact by name, else the neutral form, never the company; the customer's own wins",
          arguments: LetterFixture.languages)
    func salutation(language: String) throws {
        let expected = try #require(Self.salutations[language])
        var request = LetterFixture.request(stage: "overdue", channel: .email, language: language)
        let renderer = Self.renderer()
        func firstLines() throws -> (String, String) {
            let message = try renderer.render(request)
            let text = try #require(message.text)
            let html = try #require(message.html)
            let paragraph = try #require(html.firstMatch(of: /<\/div>\n<p>([^<]*)<\/p>/)).1
            return (String(text.prefix { $0 != "\n" }), String(paragraph))
        }
        var (text, html) = try firstLines()
        #expect(text == expected.neutral && html == expected.neutral)
        #expect(!(try renderer.render(request).text ?? "").contains("Acme GmbH"), "the company's name is never the greeting")
        request.customer.contact = "Anna Keller"
        (text, html) = try firstLines()
        #expect(text == expected.named && html == expected.named)
        request.customer.salutation = "Sehr geehrte Frau Keller,"
        (text, _) = try firstLines()
        #expect(text == "Sehr geehrte Frau Keller,")
        // The body starts as the language writes after the salutation: lower case only in German.
        let body = try #require(try renderer.render(request).text).components(separatedBy: "\n\n")[1]
        #expect(body.first?.isUppercase == (language != "de"), "\(language): \(body.prefix(40))")
    }

    @Test("en-US letters greet 'Dear Customer,' and spell installment; de-CH letters have no ß")
    func regionalSpelling() throws {
        let renderer = Self.renderer()
        var request = LetterFixture.request(stage: "final", channel: .email, language: "en")
        request.customer.timezone = "America/New_York"
        let us = try renderer.render(request)
        for part in [us.subject ?? "", us.text ?? "", us.html ?? ""] {
            #expect(!part.contains("instalment") && !part.contains("Instalment"), "\(part)")
        }
        #expect((us.text ?? "").hasPrefix("Dear Customer,") && (us.text ?? "").contains("(installment 2)"))
        request.customer.timezone = "Europe/London"
        #expect(try #require(try renderer.render(request).text).contains("(instalment 2)"))
        var swiss = LetterFixture.request(stage: "final", channel: .email, language: "de")
        swiss.customer.timezone = "Europe/Zurich"
        #expect(renderer.letterLocale(swiss).identifier == "de-CH")
        let letter = try renderer.render(swiss)
        let german = try renderer.render(LetterFixture.request(stage: "final", channel: .email, language: "de"))
        #expect((german.text ?? "").contains("ß"), "the test needs a German letter with ß to mean anything")
        for part in [letter.subject ?? "", letter.text ?? "", letter.html ?? ""] { #expect(!part.contains("ß"), "\(part)") }
        #expect((letter.text ?? "").contains("Grüssen"))
        swiss.send.channel = .sms
        #expect(!(try renderer.render(swiss).sms?.text ?? "").contains("ß"))
    }
}
