import Foundation
import Testing
import TestSupport

/// The customer directory through the binary: invoices and e-invoices
/// without a buyer e-mail are accepted and wait; a directory file gives
/// them the address and its Cc (each its own SMTP envelope, an opted-out
/// Cc left out); `exclude` stops reminders; a changed policy applies at the
/// next pass; `show CUSTOMER` names the record's file.
@Suite("Customer directory end to end")
struct CustomerDirectoryEndToEndTests {
    static let repoFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("OverdueCoreTests/Fixtures")
    static let shared = EInvoiceIngestTests.shared
    static var sharedAvailable: Bool { EInvoiceIngestTests.available }

    static func config(smtp: LoopbackServer) -> String {
        """
        [spool]
        dir = "spool"
        [brand]
        name = "Northwind Supplies Ltd"
        from = "Northwind Accounts <accounts@northwind.example>"
        [schedule]
        timezone = "Europe/Berlin"
        [[policy]]
        name = "standard"
        stages = [
          { name = "overdue", offset_days = 1, channels = ["email"] },
          { name = "firm", offset_days = 8, channels = ["email"] },
        ]
        [[policy]]
        name = "strict"
        stages = [
          { name = "overdue", offset_days = 1, channels = ["email"] },
          { name = "demand", offset_days = 5, channels = ["email"], template = "firm", label = { en = "demand", de = "Zahlungsaufforderung", fr = "mise en demeure", es = "requerimiento", it = "richiesta di pagamento", nl = "betalingsverzoek", pl = "wezwanie", pt = "pedido de pagamento" } },
        ]
        """ + "\n" + TestSpool.smtpChannel(port: smtp.port)
    }

    /// The repo's own CII e-invoice (NW-2027-0001, due 2027-03-15) with the
    /// buyer's e-mail and phone taken out and a VAT id (BT-48) put in.
    static func einvoiceWithoutContact() throws -> String {
        try String(contentsOf: repoFixtures.appendingPathComponent("invoice-cii.xml"), encoding: .utf8)
            .replacingOccurrences(of: "<ram:URIUniversalCommunication><ram:URIID schemeID=\"EM\">ap@acme.example</ram:URIID></ram:URIUniversalCommunication>", with: "")
            .replacingOccurrences(of: "<ram:TelephoneUniversalCommunication><ram:CompleteNumber>+49 151 12345678</ram:CompleteNumber></ram:TelephoneUniversalCommunication>", with: "")
            .replacingOccurrences(of: "<ram:Name>Acme GmbH</ram:Name>", with: "<ram:Name>Acme GmbH</ram:Name><ram:SpecifiedTaxRegistration><ram:ID schemeID=\"VA\">DE 136 695 976</ram:ID></ram:SpecifiedTaxRegistration>")
    }

    @Test("e-invoice and invoice without e-mail wait; the directory gives address and Cc; exclude stops; a new policy applies next pass")
    func directory() throws {
        let smtp = try LoopbackServer(.smtp)
        let test = try TestSpool(prefix: "overdue-directory", config: Self.config(smtp: smtp))
        try test.drop(try Self.einvoiceWithoutContact(), as: "NW-2027-0001.xml")
        try test.drop(#"{"invoice": "INV-77", "customer": {"id": "C-1007", "name": "Acme GmbH"}, "issued": "2027-02-13", "due": "2027-03-15", "currency": "EUR", "amount": "500.00"}"#,
                      as: "invoice.json")
        // Tue 2027-03-16, the overdue notice's day: both accepted, neither can be sent.
        try Controls.pass(test.config, at: "2027-03-16T10:00:00Z")
        #expect(try Controls.log(test.config, ["--event", "ingested"]).count == 2)
        #expect(try Controls.received(smtp).isEmpty)
        let waiting = try Controls.status(test.config, now: "2027-03-16T10:00:00Z")
        #expect(Controls.held(waiting, "no_contact") == ["ACME-7", "C-1007"], "\(waiting)")

        // The CRM's export arrives: the e-invoice finds C-1007 by its VAT id.
        try test.drop("""
            {"record": "customer", "id": "C-1007", "name": "Acme GmbH", "email": "ap@acme.example", "cc": ["controller@acme.example", "cfo@acme.example"], "vat_id": "DE136695976", "timezone": "Europe/Berlin", "country": "DE"}
            {"event": "optout", "address": "cfo@acme.example", "channel": "email"}
            """, as: "crm.jsonl")
        try Controls.pass(test.config, at: "2027-03-16T10:05:00Z")
        let mails = try Controls.received(smtp, atLeast: 2)
        #expect(mails.count == 2)
        // One envelope recipient per transfer: the debtor and the one Cc not opted out.
        #expect(Set(mails.map(\.rcpt)) == [["ap@acme.example"], ["controller@acme.example"]])
        for mail in mails {
            #expect(Controls.header("To", in: mail.headers) == "ap@acme.example")
            #expect(Controls.header("Cc", in: mail.headers) == "controller@acme.example")
        }
        let sent = try Controls.log(test.config, ["--event", "sent"])
        #expect(sent.allSatisfy { Set($0["invoices"] as? [String] ?? []) == ["INV-77", "NW-2027-0001"] && $0["customer"] as? String == "C-1007" })
        let suppressed = try Controls.log(test.config, ["--event", "suppressed"])
        #expect(suppressed.map { $0["recipient"] as? String } == ["cfo@acme.example"])
        #expect(Controls.held(try Controls.status(test.config, now: "2027-03-16T10:05:00Z"), "no_contact").isEmpty)

        let shown = try Controls.json(test.config, ["show", "C-1007"]) as! [String: Any]
        #expect((shown["source"] as? [String: Any])?["file"] as? String == "crm.jsonl")
        #expect((shown["record"] as? [String: Any])?["cc"] as? [String] == ["controller@acme.example", "cfo@acme.example"])
        #expect((shown["invoices"] as? [Any])?.count == 2)
        #expect(try Controls.run(test.config, ["show", "C-1007"]).stdout.contains("directory record from crm.jsonl"))

        // exclude = true: the firm notice (Tue 03-23) does not go; plan and status list the debtor.
        try test.drop(#"{"record": "customer", "id": "C-1007", "email": "ap@acme.example", "vat_id": "DE136695976", "exclude": true}"#, as: "crm-2.json")
        try Controls.pass(test.config, at: "2027-03-23T10:00:00Z")
        #expect(try Controls.received(smtp).count == 2)
        #expect(Controls.held(try Controls.status(test.config, now: "2027-03-23T10:00:00Z"), "excluded") == ["C-1007"])
        let plan = try Controls.run(test.config, ["plan", "--from", "2027-03-23T10:00:00Z", "--days", "30"]).stdout
        #expect(plan.contains("excluded: C-1007"), "\(plan)")
        #expect(try Controls.log(test.config, ["--event", "held"]).contains { $0["reason"] as? String == "excluded" })

        // Back in, on the strict policy: its own stage goes the day after the
        // overdue letter's deadline (pay by 03-23).
        try test.drop(#"{"record": "customer", "id": "C-1007", "email": "ap@acme.example", "vat_id": "DE136695976", "policy": "strict"}"#, as: "crm-3.json")
        try Controls.pass(test.config, at: "2027-03-23T10:05:00Z")
        #expect(try Controls.log(test.config, ["--event", "sent"]).filter { $0["stage"] as? String == "demand" }.isEmpty)
        // preview asks about the debtor the planner reminds: the e-invoice is C-1007's, on C-1007's strict policy.
        let preview = try Controls.run(test.config, ["preview", "NW-2027-0001", "--now", "2027-03-24T10:00:00Z"]).stdout
        #expect(preview.contains("stage: demand") && preview.contains("to: ap@acme.example"), "\(preview)")
        #expect(try Controls.run(test.config, ["preview", "C-1007", "--now", "2027-03-24T10:00:00Z"]).stdout.contains("stage: demand"))
        #expect(try Controls.run(test.config, ["preview", "NW-2027-0001", "--stage", "demand", "--now", "2027-03-24T10:00:00Z"]).stdout
            .contains("stage: demand (forced by --stage)"))
        try Controls.pass(test.config, at: "2027-03-24T10:00:00Z")
        let strict = try Controls.log(test.config, ["--event", "sent"]).filter { $0["stage"] as? String == "demand" }
        #expect(strict.count == 1 && strict.first?.keys.contains("cc") == false)
        #expect(try Controls.received(smtp, atLeast: 3).count == 3)
    }

    @Test("shared e-invoices without any buyer e-mail (UBL, Factur-X) are accepted and reminded at the directory's address with its Cc",
          .enabled(if: sharedAvailable, "../shared/fixtures/einvoices is absent"))
    func sharedSamples() throws {
        let smtp = try LoopbackServer(.smtp)
        let test = try TestSpool(prefix: "overdue-directory-shared", config: Self.config(smtp: smtp))
        for name in ["ubl/en16931-ubl-tc434-example8.xml", "facturx/zugferd-corpus-EN16931_Einfach_DueDate.pdf"] {
            try FileManager.default.copyItem(at: Self.shared.appendingPathComponent(name),
                                             to: test.inbox.appendingPathComponent(URL(fileURLWithPath: name).lastPathComponent))
        }
        try Controls.pass(test.config, at: "2027-03-16T10:00:00Z")
        let ingested = try Controls.log(test.config, ["--event", "ingested"])
        #expect(ingested.count == 2, "\(ingested)")
        let buyers = Controls.held(try Controls.status(test.config, now: "2027-03-16T10:00:00Z"), "no_contact")
        #expect(buyers.count == 2 && buyers.contains("1081119"), "\(buyers)")
        // The team adds both buyers to the directory, as the status told them.
        try test.drop(buyers.map { #"{"record": "customer", "id": "\#($0)", "email": "ap-\#($0)@buyer.example", "cc": ["ar-\#($0)@buyer.example"]}"# }
            .joined(separator: "\n"), as: "directory.jsonl")
        try Controls.pass(test.config, at: "2027-03-16T10:05:00Z")
        let mails = try Controls.received(smtp, atLeast: 4)
        #expect(Set(mails.flatMap(\.rcpt)) == Set(buyers.flatMap { ["ap-\($0)@buyer.example", "ar-\($0)@buyer.example"] }))
        #expect(mails.allSatisfy { Controls.header("Cc", in: $0.headers)?.hasPrefix("ar-") == true })
    }
}
