import Foundation
import OverdueCalendar
@testable import OverdueCore
import Testing

@Suite("E-invoices: mapping, twins, terms, credit notes, unsafe XML")
struct EInvoiceTests {
    func fixture(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil)!))
    }

    func mapped(_ bytes: [UInt8]) throws -> EInvoiceMapping.Mapped {
        try EInvoiceMapping.map(try EInvoiceReader.read(bytes), defaultTermsDays: 30).get()
    }

    @Test("the repo's UBL and CII twins give the same invoice, due from BT-20's 14 days")
    func twins() throws {
        let ubl = try mapped(fixture("invoice-ubl.xml"))
        let cii = try mapped(fixture("invoice-cii.xml"))
        #expect(ubl.record == cii.record)
        guard case .invoice(let invoice) = ubl.record else { Issue.record("not an invoice"); return }
        #expect(invoice.id == "NW-2027-0001")
        #expect(invoice.customer.id == "ACME-7")
        #expect(invoice.customer.email == "ap@acme.example")
        #expect(invoice.customer.phone == "+4915112345678")
        #expect(invoice.customer.contact == "Jane Doe")
        #expect(invoice.amount == Decimal(string: "2337.50"))
        #expect(invoice.due == CalendarDate(iso: "2027-03-15"))
        #expect(ubl.note.contains("BT-20"))
    }

    @Test("payment terms with a number of days", arguments: [
        ("Net 30", 30), ("30 Tage netto", 30), ("Payable within 14 days", 14), ("Paiement à 45 jours", 45),
        ("Zahlbar sofort ohne Abzug", 0), ("#SKONTO#TAGE=7#PROZENT=2.00#\\nZahlbar in 30 Tagen", 30),
    ])
    func terms(text: String, days: Int) {
        #expect(EInvoiceMapping.termsDays(text.replacingOccurrences(of: "\\n", with: "\n")) == days)
    }

    @Test("no BT-9 and no days in BT-20: the default terms")
    func defaultTerms() throws {
        let text = String(decoding: try fixture("invoice-ubl.xml"), as: UTF8.self)
            .replacingOccurrences(of: "Zahlbar innerhalb von 14 Tagen ohne Abzug", with: "Bitte überweisen")
        let result = try mapped(Array(text.utf8))
        guard case .invoice(let invoice) = result.record else { return }
        #expect(invoice.due == CalendarDate(iso: "2027-03-31"))
        #expect(result.note.contains("default_terms_days (30)"))
    }

    @Test("a credit note reduces the invoice it references (BT-25); without BT-25 it is a customer credit")
    func creditNote() throws {
        let text = String(decoding: try fixture("invoice-ubl.xml"), as: UTF8.self)
            .replacingOccurrences(of: "<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>", with: "<cbc:InvoiceTypeCode>381</cbc:InvoiceTypeCode><cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID>NW-2026-0999</cbc:ID></cac:InvoiceDocumentReference></cac:BillingReference>")
            .replacingOccurrences(of: "<cbc:ID>NW-2027-0001</cbc:ID>", with: "<cbc:ID>CN-1</cbc:ID>")
        let result = try mapped(Array(text.utf8))
        #expect(result.record == .event(.payment(invoice: "NW-2026-0999", amount: Decimal(string: "2337.5")!,
                                                 date: CalendarDate(iso: "2027-03-01")!, reference: "credit note CN-1")))
        let orphan = text.replacingOccurrences(of: "<cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID>NW-2026-0999</cbc:ID></cac:InvoiceDocumentReference></cac:BillingReference>", with: "")
        let credit = try mapped(Array(orphan.utf8))
        #expect(credit.record == .event(.credit(customer: "ACME-7", amount: Decimal(string: "2337.5")!, currency: "EUR",
                                                reference: "credit note CN-1")))
        var ledger = Ledger()
        #expect(ledger.apply(credit.record) == nil)
        #expect(ledger.customerCredits["ACME-7"]?["EUR"] == Decimal(string: "2337.5"))
        // It survives the journal: encoded and decoded back the same.
        #expect(RecordDecoder().decode(RecordEncoder.object(credit.record)) == .accepted(credit.record))
    }

    @Test("no way to reach the buyer: accepted, the note names the missing business terms and the directory's keys")
    func unreachable() throws {
        let text = String(decoding: try fixture("invoice-cii.xml"), as: UTF8.self)
            .replacingOccurrences(of: "<ram:URIUniversalCommunication><ram:URIID schemeID=\"EM\">ap@acme.example</ram:URIID></ram:URIUniversalCommunication>", with: "")
            .replacingOccurrences(of: "<ram:TelephoneUniversalCommunication><ram:CompleteNumber>+49 151 12345678</ram:CompleteNumber></ram:TelephoneUniversalCommunication>", with: "")
            .replacingOccurrences(of: "<ram:Name>Acme GmbH</ram:Name>", with: """
                <ram:Name>Acme GmbH</ram:Name><ram:PostalTradeAddress><ram:CountryID>DE</ram:CountryID></ram:PostalTradeAddress>\
                <ram:SpecifiedTaxRegistration><ram:ID schemeID="FC">201/113/40209</ram:ID></ram:SpecifiedTaxRegistration>\
                <ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">DE 136 695 976</ram:ID></ram:SpecifiedTaxRegistration>
                """)
        let result = try mapped(Array(text.utf8))
        guard case .invoice(let invoice) = result.record else { Issue.record("not an invoice"); return }
        #expect(invoice.customer.email == nil && invoice.customer.phone == nil)
        #expect(result.note.contains("BT-58") && result.note.contains("customer directory"), "\(result.note)")
        // BT-55 and BT-48 (the VA registration, not the tax number) are read for the directory and the holidays.
        #expect(invoice.customer.country == "DE")
        #expect(invoice.customer.vatID == "DE 136 695 976")
    }

    @Test("payable 0 is a paid invoice")
    func zero() throws {
        let text = String(decoding: try fixture("invoice-ubl.xml"), as: UTF8.self)
            .replacingOccurrences(of: ">2337.5<", with: ">0.00<")
        var ledger = Ledger()
        ledger.apply(try mapped(Array(text.utf8)).record)
        #expect(ledger["NW-2027-0001"]?.state(on: CalendarDate(iso: "2027-04-01")!) == .paid)
    }

    @Test("billion laughs and XXE are refused at once; other XML is named", arguments: [
        ("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\"><!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\"><!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\"><!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\"><!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\"><!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\"><!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\"><!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">]><Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\"><ID>&lol9;</ID></Invoice>", "DTD"),
        ("<?xml version=\"1.0\"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\"><ID>&xxe;</ID></Invoice>", "DTD"),
        ("<?xml version=\"1.0\"?><Order xmlns=\"urn:example:order\"><ID>1</ID></Order>", "expected a UBL 2.1 Invoice"),
        ("<?xml version=\"1.0\"?><Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\"><ID>1</ID>", "not well-formed"),
    ])
    func unsafe(xml: String, hint: String) {
        let clock = ContinuousClock()
        let started = clock.now
        guard case .unreadable(let reason) = InboxFileParser().parse(Array(xml.utf8), fileName: "evil.xml") else {
            Issue.record("accepted"); return
        }
        #expect(clock.now - started < .seconds(1))
        #expect(reason.contains(hint), "\(reason)")
        #expect(!reason.contains("root:"))  // nothing of /etc/passwd
    }
}
