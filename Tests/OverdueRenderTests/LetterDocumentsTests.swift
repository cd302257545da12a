import Foundation
import OverdueConfig
import OverdueCore
@testable import OverdueRender
import Testing

/// Which invoice PDFs a message carries, and how each channel and language says so.
@Suite("Letters: invoice PDFs attached, offered, or missing")
struct LetterDocumentsTests {
    static let small = String(repeating: "a", count: 64)
    static let large = String(repeating: "b", count: 64)

    /// The fixture's debtor with INV-1 and INV-2 paired with stored PDFs
    /// (3,000 and 6,000 bytes) and INV-3 naming one that never arrived.
    static func ledger() -> Ledger {
        var ledger = Ledger()
        let request = LetterFixture.request(stage: "firm", channel: .email, language: "en")
        ledger.apply(.event(.document(name: "inv-1.pdf", sha256: small, size: 3_000)))
        ledger.apply(.event(.document(name: "Rechnung 2.pdf", sha256: large, size: 6_000)))
        for (id, name) in [("INV-1", "inv-1.pdf"), ("INV-2", "Rechnung 2.pdf"), ("INV-3", "never.pdf")] {
            var invoice = request.invoices[id]!
            invoice.document = name
            ledger.apply(.invoice(invoice))
        }
        return ledger
    }

    /// The fixture's send, also demanding INV-3.
    static func request(channel: Channel, language: String = "en") -> RenderRequest {
        var request = LetterFixture.request(stage: "firm", channel: channel, language: language)
        var third = request.send.alsoOpen[0]
        third.item.stage = "firm"
        request.send.items.append(third)
        request.send.alsoOpen = []
        return request
    }

    @Test("e-mail attaches what fits, the largest first out; a webhook names all; SMS none; a PDF that never came is missing")
    func selection() {
        let ledger = Self.ledger()
        let all = LetterDocuments.select(for: Self.request(channel: .email).send, ledger: ledger, rules: AttachmentRules())
        #expect(all.attached.map(\.name) == ["inv-1.pdf", "Rechnung 2.pdf"])
        #expect(all.onRequest.isEmpty)
        #expect(all.missing.map(\.invoice) == ["INV-3"])
        let cut = LetterDocuments.select(for: Self.request(channel: .email).send, ledger: ledger, rules: AttachmentRules(maxBytes: 8_000))
        #expect(cut.attached.map(\.name) == ["inv-1.pdf"])
        #expect(cut.onRequest.map(\.name) == ["Rechnung 2.pdf"])
        let none = LetterDocuments.select(for: Self.request(channel: .email).send, ledger: ledger, rules: AttachmentRules(attach: false))
        #expect(none.attached.isEmpty && none.onRequest.isEmpty)
        let webhook = LetterDocuments.select(for: Self.request(channel: .webhook).send, ledger: ledger, rules: AttachmentRules(maxBytes: 0))
        #expect(webhook.attached.map(\.sha256) == [Self.small, Self.large])
        #expect(LetterDocuments.select(for: Self.request(channel: .sms).send, ledger: ledger, rules: AttachmentRules()) == LetterDocuments())
    }

    @Test("one PDF shared by two invoices is attached once, naming both")
    func shared() {
        var ledger = Self.ledger()
        var second = ledger["INV-2"]!.invoice
        second.document = "inv-1.pdf"
        ledger.apply(.invoice(second))
        let selection = LetterDocuments.select(for: Self.request(channel: .email).send, ledger: ledger, rules: AttachmentRules())
        #expect(selection.attached.count == 1)
        #expect(selection.attached.first?.invoices == ["INV-1", "INV-2"])
    }

    static let invoiceWord = ["en": "invoice", "de": "Rechnung", "fr": "facture", "es": "factura", "it": "fattura", "nl": "factuur",
                              "pl": "faktura", "pt": "fatura"]

    @Test("the letter lists the attachments and the PDFs offered on request, in each language", arguments: LetterFixture.languages)
    func wording(language: String) throws {
        let renderer = ReminderRenderer(templates: try TemplateSet(userDirectory: nil), brand: LetterFixture.brand)
        var request = Self.request(channel: .email, language: language)
        request.documents = LetterDocuments.select(for: request.send, ledger: Self.ledger(), rules: AttachmentRules(maxBytes: 8_000))
        let message = try renderer.render(request)
        for part in [message.text ?? "", message.html ?? ""] {
            #expect(part.contains("inv-1.pdf"), "\(language): \(part)")
            #expect(part.contains("Rechnung 2.pdf (\(Self.invoiceWord[language]!) INV-2)"), "\(language)")
        }
        let without = try renderer.render(Self.request(channel: .email, language: language))
        #expect(!(without.text ?? "").contains(".pdf"))
    }

    @Test("the webhook payload names each document by file name, size and SHA-256, never its bytes")
    func webhook() throws {
        let renderer = ReminderRenderer(templates: try TemplateSet(userDirectory: nil), brand: LetterFixture.brand)
        var request = Self.request(channel: .webhook)
        request.documents = LetterDocuments.select(for: request.send, ledger: Self.ledger(), rules: AttachmentRules())
        let json = try JSONSerialization.jsonObject(with: Data((try renderer.render(request).webhook ?? "").utf8)) as? [String: Any]
        let documents = json?["documents"] as? [[String: Any]] ?? []
        #expect(documents.map { $0["file_name"] as? String } == ["inv-1.pdf", "Rechnung 2.pdf"])
        #expect(documents.map { $0["size"] as? Int } == [3_000, 6_000])
        #expect(documents.map { $0["sha256"] as? String } == [Self.small, Self.large])
    }
}
