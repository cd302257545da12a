import Foundation
import Testing
import TestSupport

/// Credits the bank takes back (a SEPA return, a recall, an MT940 `RC`
/// line): what they paid is owed again and the debtor's ladder goes on;
/// a return of a credit nobody placed takes it off the list; one whose
/// credit is not known is listed for a person, who assigns or dismisses it.
@Suite("Bank statements: returned credits reopen what they paid")
struct StatementReversalTests {
    static let account = "DE12500105170648489890"
    static let alphaIBAN = "DE89370400440532013000"
    static let betaIBAN = "FR7630006000011234567890189"

    static func mt940(_ lines: String) -> [UInt8] {
        Array("""
            :20:STARTUMSE
            :25:\(account)
            :28C:00042/001
            :60F:C270602EUR0,00
            \(lines)
            :62F:C270603EUR0,00

            """.utf8)
    }

    /// A camt.053 booking a returned credit as ISO 20022 does: a debit with the reversal indicator.
    static func camtReturn(amount: String, endToEnd: String, reference: String) -> [UInt8] {
        Array("""
            <?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt>
            <Acct><Id><IBAN>\(account)</IBAN></Id></Acct>
            <Ntry><Amt Ccy="EUR">\(amount)</Amt><CdtDbtInd>DBIT</CdtDbtInd><RvslInd>true</RvslInd><Sts>BOOK</Sts>
            <BookgDt><Dt>2027-06-20</Dt></BookgDt><ValDt><Dt>2027-06-20</Dt></ValDt><AcctSvcrRef>\(reference)</AcctSvcrRef>
            <NtryDtls><TxDtls><Refs><EndToEndId>\(endToEnd)</EndToEndId></Refs>
            <RtrInf><Rsn><Cd>AC04</Cd></Rsn></RtrInf></TxDtls></NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>
            """.utf8)
    }

    static func unmatched(_ config: URL) throws -> [[String: Any]] {
        try Controls.json(config, ["payments", "--unmatched"]) as! [[String: Any]]
    }

    @Test("returns reopen the invoices they paid, once; an unknown return is assigned, a stray credit dismissed")
    func returnsReopen() throws {
        let test = try TestSpool(prefix: "overdue-returns", config: StatementEndToEndTests.config)
        try test.drop([StatementEndToEndTests.invoice("INV-201", customer: "alpha", amount: "120.00"),
                       StatementEndToEndTests.invoice("INV-202", customer: "beta", amount: "250.00"),
                       StatementEndToEndTests.invoice("INV-203", customer: "gamma", amount: "80.00")].joined(separator: "\n"),
                      as: "invoices.jsonl")
        try Controls.pass(test.config, at: "2027-06-02T10:00:00Z")
        // Gamma paid by a payment record typed by hand (no bank reference to find it by).
        try test.drop(#"{"event": "payment", "invoice": "INV-203", "amount": "80.00", "date": "2027-06-03"}"#, as: "typed.jsonl")
        try StatementEndToEndTests.place(Self.mt940("""
            :61:2706030603CR120,00NTRFNONREF//BANK-1
            :86:166?00GUTSCHRIFT?20EREF+E2E-A?21SVWZ+INV-201?31\(Self.alphaIBAN)?32Alpha GmbH
            :61:2706030603CR250,00NTRFNONREF//BANK-2
            :86:166?00GUTSCHRIFT?20SVWZ+Invoice INV-202?31\(Self.betaIBAN)?32Beta GmbH
            :61:2706030603CR40,00NTRFNONREF//BANK-3
            :86:166?00GUTSCHRIFT?20SVWZ+Sammelzahlung?32Delta AG
            :61:2706030603CR12,50NTRFNONREF//BANK-4
            :86:166?00GUTSCHRIFT?20SVWZ+Zinsen 2027?32Eigene Bank
            """), as: "0603.sta", in: test)
        try Controls.pass(test.config, at: "2027-06-03T10:00:00Z")
        for id in ["INV-201", "INV-202", "INV-203"] {
            #expect(try Controls.run(test.config, ["show", id]).stdout.contains("balance 0.00"), "\(id)")
        }
        #expect(try Self.unmatched(test.config).count == 2)
        // The log's table says what each statement held and what became of it.
        let table = try Controls.run(test.config, ["log", "--event", "statement"]).stdout
        #expect(table.contains("MT940 \(Self.account) (0603.sta)") && table.contains("credits 4, matched 2, unmatched 2"), "\(table)")

        // Alpha's credit comes back in the camt.053 (by its end-to-end id); beta's and
        // Delta's as MT940 RC lines without references (beta: the one credit of 250 from
        // that IBAN; Delta: the one unplaced credit of 40 in that name); a return of 80
        // nobody can tie; the bank's own interest dismissed by a person.
        try StatementEndToEndTests.place(Self.camtReturn(amount: "120.00", endToEnd: "E2E-A", reference: "RET-1"), as: "0620.xml", in: test)
        let returns = Self.mt940("""
            :61:2706200620RC250,00NTRFNONREF//RET-2
            :86:166?00RUECKUEBERWEISUNG?31\(Self.betaIBAN)?32Beta GmbH
            :61:2706200620RC40,00NTRFNONREF//RET-3
            :86:166?00RUECKUEBERWEISUNG?32Delta AG
            :61:2706200620RC80,00NTRFNONREF//RET-4
            :86:166?00RUECKLASTSCHRIFT?32Somebody
            """)
        try StatementEndToEndTests.place(returns, as: "0620.sta", in: test)
        try Controls.pass(test.config, at: "2027-06-20T10:00:00Z")
        #expect(try Controls.run(test.config, ["log", "--event", "reversal"]).stdout.contains("reopened"))
        let reversals = try Controls.log(test.config, ["--event", "reversal"])
        #expect(reversals.compactMap { $0["action"] as? String }.sorted() == ["for_a_person", "reopened", "reopened", "settled"], "\(reversals)")
        #expect(try Controls.run(test.config, ["show", "INV-201"]).stdout.contains("balance 120.00"))
        #expect(try Controls.run(test.config, ["show", "INV-202"]).stdout.contains("balance 250.00"))
        let returned = try Controls.log(test.config, ["--event", "ingested"]).filter { $0["record_type"] as? String == "payment_return" }
        #expect(Set(returned.compactMap { $0["invoice"] as? String }) == ["INV-201", "INV-202"], "\(returned)")
        // Alpha and beta are chased again: the firm letters, due since 06-11, went out in that pass.
        func firm() throws -> Set<String> {
            Set(try Controls.log(test.config, ["--event", "sent"]).filter { $0["stage"] as? String == "firm" }.compactMap { $0["customer"] as? String })
        }
        #expect(try firm() == ["alpha", "beta"])

        // The same returns again (re-exported): nothing taken back twice.
        try StatementEndToEndTests.place(returns + Array("\n".utf8), as: "0620-again.sta", in: test)
        try Controls.pass(test.config, at: "2027-06-20T11:00:00Z")
        let again = try #require(try Controls.log(test.config, ["--event", "statement"]).last)
        // (The return nobody could tie is logged again, as an unmatched credit is, and listed once.)
        #expect(again["reversals"] as? Int == 1 && again["applied_before"] as? Int == 2, "\(again)")
        #expect(try Controls.run(test.config, ["show", "INV-202"]).stdout.contains("balance 250.00"))

        // Left for a person: the unknown return, and the interest credit.
        let listed = try Self.unmatched(test.config)
        #expect(Set(listed.compactMap { $0["payer"] as? String }) == ["Somebody", "Eigene Bank"], "\(listed)")
        let unknownReturn = try #require(listed.first { $0["payer"] as? String == "Somebody" }?["entry"] as? String)
        #expect(listed.first { $0["payer"] as? String == "Somebody" }?["kind"] as? String == "reversal")
        // The list is the ledger's: log retention removing the day's log file loses nothing of it.
        let logs = test.spool.appendingPathComponent("log")
        for file in try FileManager.default.contentsOfDirectory(atPath: logs.path) {
            try FileManager.default.moveItem(at: logs.appendingPathComponent(file), to: test.root.appendingPathComponent("old-\(file)"))
        }
        #expect(try Self.unmatched(test.config).count == 2)
        for file in try FileManager.default.contentsOfDirectory(atPath: test.root.path) where file.hasPrefix("old-") {
            try FileManager.default.moveItem(at: test.root.appendingPathComponent(file), to: logs.appendingPathComponent(String(file.dropFirst(4))))
        }
        let interest = try #require(listed.first { $0["payer"] as? String == "Eigene Bank" }?["entry"] as? String)
        // More than was paid on the invoice is refused, naming what was.
        let tooMuch = try OverdueBinary.run(["--config", test.config.path, "assign", unknownReturn, "INV-201"])
        #expect(tooMuch.status == 1 && tooMuch.stderr.contains("statement-amount-invalid") && tooMuch.stderr.contains("0.00 paid"), "\(tooMuch.stderr)")
        _ = try Controls.run(test.config, ["assign", unknownReturn, "INV-203"])
        _ = try Controls.run(test.config, ["dismiss", interest, "--reason", "interest from our own bank"])
        try Controls.pass(test.config, at: "2027-06-20T12:00:00Z")
        #expect(try Controls.run(test.config, ["show", "INV-203"]).stdout.contains("balance 80.00"))
        let left = try Self.unmatched(test.config)
        #expect(left.isEmpty, "\(left)")
        // The first statement again: the dismissed credit is not listed again, nothing paid again.
        try StatementEndToEndTests.place(Self.mt940("""
            :61:2706030603CR12,50NTRFNONREF//BANK-4
            :86:166?00GUTSCHRIFT?20SVWZ+Zinsen 2027?32Eigene Bank
            """), as: "0603-again.sta", in: test)
        try Controls.pass(test.config, at: "2027-06-20T13:00:00Z")
        #expect(try Self.unmatched(test.config).isEmpty)
        // A restart from the snapshot agrees with a replay (both read returns and settled credits).
        let status = try Controls.status(test.config, now: "2027-06-20T13:00:00Z")
        #expect(status["invoices"] != nil)
        #expect(try firm() == ["alpha", "beta", "gamma"])
    }
}
