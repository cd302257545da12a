import Foundation
import OverdueCalendar
import OverdueConfig
import OverdueCore
@testable import OverdueRender
import Testing

@Suite("Locale, plurals and policy texts")
struct LocaleTests {
    static let available: Set<String> = ["en", "de", "fr"]
    static let zones = ["Europe/Dublin": "IE", "Europe/London": "GB", "America/New_York": "US", "Europe/Zurich": "CH",
                        "Europe/Berlin": "DE"]

    static func resolve(_ customer: String?, country: String? = nil, zone: String? = nil, brand: String?) -> LetterLocale {
        LetterLocale.resolve(customerLanguage: customer, customerCountry: country, timeZone: zone, brandLanguage: brand,
                             available: available, zoneCountries: zones)
    }

    @Test("template language and formatting locale: tag, country, timezone, brand", arguments: [
        (nil as String?, nil as String?, "Europe/Dublin" as String?, "en" as String?, "en", "en-IE"),
        (nil, nil, "Europe/London", "en", "en", "en-GB"),
        (nil, nil, "America/New_York", "en", "en", "en-US"),
        (nil, nil, nil, "en-GB", "en", "en-GB"),
        (nil, nil, "Europe/Dublin", "en-GB", "en", "en-IE"),  // where the debtor is beats the brand's region
        ("fr-CH", nil, "Europe/Berlin", "en", "fr", "fr-CH"), // the customer's own tag first
        ("de", "AT", "Europe/Berlin", "en", "de", "de-AT"),   // customer.country before the timezone
        ("es-MX", nil, "America/New_York", "en", "en", "en-US"), // no Spanish templates; MX says nothing about English
        (nil, nil, nil, nil, "en", "en"),
        ("de_DE", nil, nil, nil, "de", "de-DE"),
        ("de", nil, "America/New_York", "en", "de", "de"),     // no de-US in CLDR: German figures, not "1,234.50 $"
        ("fr", nil, "Europe/Berlin", "en", "fr", "fr"),         // no fr-DE either
    ])
    func resolution(customer: String?, country: String?, zone: String?, brand: String?, language: String, identifier: String) {
        let locale = Self.resolve(customer, country: country, zone: zone, brand: brand)
        #expect(locale == LetterLocale(language: language, identifier: identifier))
    }

    @Test("a German letter to New York writes amounts the German way")
    func germanInTheUS() {
        let locale = Self.resolve("de", zone: "America/New_York", brand: "en")
        let text = LocaleFormat(language: locale.identifier).money(Decimal(string: "1234.50")!, "USD")
        #expect(text.replacingOccurrences(of: "\u{A0}", with: " ") == "1.234,50 $", "\(text)")
    }

    @Test("dates as each locale writes them")
    func dates() {
        let day = CalendarDate(iso: "2026-12-07")!
        #expect(LocaleFormat(language: "en-IE").date(day) == "7 December 2026")
        #expect(LocaleFormat(language: "en-GB").date(day) == "7 December 2026")
        #expect(LocaleFormat(language: "en-US").date(day) == "December 7, 2026")
        #expect(LocaleFormat(language: "de-DE").date(CalendarDate(iso: "2027-03-26")!) == "26. März 2027")
        #expect(LocaleFormat(language: "fr-FR").date(CalendarDate(iso: "2026-12-01")!) == "1er décembre 2026")
        #expect(LocaleFormat(language: "fr-CH").date(CalendarDate(iso: "2026-12-01")!) == "1er décembre 2026")
        #expect(LocaleFormat(language: "fr").date(CalendarDate(iso: "2026-12-02")!) == "2 décembre 2026")
        #expect(LocaleFormat(language: "en-GB").date(CalendarDate(iso: "2026-12-01")!) == "1 December 2026")
    }

    @Test("day and invoice counts follow CLDR plural rules")
    func plurals() {
        #expect(LetterWords.daysOverdue(1, language: "en") == "1 day overdue")
        #expect(LetterWords.daysOverdue(2, language: "en") == "2 days overdue")
        #expect(LetterWords.daysOverdue(1, language: "de") == "1 Tag überfällig")
        #expect(LetterWords.daysOverdue(21, language: "de") == "21 Tage überfällig")
        #expect(LetterWords.daysOverdue(1, language: "fr") == "1 jour de retard")
        #expect(LetterWords.daysOverdue(2, language: "fr") == "2 jours de retard")
        #expect(LetterWords.daysOverdue(-3, language: "en") == "not yet due")
        #expect(LetterWords.daysOverdue(0, language: "de") == "heute fällig")
        #expect(LetterWords.plural(0, language: "fr") == .one && LetterWords.plural(0, language: "en") == .other)
        #expect(LetterWords.invoiceCount(1, language: "de") == "1 Rechnung")
        #expect(LetterWords.invoiceCount(0, language: "fr") == "0 facture")
        #expect(LetterWords.invoiceCount(3, language: "en") == "3 invoices")
    }

    @Test("a debtor in Dublin of a brand writing en reads en-IE dates in the letter")
    func dublinLetter() throws {
        let renderer = ReminderRenderer(templates: try TemplateSet(userDirectory: nil), brand: LetterFixture.brand)
        var request = LetterFixture.request(stage: "final", channel: .email, language: "en")
        request.customer.language = nil
        request.customer.timezone = "Europe/Dublin"
        #expect(renderer.letterLocale(request).identifier == "en-IE")
        let text = try #require(try renderer.render(request).text)
        #expect(text.contains("by 2 April 2027") && text.contains("€2,165.02"), "\(text)")
        request.customer.timezone = "America/New_York"
        #expect(try #require(try renderer.render(request).text).contains("by April 2, 2027"))
    }

    static let configText = """
    [spool]
    dir = "/tmp/overdue-spool"

    [brand]
    name = "Northwind"
    from = "ar@northwind.example"
    language = "en-GB"

    [[policy]]
    name = "standard"
    consequence = "we will pass the matter to our collection agency"
    stages = [
      { name = "overdue", offset_days = 1, channels = ["email"] },
      { name = "call", offset_days = 20, channels = ["call"] },
      { name = "legal", offset_days = 30, channels = ["email"], template = "final", final = true, label = { en = "notice before legal action", fr = "avis avant poursuites" } },
    ]
    """

    @Test("check names each served language a policy text lacks (a plain string serves only the brand's language; a call stage is never cited)")
    func policyTexts() throws {
        let config = try ConfigLoader.parse(Self.configText, path: "/etc/overdue/overdue.toml")
        let problems = TemplateCheck.policyTextProblems(config: config, languages: Self.available).map(\.description)
        #expect(problems == [
            "/etc/overdue/overdue.toml:0: policy \"standard\": consequence has no text for \"de\"; write consequence = { de = \"…\", en = \"…\", fr = \"…\" }",
            "/etc/overdue/overdue.toml:0: policy \"standard\": consequence has no text for \"fr\"; write consequence = { de = \"…\", en = \"…\", fr = \"…\" }",
            "/etc/overdue/overdue.toml:0: policy \"standard\" stage \"legal\": label has no text for \"de\"; write label = { de = \"…\", en = \"…\", fr = \"…\" }",
        ])
        // With the bundled set, the languages the texts are written in (fr, in the label) and the brand's
        // must be complete; a language no text names uses its templates' own sentence, so it is not named.
        let all = TemplateCheck.problems(templates: try TemplateSet(userDirectory: nil), config: config).map(\.description)
        #expect(all.contains { $0.contains("consequence has no text for \"fr\"") }, "\(all)")
        for language in TemplateSet.languages.subtracting(["en", "fr"]) {
            #expect(!all.contains { $0.contains("no text for \"\(language)\"") }, "\(language): \(all)")
        }
        let fixed = Self.configText
            .replacingOccurrences(of: "consequence = \"we will pass the matter to our collection agency\"",
                                  with: "consequence = { en = \"a\", de = \"b\", fr = \"c\", es = \"d\", it = \"e\", nl = \"f\", pl = \"g\", pt = \"h\" }")
            .replacingOccurrences(of: "fr = \"avis avant poursuites\"", with: "fr = \"avis avant poursuites\", de = \"Klageandrohung\", es = \"s\", it = \"i\", nl = \"n\", pl = \"p\", pt = \"t\"")
        let good = try ConfigLoader.parse(fixed, path: "/etc/overdue/overdue.toml")
        #expect(TemplateCheck.policyTextProblems(config: good, languages: Self.available).isEmpty)
        #expect(TemplateCheck.problems(templates: try TemplateSet(userDirectory: nil), config: good).isEmpty)
    }
}
