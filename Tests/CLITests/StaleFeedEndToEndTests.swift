import Foundation
import Testing
import TestSupport

/// The stale payment feed guard through the binary: with the guard at 36
/// hours and no payment file for 37, reminders from the due date on are held
/// (logged once, in `status` and the metrics) while a courtesy note before
/// the due date still goes; the next payment file releases them at once.
@Suite("Stale payment feed guard end to end")
struct StaleFeedEndToEndTests {
    @Test("37 h without payments at 36: post-due held, courtesy sent; a payment file releases at once")
    func guardHoldsAndReleases() throws {
        let test = try TestSpool(prefix: "overdue-stale", config: Controls.config(
            hours: "00:00-24:00", schedule: "payments_stale_after_hours = 36", rest: "[daemon]\nmetrics_file = \"metrics.prom\""))
        // Tue 2027-06-01 08:00: the export with both invoices. A-1's overdue
        // notice is due Wed 06-02; B-1 is due Sat 06-05, its courtesy note Wed 06-02.
        try test.drop("""
            {"invoice": "A-1", "customer": {"id": "late", "name": "Late Ltd", "email": "ap@late.example"}, "issued": "2027-05-01", "due": "2027-06-01", "currency": "EUR", "amount": "100.00"}
            {"invoice": "B-1", "customer": {"id": "soon", "name": "Soon Ltd", "email": "ap@soon.example"}, "issued": "2027-05-05", "due": "2027-06-05", "currency": "EUR", "amount": "200.00"}
            """, as: "export.jsonl")
        try Controls.pass(test.config, at: "2027-06-01T08:00:00Z")
        #expect(try Controls.log(test.config, ["--event", "sent"]).isEmpty)

        // Wed 06-02 21:00, 37 hours on, no file since. (The export was read in the pass started at
        // 08:00:00; `--now` starts a clock that then runs, so on a busy machine it may be read a second or more later.)
        try Controls.pass(test.config, at: "2027-06-02T21:00:00Z")
        let sent = try Controls.log(test.config, ["--event", "sent"])
        #expect(sent.map { $0["stage"] as? String } == ["courtesy"] && sent.first?["customer"] as? String == "soon")
        let held = try Controls.log(test.config, ["--event", "held"])
        #expect(held.count == 1 && held.first?["reason"] as? String == "payments_stale", "\(held)")
        #expect((held.first?["detail"] as? String)?.hasPrefix("held: no payment data since 2027-06-01T08:00") == true)
        let status = try Controls.status(test.config, now: "2027-06-02T21:00:00Z")
        #expect(((status["payments_stale"] as? [String: Any])?["since"] as? String)?.hasPrefix("2027-06-01T08:00") == true)
        #expect(Controls.held(status, "payments_stale") == ["late"])
        #expect(try Controls.run(test.config, ["status", "--now", "2027-06-02T21:00:00Z"]).stdout.contains("post-due reminders held: no payment data since 2027-06-01T08:00"))
        let metrics = try String(contentsOf: test.root.appendingPathComponent("metrics.prom"), encoding: .utf8)
        #expect(metrics.contains("overdue_payments_stale 1") && metrics.contains("overdue_held{reason=\"payments_stale\"} 1"), "\(metrics)")

        // The next day's payment file (a part payment of A-1) releases it in the same pass.
        try test.drop(#"{"event": "payment", "invoice": "A-1", "amount": "30.00", "date": "2027-06-02"}"#, as: "payments.json")
        try Controls.pass(test.config, at: "2027-06-02T21:05:00Z")
        let released = try Controls.log(test.config, ["--event", "sent"]).filter { $0["customer"] as? String == "late" }
        #expect(released.map { $0["stage"] as? String } == ["overdue"] && released.first?["total_due"] as? String == "70.00")
        #expect(try Controls.log(test.config, ["--event", "released"]).count == 1)
        #expect(try Controls.status(test.config, now: "2027-06-02T21:05:00Z")["payments_stale"] is NSNull)
    }

    @Test("a bank statement that matches nothing is still fresh payment data: it releases the guard, also after a restart")
    func statementIsPaymentData() throws {
        let test = try Self.lateInvoice(prefix: "overdue-stale-statement")
        try Controls.pass(test.config, at: "2027-06-02T21:00:00Z")
        #expect(try Controls.log(test.config, ["--event", "held"]).count == 1)
        // The day's statement: one credit nobody can place, and a bank fee.
        try test.drop("""
            :20:STARTUMSE
            :25:DE12500105170648489890
            :28C:00042/001
            :60F:C270601EUR0,00
            :61:2706020602CR55,00N166NONREF//BANK-0002
            :86:166?00GUTSCHRIFT?20SVWZ+Spende?32Someone Else
            :62F:C270602EUR55,00
            """, as: "day.sta")
        try Controls.pass(test.config, at: "2027-06-02T21:05:00Z")
        #expect(try Controls.log(test.config, ["--event", "sent"]).map { $0["customer"] as? String } == ["late"])
        // Replayed from the journal (no snapshot yet for a pass this small): the statement's time still counts.
        #expect(try Controls.status(test.config, now: "2027-06-03T08:00:00Z")["payments_stale"] is NSNull)
    }

    @Test("a statement is fresh up to the end of its period, per account: last month's does not release the guard, an account behind holds it")
    func statementPeriodAndAccount() throws {
        let test = try Self.lateInvoice(prefix: "overdue-stale-period")
        func statement(account: String, closing: String) -> String {
            """
            :20:STARTUMSE
            :25:\(account)
            :28C:00042/001
            :60F:C\(closing)EUR0,00
            :61:\(closing)\(closing.suffix(4))CR55,00N166NONREF//B-\(account.suffix(4))-\(closing)
            :86:166?00GUTSCHRIFT?20SVWZ+Spende?32Someone Else
            :62F:C\(closing)EUR55,00
            """
        }
        // May's statement, exported late: it tells nothing about June.
        try test.drop(statement(account: "DE12500105170648489890", closing: "270531"), as: "may.sta")
        try Controls.pass(test.config, at: "2027-06-03T10:00:00Z")
        var status = try Controls.status(test.config, now: "2027-06-03T10:00:00Z")
        #expect(status["payments_stale"] is [String: Any], "\(status)")
        #expect((status["statements"] as? [String: String])?["DE12500105170648489890"] == "2027-06-01T00:00:00.000Z", "\(status)")
        #expect(try Controls.log(test.config, ["--event", "sent"]).isEmpty)
        // Yesterday's statement of that account releases it; a second account's, a week old, holds it again.
        try test.drop(statement(account: "DE12500105170648489890", closing: "270602"), as: "june.sta")
        try Controls.pass(test.config, at: "2027-06-03T10:05:00Z")
        #expect(try Controls.status(test.config, now: "2027-06-03T10:05:00Z")["payments_stale"] is NSNull)
        try test.drop(statement(account: "FR7630006000011234567890189", closing: "270527"), as: "fr.sta")
        try Controls.pass(test.config, at: "2027-06-03T10:10:00Z")
        status = try Controls.status(test.config, now: "2027-06-03T10:10:00Z")
        // (Stale since the invoice export of 06-01, newer than the French account's credits.)
        #expect(((status["payments_stale"] as? [String: Any])?["since"] as? String)?.hasPrefix("2027-06-01T08:00") == true, "\(status)")
        let text = try Controls.run(test.config, ["status", "--now", "2027-06-03T10:10:00Z"]).stdout
        #expect(text.contains("bank statements of FR7630006000011234567890189: credits known up to 2027-05-28T00:00:00.000Z"), "\(text)")
        // The invoice export (the books' current state) is current for every account.
        try test.drop(#"{"invoice": "A-2", "customer": {"id": "late", "name": "Late Ltd", "email": "ap@late.example"}, "issued": "2027-05-01", "due": "2027-06-30", "currency": "EUR", "amount": "10.00"}"#,
                      as: "export2.json")
        try Controls.pass(test.config, at: "2027-06-03T10:15:00Z")
        #expect(try Controls.status(test.config, now: "2027-06-03T10:15:00Z")["payments_stale"] is NSNull)
    }

    /// A guard of 36 hours, and one invoice due 2027-06-01 dropped and read that morning.
    static func lateInvoice(prefix: String) throws -> TestSpool {
        let test = try TestSpool(prefix: prefix, config: Controls.config(hours: "00:00-24:00", schedule: "payments_stale_after_hours = 36"))
        try test.drop(#"{"invoice": "A-1", "customer": {"id": "late", "name": "Late Ltd", "email": "ap@late.example"}, "issued": "2027-05-01", "due": "2027-06-01", "currency": "EUR", "amount": "100.00"}"#,
                      as: "export.json")
        try Controls.pass(test.config, at: "2027-06-01T08:00:00Z")
        return test
    }
}
