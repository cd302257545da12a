import Foundation
import OverdueCore
@testable import OverdueRender
import Testing

@Suite("The broken-promise letter states the promise it answers")
struct BrokenPromiseLetterTests {
    static let renderer = ReminderRenderer(templates: try! TemplateSet(userDirectory: nil), brand: LetterFixture.brand,
                                           maxSMSSegments: 10)

    static let expected: [String: [String]] = [
        "en": ["You promised to pay €600.00 by 20 March 2027", "by 2 April 2027", "Your promise to pay"],
        "de": ["600,00\u{A0}€ bis zum 20. März 2027 zu überweisen", "bis zum 2. April 2027", "Ihre Zahlungszusage"],
        "fr": ["régler 600,00\u{A0}€ au plus tard le 20 mars 2027", "au plus tard le 2 avril 2027", "Engagement de paiement non tenu"],
        "es": ["Se comprometió a pagar 600,00\u{A0}€ a más tardar el 20 de marzo de 2027", "a más tardar el 2 de abril de 2027",
               "Su compromiso de pago"],
        "it": ["Ci era stato assicurato il pagamento di 600,00\u{A0}€ entro il 20 marzo 2027", "entro il 2 aprile 2027",
               "Impegno di pagamento"],
        "nl": ["U had toegezegd €\u{A0}600,00 uiterlijk 20 maart 2027 te betalen", "uiterlijk 2 april 2027", "Uw betalingsafspraak"],
        "pl": ["Zadeklarowali Państwo zapłatę kwoty 600,00\u{A0}€ do dnia 20 marca 2027", "do dnia 2 kwietnia 2027", "Deklaracja zapłaty"],
        "pt": ["V. Ex.ª comprometeu-se a pagar 600,00\u{A0}€ até 20 de março de 2027", "até 2 de abril de 2027", "Compromisso de pagamento"],
    ]

    @Test("date, amount, deadline and subject in each language; the SMS names the date", arguments: LetterFixture.languages)
    func promiseStated(language: String) throws {
        let request = LetterFixture.request(stage: "broken_promise", channel: .email, language: language)
        let message = try Self.renderer.render(request)
        let text = try #require(message.text)
        let html = try #require(message.html)
        let subject = try #require(message.subject)
        let (promise, deadline, subjectStart) = (Self.expected[language]![0], Self.expected[language]![1], Self.expected[language]![2])
        #expect(text.contains(promise) && html.contains(promise), "\(language):\n\(text)")
        #expect(text.contains(deadline), "\(language):\n\(text)")
        #expect(subject.hasPrefix(subjectStart), "\(subject)")
        let sms = try #require(try Self.renderer.render(LetterFixture.request(stage: "broken_promise", channel: .sms, language: language)).sms)
        #expect(sms.text.contains(LetterTests.day(20, 3, language: language)), "\(sms.text)")
    }

    @Test("a promise without an amount says so without a figure")
    func noAmount() throws {
        var request = LetterFixture.request(stage: "broken_promise", channel: .email, language: "en")
        request.send.promise?.amount = nil
        let text = try #require(try Self.renderer.render(request).text)
        #expect(text.contains("You promised to pay the amount below by 20 March 2027, but we have not received your payment"), "\(text)")
    }
}
