import Foundation
import Testing
import TestSupport

/// Found by a user review of bank statements: a credit placed twice by two
/// quick decisions, statements applied in part, absurd amounts taken as
/// money, files cut short read as whole, one credit listed twice, an
/// assignment taken for news from the bank.
@Suite("Bank statements: nothing twice, nothing in part")
struct StatementSafetyTests {
    static let config = Controls.config(schedule: "payments_stale_after_hours = 36", rest: """
        [[policy]]
        name = "standard"
        stages = [ { name = "overdue", offset_days = 1, channels = ["email"] } ]
        """)

    static func camt(_ entries: String, kind: String = "053") -> String {
        let root = kind == "053" ? ("BkToCstmrStmt", "Stmt") : ("BkToCstmrDbtCdtNtfctn", "Ntfctn")
        return """
            <?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.\(kind).001.08"><\(root.0)><\(root.1)>
            <Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>\(entries)</\(root.1)></\(root.0)></Document>
            """
    }

    static func credit(_ amount: String, reference: String?, text: String, endToEnd: String? = nil, currency: String = "EUR") -> String {
        #"<Ntry><Amt Ccy="\#(currency)">\#(amount)</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><ValDt><Dt>2027-06-03</Dt></ValDt>"#
            + (reference.map { "<AcctSvcrRef>\($0)</AcctSvcrRef>" } ?? "")
            + "<NtryDtls><TxDtls>" + (endToEnd.map { "<Refs><EndToEndId>\($0)</EndToEndId></Refs>" } ?? "")
            + "<RmtInf><Ustrd>\(text)</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
    }

    func book() throws -> TestSpool {
        let test = try TestSpool(prefix: "overdue-statement-safety", config: Self.config)
        try test.drop([StatementEndToEndTests.invoice("INV-1", customer: "alpha", amount: "120.00"),
                       StatementEndToEndTests.invoice("INV-2", customer: "beta", amount: "250.00")].joined(separator: "\n"), as: "book.jsonl")
        try Controls.pass(test.config, at: "2027-06-02T10:00:00Z")
        return test
    }

    func balance(_ test: TestSpool, _ invoice: String) throws -> String {
        try Controls.run(test.config, ["show", invoice]).stdout
    }

    func rejectedReason(_ test: TestSpool) throws -> String {
        let rejected = try Controls.log(test.config, ["--event", "rejected"])
        return rejected.last?["detail"] as? String ?? ""
    }

    @Test("one bad entry rejects the whole statement: too many decimals, more digits than camt allows; nothing of it applied")
    func wholeOrNothing() throws {
        let test = try book()
        for (name, bad) in [("decimals.xml", "500.005"), ("huge.xml", "99999999999999999999999999999.99")] {
            try test.drop(Self.camt(Self.credit("120.00", reference: "G-\(name)", text: "INV-1") + Self.credit(bad, reference: "B-\(name)", text: "INV-2")),
                          as: name)
            try Controls.pass(test.config, at: "2027-06-03T10:00:00Z")
            let reason = try rejectedReason(test)
            #expect(reason.contains("entry 2") && reason.contains("Ntry/Amt") && reason.contains(bad), "\(reason)")
            #expect(try balance(test, "INV-1").contains("balance 120.00"), "\(name) applied in part")
        }
        // A huge MT940 amount (longer than SWIFT's 15 characters) too.
        try test.drop("""
            :20:X
            :25:DE89370400440532013000
            :28C:1/1
            :60F:C270602EUR0,00
            :61:2706030603C99999999999999,99NTRFNONREF//H-1
            :86:166?20SVWZ+INV-2
            :62F:C270603EUR99999999999999,99
            """, as: "huge.sta")
        try Controls.pass(test.config, at: "2027-06-03T10:05:00Z")
        #expect(try rejectedReason(test).contains("15 characters"))
        #expect(try balance(test, "INV-2").contains("balance 250.00"))
    }

    @Test("an MT940 statement cut short after its entries is refused; a 0.00 entry moves no money")
    func cutShort() throws {
        let test = try book()
        try test.drop("""
            :20:X
            :25:DE89370400440532013000
            :28C:1/1
            :60F:C270602EUR0,00
            :61:2706030603C120,00NTRFNONREF//C-1
            :86:166?20SVWZ+INV-1
            :61:2706030603C250,00NTRFNONREF//C-2
            """, as: "cut.sta")
        try Controls.pass(test.config, at: "2027-06-03T10:00:00Z")
        #expect(try rejectedReason(test).contains("cut short"))
        #expect(try balance(test, "INV-1").contains("balance 120.00"))
        try test.drop(Self.camt(Self.credit("0.00", reference: "Z-1", text: "INV-1")), as: "zero.xml")
        try Controls.pass(test.config, at: "2027-06-03T10:05:00Z")
        let summary = try #require(try Controls.log(test.config, ["--event", "statement"]).last)
        let listed = try Controls.json(test.config, ["payments", "--unmatched"]) as! [Any]
        #expect(summary["credits"] as? Int == 0 && listed.isEmpty)
    }

    @Test("a listed credit is placed once: a second assign or a dismiss dropped before the daemon read the first is refused; an assign is no news from the bank")
    func placedOnce() throws {
        let test = try book()
        try test.drop(Self.camt(Self.credit("40.00", reference: "U-1", text: "Sammelzahlung")), as: "day.xml")
        try Controls.pass(test.config, at: "2027-06-03T10:00:00Z")
        let entry = try #require((try Controls.json(test.config, ["payments", "--unmatched"]) as! [[String: Any]]).first?["entry"] as? String)
        _ = try Controls.run(test.config, ["assign", entry, "INV-1"])
        _ = try Controls.run(test.config, ["assign", entry, "INV-2"])
        _ = try Controls.run(test.config, ["dismiss", entry, "--reason", "not ours"])
        // Read days later, when the feed is stale: the assignment must not pass for fresh bank data.
        try Controls.pass(test.config, at: "2027-06-10T10:00:00Z")
        let payments = try Controls.log(test.config, ["--event", "ingested"]).filter { $0["record_type"] as? String == "payment" }
        #expect(payments.count == 1 && payments.first?["entry"] as? String == entry, "\(payments)")
        let refused = try Controls.log(test.config, ["--event", "rejected"])
        #expect(refused.count == 2 && refused.allSatisfy { ($0["detail"] as? String)?.contains("no longer listed") == true }, "\(refused)")
        let (first, second) = (try balance(test, "INV-1"), try balance(test, "INV-2"))
        #expect(first.contains("balance 80.00") && second.contains("balance 250.00"))
        #expect(try Controls.status(test.config, now: "2027-06-10T10:00:00Z")["payments_stale"] is [String: Any])
    }

    @Test("the same unplaced credit in a camt.054 and then the day's camt.053 (another bank reference) is listed once")
    func listedOnce() throws {
        let test = try book()
        try test.drop(Self.camt(Self.credit("40.00", reference: "N-1", text: "Sammelzahlung", endToEnd: "E2E-SAME"), kind: "054"), as: "n.xml")
        try Controls.pass(test.config, at: "2027-06-03T10:00:00Z")
        try test.drop(Self.camt(Self.credit("40.00", reference: "S-9", text: "Sammelzahlung", endToEnd: "E2E-SAME")), as: "s.xml")
        try Controls.pass(test.config, at: "2027-06-03T18:00:00Z")
        #expect((try Controls.json(test.config, ["payments", "--unmatched"]) as! [Any]).count == 1)
        #expect(try Controls.log(test.config, ["--event", "statement"]).last?["applied_before"] as? Int == 1)
    }
}
