import Foundation
import Testing
import TestSupport

/// `min_amount` and broken promises through the binary: a debtor under the
/// minimum is logged as held, not reminded; a promise not kept gets its
/// `broken_promise` letter, then the ladder resumes after the gap.
@Suite("min_amount and broken promises end to end")
struct PromiseAndMinimumTests {
    @Test("under min_amount: held and logged; a broken promise: one letter naming it, then the next stage after its deadline")
    func promiseAndMinimum() throws {
        let test = try TestSpool(prefix: "overdue-promise", config: Controls.config(schedule: "min_gap_days = 3", rest: """
            [[policy]]
            name = "standard"
            min_amount = { EUR = "10.00" }
            promise_grace_days = 1
            stages = [
              { name = "overdue", offset_days = 1, channels = ["email"] },
              { name = "firm", offset_days = 8, channels = ["email"] },
            ]
            """))
        try test.drop("""
            {"invoice": "S-1", "customer": {"id": "small", "name": "Small Ltd", "email": "ap@small.example"}, "issued": "2027-05-01", "due": "2027-06-01", "currency": "EUR", "amount": "4.50"}
            {"invoice": "P-1", "customer": {"id": "promiser", "name": "Promiser Ltd", "email": "ap@promiser.example"}, "issued": "2027-05-01", "due": "2027-06-01", "currency": "EUR", "amount": "300.00"}
            """, as: "invoices.jsonl")
        try Controls.pass(test.config, at: "2027-06-02T10:00:00Z")
        let sent = try Controls.log(test.config, ["--event", "sent"])
        #expect(sent.map { $0["customer"] as? String } == ["promiser"])
        let held = try Controls.log(test.config, ["--event", "held"])
        #expect(held.count == 1 && held.first?["reason"] as? String == "below_min_amount" && held.first?["customer"] as? String == "small")
        #expect((held.first?["detail"] as? String)?.contains("below the policy's min_amount 10") == true, "\(held)")

        // A promise to pay 100 by Fri 06-04; nothing comes. Grace 1 day: the letter on Sun 06-06.
        try test.drop(#"{"event": "promise", "invoice": "P-1", "date": "2027-06-04", "amount": "100.00"}"#, as: "promise.json")
        try Controls.pass(test.config, at: "2027-06-05T10:00:00Z")
        #expect(try Controls.log(test.config, ["--event", "sent"]).count == 1)
        // A pass later (another process) the small debtor is still held, and logged once (run/held.json).
        #expect(try Controls.log(test.config, ["--event", "held"]).filter { $0["customer"] as? String == "small" }.count == 1)
        try Controls.pass(test.config, at: "2027-06-06T10:00:00Z")
        let letters = try Controls.log(test.config, ["--event", "sent"])
        #expect(letters.map { $0["stage"] as? String } == ["overdue", "broken_promise"])
        let key = try #require(letters.last?["key"] as? String)
        let mail = try Controls.run(test.config, ["log", "--show", key]).stdout
        // The subject's RFC 2047 words, decoded.
        let subject = mail.matches(of: /=\?UTF-8\?B\?([A-Za-z0-9+\/=]+)\?=/).compactMap { Data(base64Encoded: String($0.1)) }
            .map { String(decoding: $0, as: UTF8.self) }.joined()
        #expect(subject == "Your promise to pay: invoice P-1 still unpaid – overdue", "\(mail)")
        let body = mail.replacingOccurrences(of: "=\r\n", with: "").replacingOccurrences(of: "=E2=82=AC", with: "€")
        #expect(body.contains("You promised to pay €100.00 by June 4, 2027, but we have not received that payment"), "\(body)")
        // The firm notice (due 06-09) waits for the day after the letter's
        // deadline (pay by 06-13): none on the 13th, one on the 14th.
        #expect(body.contains("June 13, 2027"), "\(body)")
        try Controls.pass(test.config, at: "2027-06-13T10:00:00Z")
        #expect(try Controls.log(test.config, ["--event", "sent"]).count == 2)
        try Controls.pass(test.config, at: "2027-06-14T10:00:00Z")
        #expect(try Controls.log(test.config, ["--event", "sent"]).map { $0["stage"] as? String } == ["overdue", "broken_promise", "firm"])
    }
}
