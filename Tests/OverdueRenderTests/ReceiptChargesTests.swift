import Foundation
import OverdueConfig
import OverdueCore
@testable import OverdueRender
import Testing

/// The receipt after the principal is paid: the charges earlier letters
/// stated, still owed (with a date) or waived, in every bundled language.
@Suite("Receipts: charges still owed or waived")
struct ReceiptChargesTests {
    static let renderer = LetterTests.renderer

    /// A receipt for INV-2 whose letters stated 2.74 interest and 40.00 compensation.
    static func receipt(language: String, waived: Bool) -> RenderRequest {
        var request = LetterFixture.request(stage: "thanks", channel: .email, language: language)
        request.send.items = [request.send.items[1]]
        request.send.items[0].charges = LateCharges(interest: Decimal(string: "2.74")!, compensation: 40)
        request.send.items[0].waived = waived
        request.send.deadline = waived ? nil : CalendarDate(iso: "2027-04-02")!
        return request
    }

    static let owedWords = ["en": ["remain open", "42.74", "2 April 2027"], "de": ["Offen sind noch", "42,74", "2. April 2027"],
                            "fr": ["restent dues", "42,74", "2 avril 2027"], "es": ["siguen pendientes", "42,74", "2 de abril de 2027"],
                            "it": ["restano da saldare", "42,74", "2 aprile 2027"], "nl": ["staan nog open", "42,74", "2 april 2027"],
                            "pl": ["pozostają do zapłaty", "42,74", "2 kwietnia 2027"], "pt": ["continuam por pagar", "42,74", "2 de abril de 2027"]]
    static let waivedWords = ["en": "We have waived", "de": "verzichten wir", "fr": "Nous renonçons", "es": "Renunciamos",
                              "it": "Rinunciamo", "nl": "Wij zien af", "pl": "Odstępujemy", "pt": "Prescindimos"]
    static let nothingWords = ["en": "Nothing more is due", "de": "nichts mehr offen", "fr": "Plus rien n’est dû", "es": "No queda nada pendiente",
                               "it": "non resta nulla da pagare", "nl": "staat niets meer open", "pl": "nie pozostaje nic do zapłaty",
                               "pt": "Nada mais há a pagar"]

    @Test("charges still owed: the receipt names them, their total and the date, and never says nothing is due", arguments: LetterFixture.languages)
    func owed(language: String) throws {
        let mail = try Self.renderer.render(Self.receipt(language: language, waived: false))
        for part in [mail.text ?? "", mail.html ?? ""] {
            for word in Self.owedWords[language]! { #expect(part.contains(word), "\(language): \(word) missing in\n\(part)") }
            #expect(!part.contains(Self.nothingWords[language]!), "\(language): contradicts itself\n\(part)")
            #expect(!part.contains(Self.waivedWords[language]!))
        }
    }

    @Test("waived: the receipt says so with the amount and that nothing more is due", arguments: LetterFixture.languages)
    func waived(language: String) throws {
        let mail = try Self.renderer.render(Self.receipt(language: language, waived: true))
        for part in [mail.text ?? "", mail.html ?? ""] {
            #expect(part.contains(Self.waivedWords[language]!) && part.contains(Self.nothingWords[language]!), "\(language)\n\(part)")
            #expect(part.contains(language == "en" ? "42.74" : "42,74"))
            #expect(!part.contains(Self.owedWords[language]![0]))
        }
    }
}
