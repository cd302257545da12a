import Foundation
import OverdueCalendar
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

    static let paidWords = ["en": "Already paid towards these charges", "de": "Davon durch Ihre Zahlungen bereits beglichen",
                            "fr": "Déjà réglé sur ces frais", "es": "Ya abonado a cuenta de estos cargos",
                            "it": "Già versato a copertura di questi oneri", "nl": "Hiervan al door uw betalingen voldaan",
                            "pl": "Z tego uregulowano już Państwa wpłatami", "pt": "Já pago por conta destes encargos"]

    @Test("costs_first: a final lists the charges as they arose, what payments paid of them, and a total net of it", arguments: LetterFixture.languages)
    func chargesPaid(language: String) throws {
        var request = LetterFixture.request(stage: "final", channel: .email, language: language)
        request.send.items = [request.send.items[1]]
        request.send.items[0].amount = Decimal(string: "42.74")!
        var charges = LateCharges(interest: Decimal(string: "3.10")!, compensation: 40)
        charges.paidCompensation = 40
        charges.paidInterest = Decimal(string: "2.74")!
        request.send.items[0].charges = charges
        let mail = try Self.renderer.render(request)
        // 42.74 principal + 43.10 charges − 42.74 paid of them = 43.10.
        let (paid, total) = language == "en" ? ("42.74", "43.10") : ("42,74", "43,10")
        for part in [mail.text ?? "", mail.html ?? ""] {
            #expect(part.contains(Self.paidWords[language]!), "\(language)\n\(part)")
            let line = part.components(separatedBy: Self.paidWords[language]!).dropFirst().first ?? ""
            #expect(line.prefix(40).contains(paid), "\(language): the amount paid follows the words\n\(part)")
            #expect(part.contains(total), "\(language): the total is net of what was paid\n\(part)")
        }
    }
}
