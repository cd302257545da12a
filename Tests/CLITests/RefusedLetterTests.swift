import Foundation
import Testing
import TestSupport

/// A relay that refuses a letter (550 5.7.1 at DATA, a real aiosmtpd on
/// loopback): the ladder never climbs past it, in that pass or any later
/// one, until a person re-queues it; then the next stage waits for the
/// refused-then-delivered letter's own deadline.
@Suite("A refused letter never escalates")
struct RefusedLetterTests {
    @Test("firm refused while the final is due too: no final in that pass, none at any later wake-up; retry sends the firm, the final after its deadline")
    func refusedFirm() throws {
        let refuse = FileManager.default.temporaryDirectory.appendingPathComponent("overdue-refuse-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: refuse) }
        let smtp = try LoopbackServer(.smtp, arguments: ["--refuse-while", refuse.path])
        let test = try TestSpool(prefix: "overdue-refused", config: Controls.config(schedule: "min_gap_days = 3", rest: """
            [[policy]]
            name = "p"
            stages = [
              { name = "overdue", offset_days = 1, channels = ["email"] },
              { name = "firm", offset_days = 8, channels = ["email"] },
              { name = "final", offset_days = 15, channels = ["email"], final = true },
            ]
            """) + "\n" + TestSpool.smtpChannel(port: smtp.port))
        try test.drop(#"{"invoice": "R-1", "customer": {"id": "rho", "name": "Rho Ltd", "email": "ap@rho.example"}, "issued": "2027-02-01", "due": "2027-03-01", "currency": "EUR", "amount": "900.00"}"#,
                      as: "r.json")
        func events() throws -> [String] {
            try Controls.log(test.config).filter { $0["stage"] != nil && $0["channel"] != nil }
                .map { "\($0["stage"]!) \($0["event"]!)" }
        }
        try Controls.pass(test.config, at: "2027-03-02T10:00:00Z")
        #expect(try events() == ["overdue sent"])
        let overdue = try #require(try Controls.log(test.config, ["--event", "sent"]).first)
        #expect(overdue["pay_by"] as? String == "2027-03-09")

        // Back on 17 March: firm (day 8) and final (day 15) are both past. The
        // relay refuses the firm letter; the final must not go in its place.
        try Data().write(to: refuse)
        try Controls.pass(test.config, at: "2027-03-17T10:00:00Z")
        #expect(try events() == ["overdue sent", "firm failed"])
        #expect(try Controls.received(smtp).count == 1)
        let status = try Controls.status(test.config, now: "2027-03-17T10:30:00Z")
        #expect(Controls.held(status, "undeliverable") == ["rho"], "\(status)")
        let plan = try Controls.run(test.config, ["plan", "--from", "2027-03-17T10:30:00Z", "--days", "60"]).stdout
        #expect(plan.contains("no deliverable channel"), "\(plan)")
        #expect(!plan.contains("final"), "\(plan)")
        let pending = try Controls.run(test.config, ["pending", "--now", "2027-03-17T10:30:00Z"]).stdout
        #expect(pending.contains("held: rho firm R-1: no deliverable channel"), "\(pending)")

        // The relay would take anything now, but nothing climbs by itself: every later wake-up sends nothing.
        try FileManager.default.removeItem(at: refuse)
        for day in ["2027-03-18", "2027-03-25", "2027-04-01", "2027-04-15", "2027-05-03"] {
            try Controls.pass(test.config, at: "\(day)T10:00:00Z")
        }
        #expect(try events() == ["overdue sent", "firm failed"])
        #expect(try Controls.received(smtp).count == 1)

        // A person re-queues the firm letter: it goes; the final waits for the day after its deadline.
        let failedKey = try #require(try Controls.log(test.config, ["--event", "failed"]).first?["key"] as? String)
        _ = try Controls.run(test.config, ["retry", failedKey])
        try Controls.pass(test.config, at: "2027-05-04T10:00:00Z")
        #expect(try events() == ["overdue sent", "firm failed", "firm sent"])
        let firm = try #require(try Controls.log(test.config, ["--event", "sent"]).last)
        #expect(firm["stage"] as? String == "firm" && firm["pay_by"] as? String == "2027-05-11")
        try Controls.pass(test.config, at: "2027-05-11T10:00:00Z")
        #expect(try Controls.log(test.config, ["--event", "sent"]).count == 2)
        try Controls.pass(test.config, at: "2027-05-12T10:00:00Z")
        #expect(try Controls.log(test.config, ["--event", "sent"]).map { $0["stage"] as? String } == ["overdue", "firm", "final"])
        #expect(try Controls.received(smtp, atLeast: 3).count == 3)
    }
}
