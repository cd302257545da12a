import Foundation
import Testing
import TestSupport

/// What a finance manager and a clerk read through the binary: `show`,
/// `log --customer`, `status`, and what ingest says of a careful clerk's
/// mistakes (issue: reports, the log and `show` that tell the truth).
@Suite("show, log and status tell the truth at a glance")
struct ManagerViewsTests {
    static let config = Controls.config(schedule: "min_gap_days = 3", rest: """
        [[policy]]
        name = "standard"
        stages = [
          { name = "overdue", offset_days = 1, channels = ["email"] },
          { name = "firm", offset_days = 8, channels = ["email"] },
        ]
        """)

    @Test("show names installments, pay-by dates and why an invoice is held; log --customer finds payments and promises")
    func showAndLog() throws {
        let test = try TestSpool(prefix: "overdue-views", config: Self.config)
        try test.drop("""
            {"invoice": "M-1002", "customer": {"id": "dubois", "name": "Dubois SARL", "email": "ap@dubois.example"}, "issued": "2027-04-01", "due": "2027-05-01", "currency": "EUR", "amount": "900.00", "installments": [{"due": "2027-05-01", "amount": "300.00"}, {"due": "2027-05-15", "amount": "300.00"}, {"due": "2027-06-01", "amount": "300.00"}]}
            {"invoice": "H-1", "customer": {"id": "silent", "name": "Silent Ltd"}, "issued": "2027-04-01", "due": "2027-05-01", "currency": "EUR", "amount": "120.00"}
            """, as: "invoices.jsonl")
        try Controls.pass(test.config, at: "2027-05-02T10:00:00Z")
        try test.drop("""
            {"event": "payment", "invoice": "M-1002", "amount": "300.00", "date": "2027-05-03"}
            {"event": "promise", "invoice": "M-1002", "date": "2027-05-20"}
            """, as: "events.jsonl")
        try Controls.pass(test.config, at: "2027-05-16T10:00:00Z")
        try Controls.pass(test.config, at: "2027-05-24T10:00:00Z")

        let show = try Controls.run(test.config, ["show", "M-1002", "--now", "2027-05-24T11:00:00Z"]).stdout
        #expect(show.contains("installment 1 of 3 due 2027-05-01: 300.00 (paid)"), "\(show)")
        #expect(show.contains("installment 2 of 3 due 2027-05-15: 300.00 (300.00 open, 9 days overdue)"), "\(show)")
        #expect(show.contains("overdue (installment 1 of 3) email → ap@dubois.example, pay by "), "\(show)")
        #expect(show.contains("(installment 2 of 3)"), "\(show)")
        // One invoice is its debtor's matter: at 23:30 UTC on 24 May it is already 25 May for a debtor in Auckland.
        try test.drop(#"{"invoice": "K-7", "customer": {"id": "kiwi", "name": "Kiwi Ltd", "email": "ap@kiwi.example", "timezone": "Pacific/Auckland"}, "issued": "2027-04-01", "due": "2027-05-01", "currency": "EUR", "amount": "200.00", "installments": [{"due": "2027-05-01", "amount": "100.00"}, {"due": "2027-05-24", "amount": "100.00"}]}"#,
                      as: "kiwi.json")
        try Controls.pass(test.config, at: "2027-05-24T11:05:00Z")
        let kiwi = try Controls.run(test.config, ["show", "K-7", "--now", "2027-05-24T23:30:00Z"]).stdout
        #expect(kiwi.contains("installment 2 of 2 due 2027-05-24: 100.00 (100.00 open, 1 day overdue)"), "\(kiwi)")
        let held = try Controls.run(test.config, ["show", "H-1", "--now", "2027-05-24T11:00:00Z"]).stdout
        #expect(held.contains("reminders: none yet (held, below)") && held.contains("held: no contact yet"), "\(held)")
        // No empty field: the customer line without a phone ends with the address.
        #expect(!show.split(separator: "\n").contains { $0.hasSuffix(" ") || $0.contains("()") }, "\(show)")

        let lines = try Controls.log(test.config, ["--customer", "dubois"])
        let types = lines.compactMap { $0["record_type"] as? String }
        #expect(types.contains("payment") && types.contains("promise"), "\(lines)")
    }

    @Test("status counts what is still rejected, messages by outcome, and a due date before the issue date as a warning; ingest suggests the number meant")
    func statusAndIngest() throws {
        let test = try TestSpool(prefix: "overdue-status-views", config: Self.config)
        try test.drop("""
            {"invoice": "X-101", "customer": {"id": "x", "name": "X Ltd", "email": "ap@x.example"}, "issued": "2027-04-01", "due": "2027-05-01", "currency": "EUR", "amount": "50.00"}
            {"invoice": "W-1", "customer": {"id": "w", "name": "W Ltd", "email": "ap@w.example"}, "issued": "2027-04-20", "due": "2027-04-10", "currency": "EUR", "amount": "70.00"}
            {"event": "optout", "address": "ap@w.example", "channel": "email"}
            """, as: "invoices.jsonl")
        try test.drop(#"{"event": "payment", "invoice": "x 0101", "amount": "10.00", "date": "2027-05-01"}"#, as: "pay.jsonl")
        try Controls.pass(test.config, at: "2027-05-02T10:00:00Z")
        let rejected = try Controls.log(test.config, ["--event", "rejected"])
        #expect((rejected.first?["detail"] as? String)?.contains("did you mean \"X-101\"?") == true, "\(rejected)")
        let warning = try Controls.log(test.config, ["--event", "warning"])
        #expect(warning.count == 1 && warning.first?["invoice"] as? String == "W-1" && warning.first?["field"] as? String == "due")

        var status = try Controls.status(test.config, now: "2027-05-02T11:00:00Z")
        #expect(status["rejected"] as? Int == 1)
        let deliveries = try #require(status["deliveries"] as? [String: Int])
        #expect(deliveries["delivered"] == 1 && deliveries["suppressed"] == 1 && status["sent"] as? Int == 1, "\(deliveries)")
        #expect((status["warnings"] as? [[String: Any]])?.first?["invoice"] as? String == "W-1")
        let text = try Controls.run(test.config, ["status", "--now", "2027-05-02T11:00:00Z"]).stdout
        #expect(text.contains("sent: 1 delivered, 1 suppressed (opted out or bounced)"), "\(text)")
        #expect(text.contains("warnings: 1") && text.contains("W-1: due date 2027-04-10 is before the issue date 2027-04-20"), "\(text)")
        for line in text.split(separator: "\n") {
            #expect(!line.hasSuffix(" ") && !line.hasSuffix(":") && !line.contains("()") && !line.contains(" )"), "\(line)")
        }

        // The clerk fixes the number and drops the file again under its name: nothing is rejected any more, and nothing is lost.
        try test.drop(#"{"event": "payment", "invoice": "X-101", "amount": "10.00", "date": "2027-05-01"}"#, as: "pay.jsonl")
        try Controls.pass(test.config, at: "2027-05-02T12:00:00Z")
        status = try Controls.status(test.config, now: "2027-05-02T12:00:00Z")
        #expect(status["rejected"] as? Int == 0)
        let resolved = test.root.appendingPathComponent("spool/rejected/resolved")
        #expect(try FileManager.default.contentsOfDirectory(atPath: resolved.path).contains { $0.hasSuffix("pay.jsonl.error") })
        #expect(try Controls.log(test.config, ["--event", "resolved"]).count == 1)
    }

    @Test("a one-invoice PDF counts as one record: its stored document is not a second one")
    func pdfCountedOnce() throws {
        let test = try TestSpool(prefix: "overdue-pdf-count", config: Self.config)
        // The repository's own CII invoice in a Factur-X PDF (the shared corpus may be absent).
        let cii = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("OverdueCoreTests/Fixtures/invoice-cii.xml")
        try Data(try TestPDF.make(.hybrid, xml: Array(try Data(contentsOf: cii)))).write(to: test.inbox.appendingPathComponent("NW-2027-0001.pdf"))
        let pass = try Controls.run(test.config, ["run", "--once", "--now", "2027-03-16T10:00:00Z"]).stdout
        #expect(pass.contains("1 file(s): 1 record(s) accepted, 0 rejected"), "\(pass)")
    }
}
