import Foundation
import OverdueCalendar
import OverdueConfig
@testable import OverdueCore
@testable import OverdueRender
import Testing

/// A letter under German law lists each period of interest in the debtor's
/// language: the worked DE example (10,000 € due 31 May 2025, 4,000 paid
/// 15 Aug, letter 30 Sep) rounds its periods to 92.63, 129.43 and 77.66
/// (92.630137, 129.430137, 77.658082), which add up to the 299.72 demanded.
@Suite("Letters list the interest periods (en, de, fr)")
struct InterestPeriodLetterTests {
    static let renderer = ReminderRenderer(templates: try! TemplateSet(userDirectory: nil), brand: LetterFixture.brand)

    static func letter(_ language: String) throws -> (text: String, html: String) {
        var policy = LetterFixture.barePolicy
        policy.statutoryCharges = true
        var request = LetterFixture.request(stage: "firm", channel: .email, language: language, policy: policy)
        let day = { (text: String) in CalendarDate(iso: text)! }
        request.send.items[0].charges = LateCharges.compute(
            policy: policy, stage: "firm", amount: 6_000, currency: "EUR", due: day("2025-05-31"), today: day("2025-09-30"),
            basis: ChargeBasis(applies: true, law: StatutoryRules.rule(for: "DE")), invoiceAmount: 10_000,
            outstanding: [(day("2025-05-31"), 10_000), (day("2025-08-15"), 6_000)])
        let message = try renderer.render(request)
        return (message.text ?? "", message.html ?? "")
    }

    @Test("each period with its dates, days, amount, rate and interest, in text and HTML", arguments: [
        ("en", ["Late charges under our terms and the late payment law:", "1 July 2025 – 15 August 2025, 46 days on €10,000.00 at 10.27% a year: €129.43", "€92.63", "€77.66",
                "30 days on €10,000.00 at 11.27% a year", "on €6,000.00"]),
        ("de", ["Verzugskosten nach unseren Bedingungen und dem Gesetz:", "1. Juli 2025 – 15. August 2025, 46 Tage auf 10.000,00\u{00A0}€ zu 10,27\u{00A0}% pro Jahr: 129,43\u{00A0}€",
                "92,63\u{00A0}€", "77,66\u{00A0}€", "30 Tage"]),
        ("fr", ["Frais de retard selon nos conditions et la loi\u{202F}:", "du 1er juillet 2025 au 15 août 2025, 46 jours sur 10\u{202F}000,00\u{00A0}€ au taux de 10,27\u{00A0}% par an\u{202F}: 129,43\u{00A0}€",
                "92,63\u{00A0}€", "77,66\u{00A0}€", "30 jours"]),
    ])
    func periods(language: String, expected: [String]) throws {
        let (text, html) = try Self.letter(language)
        for phrase in expected {
            #expect(text.contains(phrase), "\(language) text lacks \(phrase):\n\(text)")
            #expect(html.contains(phrase.replacingOccurrences(of: "\u{00A0}", with: "&nbsp;")) || html.contains(phrase),
                    "\(language) HTML lacks \(phrase)")
        }
    }

    @Test("a policy's own single rate with no change lists no periods (the interest line says it all)")
    func flatRate() throws {
        let request = LetterFixture.request(stage: "firm", channel: .email, language: "en")
        let text = try Self.renderer.render(request).text ?? ""
        #expect(text.contains("Interest at 12.15% a year"))
        #expect(!text.contains(" days on "), "\(text)")
        #expect(text.contains("Late charges under our terms:"))
    }
}
