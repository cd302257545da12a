import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Approval through the binary, while `overdue run` (the daemon) runs: a
/// final stage with `approve = true` waits as pending; `overdue approve`
/// (an inbox event) sends it within the next window, exactly once;
/// `overdue hold` keeps one back with its reason; a pending message older
/// than `approval_expires_days` is logged as expired and pending again.
@Suite("Approval end to end, with the daemon running")
struct ApprovalEndToEndTests {
    static let config = Controls.config(schedule: "approval_expires_days = 2", rest: """
        [[policy]]
        name = "standard"
        stages = [
          { name = "final", offset_days = 1, channels = ["email"], final = true, approve = true },
        ]
        [daemon]
        metrics_file = "metrics.prom"
        """)

    static func invoice(_ id: String, customer: String) -> String {
        #"{"invoice": "\#(id)", "customer": {"id": "\#(customer)", "name": "\#(customer)", "email": "ap@\#(customer).example"}, "issued": "2027-05-01", "due": "2027-06-01", "currency": "EUR", "amount": "120.00"}"#
    }

    static func pending(_ config: URL, now: String) throws -> [[String: Any]] {
        try Controls.json(config, ["pending", "--now", now]) as! [[String: Any]]
    }

    @Test("pending → approve while the daemon runs → sent in the window, once; hold keeps one back; status, STATUS= and metrics count them")
    func approveWhileRunning() throws {
        let test = try TestSpool(prefix: "overdue-approval", config: Self.config)
        try test.drop([Self.invoice("A-1", customer: "alpha"), Self.invoice("B-1", customer: "beta")].joined(separator: "\n"),
                      as: "invoices.jsonl")
        let socket = try NotifySocket(abstract: false)
        let process = Process()
        process.executableURL = OverdueBinary.url
        // Wed 2027-06-02 10:00 UTC: the final's window, open until 17:00.
        process.arguments = ["--config", test.config.path, "run", "--now", "2027-06-02T10:00:00Z", "--log-level", "warning"]
        process.environment = ProcessInfo.processInfo.environment.merging(["NOTIFY_SOCKET": socket.address]) { $1 }
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let mail = test.spool.appendingPathComponent("mail/new")
        func mails() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: mail.path)) ?? []).sorted() }

        // Both finals wait: journaled as pending, nothing sent.
        #expect(try Poll.until { try Controls.log(test.config, ["--event", "pending"]).count == 2 })
        let waiting = try Self.pending(test.config, now: "2027-06-02T10:00:30Z")
        #expect(waiting.map { $0["customer"] as? String } == ["alpha", "beta"] && waiting.allSatisfy { $0["stage"] as? String == "final" })
        #expect(waiting.first?["amount"] as? String == "120.00 EUR")
        #expect((waiting.first?["since"] as? String)?.hasPrefix("2027-06-02T10:00") == true)
        #expect(mails().isEmpty)
        #expect(socket.wait(for: { $0.hasPrefix("STATUS=") && $0.contains("2 waiting for approval") }))
        let metrics = try String(contentsOf: test.root.appendingPathComponent("metrics.prom"), encoding: .utf8)
        #expect(metrics.contains("overdue_pending_approvals 2"), "\(metrics)")
        #expect(try Controls.status(test.config, now: "2027-06-02T10:00:30Z")["pending_approvals"] as? Int == 2)
        let betaKey = try #require(waiting.last?["key"] as? String)
        let shown = try Controls.run(test.config, ["pending", "--show", betaKey, "--now", "2027-06-02T10:00:30Z"]).stdout
        // The letter as it will go: the debtor has no contact person, so it greets the unnamed reader, never the company.
        #expect(shown.contains("stage: final") && shown.contains("B-1") && shown.contains("Dear Sir or Madam,")
                 && !shown.contains("Dear beta"), "\(shown)")

        // A person decides, through the inbox, while the daemon runs.
        _ = try Controls.run(test.config, ["hold", betaKey, "--reason", "in talks with their CFO"])
        _ = try Controls.run(test.config, ["approve", "--customer", "alpha", "--now", "2027-06-02T10:00:30Z"])
        #expect(Poll.until { mails().count == 1 })
        Thread.sleep(forTimeInterval: 1)  // nothing more comes: once, and not beta
        #expect(mails().count == 1)
        let sent = try Controls.log(test.config, ["--event", "sent"])
        #expect(sent.count == 1 && sent.first?["customer"] as? String == "alpha" && sent.first?["stage"] as? String == "final")
        #expect(try Self.pending(test.config, now: "2027-06-02T10:01:00Z").isEmpty)
        let listed = try Controls.run(test.config, ["pending", "--now", "2027-06-02T10:01:00Z"]).stdout
        #expect(listed.contains("held: beta final B-1") && listed.contains("in talks with their CFO"), "\(listed)")
        #expect(Controls.held(try Controls.status(test.config, now: "2027-06-02T10:01:00Z"), "on_hold") == ["beta"])
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        // A later pass sends nothing again.
        try Controls.pass(test.config, at: "2027-06-03T10:00:00Z")
        #expect(mails().count == 1)
    }

    @Test("a message pending longer than approval_expires_days is logged as expired and pending again from then")
    func expiry() throws {
        let test = try TestSpool(prefix: "overdue-approval-expiry", config: Self.config)
        try test.drop(Self.invoice("C-1", customer: "gamma"), as: "invoice.json")
        try Controls.pass(test.config, at: "2027-06-02T10:00:00Z")
        let key = try #require(try Self.pending(test.config, now: "2027-06-02T10:00:00Z").first?["key"] as? String)
        // The plan shows it where it would go once approved, marked.
        let plan = try Controls.json(test.config, ["plan", "--from", "2027-06-02T10:00:00Z", "--days", "5"]) as! [[String: Any]]
        #expect(plan.count == 1 && plan.first?["key"] as? String == key && plan.first?["needs_approval"] as? Bool == true)
        let preview = try Controls.run(test.config, ["preview", "C-1", "--now", "2027-06-02T10:00:00Z"]).stdout
        #expect(preview.contains("waits for approval: `overdue pending --show \(key)`"), "\(preview)")
        try Controls.pass(test.config, at: "2027-06-03T10:00:00Z")
        #expect(try Controls.log(test.config, ["--event", "expired"]).isEmpty)
        try Controls.pass(test.config, at: "2027-06-04T10:00:01Z")
        let expired = try Controls.log(test.config, ["--event", "expired"])
        #expect(expired.count == 1 && expired.first?["key"] as? String == key)
        #expect((expired.first?["detail"] as? String)?.contains("since 2027-06-02T10:00:00") == true)
        // Pending again, from the pass that expired it; still not sent.
        let again = try Controls.log(test.config, ["--event", "pending"])
        #expect(again.map { ($0["time"] as? String)?.prefix(19) } == ["2027-06-02T10:00:00", "2027-06-04T10:00:01"])
        let mail = (try? FileManager.default.contentsOfDirectory(atPath: test.spool.appendingPathComponent("mail/new").path)) ?? []
        #expect(mail.isEmpty)
    }

    @Test("overdue plan marks a letter that needs approval, and its Cc copy as waiting with it")
    func planNotes() throws {
        let test = try TestSpool(prefix: "overdue-approval-plan", config: Self.config)
        try test.drop(#"{"record": "customer", "id": "cc", "email": "ap@cc.example", "cc": ["boss@cc.example"]}"#, as: "crm.json")
        try test.drop(Self.invoice("A-1", customer: "cc"), as: "a.json")
        let setup = try OverdueBinary.run(["--config", test.config.path, "run", "--once", "--now", "2027-05-20T10:00:00Z"])
        #expect(setup.status == 0, "\(setup.stderr)")
        let plan = try OverdueBinary.run(["--config", test.config.path, "plan", "--from", "2027-05-20T10:00:00Z", "--days", "30"]).stdout
        let lines = plan.split(separator: "\n").filter { $0.contains(" final ") }
        #expect(lines.contains { $0.contains("ap@cc.example") && $0.contains("needs approval") }, "\(plan)")
        #expect(lines.contains { $0.contains("boss@cc.example") && $0.contains("Cc copy, waits with its letter for approval") }, "\(plan)")
        // Pending at the end of the day, approved after the window closed
        // (found by using it: the plan still said "needs approval"): it
        // waits for the next window, and for nobody.
        #expect(try OverdueBinary.run(["--config", test.config.path, "run", "--once", "--now", "2027-06-02T16:30:00Z"]).status == 0)
        let approve = try OverdueBinary.run(["--config", test.config.path, "approve", "--all", "--now", "2027-06-02T17:30:00Z"])
        #expect(approve.status == 0 && !approve.stdout.contains("nothing waits"), "\(approve.stdout)\(approve.stderr)")
        #expect(try OverdueBinary.run(["--config", test.config.path, "run", "--once", "--now", "2027-06-02T17:31:00Z"]).status == 0)
        let json = try OverdueBinary.run(["--config", test.config.path, "plan", "--from", "2027-06-02T17:31:00Z", "--days", "30", "--json"]).stdout
        let sends = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        let finals = sends.filter { $0["stage"] as? String == "final" }
        #expect(finals.count == 2 && finals.allSatisfy { $0["needs_approval"] as? Bool == false }, "\(json)")
        let approvedPlan = try OverdueBinary.run(["--config", test.config.path, "plan", "--from", "2027-06-02T17:31:00Z", "--days", "30"]).stdout
        #expect(!approvedPlan.contains("needs approval") && !approvedPlan.contains("waits with its letter"), "\(approvedPlan)")
    }
}
