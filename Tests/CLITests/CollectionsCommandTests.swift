import Foundation
import Testing
import TestSupport

/// A call stage, the call list, `calls done`, and an agency hand-off through
/// the real binary, with e-mail going to the embedded Maildir.
@Suite("overdue calls and overdue handoff")
struct CollectionsCommandTests {
    static let config = """
        [spool]
        dir = "spool"
        [schedule]
        timezone = "Europe/London"
        [handoff]
        after_final_days = 14
        agency = "Recover & Co"
        [[policy]]
        name = "standard"
        stages = [
          { name = "overdue", offset_days = 1, channels = ["email"] },
          { name = "call", offset_days = 10, channels = ["call"] },
          { name = "final", offset_days = 15, channels = ["email"], final = true },
          { name = "last-word", offset_days = 45, channels = ["email"], template = "final", label = { en = "last word", de = "letztes Wort", fr = "dernier mot", es = "última palabra", it = "ultima parola", nl = "laatste woord", pl = "ostatnie słowo", pt = "última palavra" } },
        ]
        """

    func overdue(_ test: TestSpool, _ arguments: String...) throws -> String {
        let result = try OverdueBinary.run(["--config", test.config.path] + arguments)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return result.stdout
    }

    func json(_ text: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }

    @Test("call stage → ranked call list → calls done → final → hand-off bundle with exactly the sent messages → no more reminders")
    func lifecycle() throws {
        let test = try TestSpool(prefix: "overdue-collections", config: Self.config)
        try test.drop("""
            {"invoice": "K-1", "customer": {"id": "kilo", "name": "Kilo GmbH", "email": "ap@kilo.example", "phone": "+4930123456", "contact": "Kim"}, "issued": "2027-02-01", "due": "2027-03-01", "currency": "EUR", "amount": "5000.00", "document": "K-1.pdf"}
            {"invoice": "L-1", "customer": {"id": "lima", "name": "Lima Ltd", "email": "ap@lima.example", "phone": "+442071838750"}, "issued": "2027-02-01", "due": "2027-03-01", "currency": "EUR", "amount": "200.00"}
            """, as: "invoices.jsonl")
        let pdf = try TestPDF.make(.plain)
        try Data(pdf).write(to: test.inbox.appendingPathComponent("K-1.pdf"))
        _ = try overdue(test, "run", "--once", "--now", "2027-03-02T10:00:00Z")  // overdue e-mails
        let listing = try overdue(test, "run", "--once", "--now", "2027-03-11T10:00:00Z")  // the call stage
        #expect(listing.contains("sent 2 message(s)"), "\(listing)")

        // Ten days past due each; 5,000 → 50 points, 200 → 2; no history, no disputes.
        let calls = try json(try overdue(test, "calls", "--date", "2027-03-11", "--json")) as! [[String: Any]]
        #expect(calls.map { $0["customer"] as? String } == ["kilo", "lima"])
        let score = try #require(calls.first?["score"] as? [String: Any])
        #expect(score["total"] as? Int == 60 && score["days"] as? Int == 10 && score["amount"] as? Int == 50)
        #expect(score["history"] as? Int == 0 && score["disputes"] as? Int == 0)
        #expect((calls.last?["score"] as? [String: Any])?["total"] as? Int == 12)
        #expect(calls.first?["overdue"] as? [String: String] == ["EUR": "5000.00"])
        let text = try overdue(test, "calls", "--date", "2027-03-11")
        #expect(text.contains("1. Kilo GmbH (kilo)  score 60 = days 10 + amount 50 + history 0 + disputes 0"), "\(text)")
        #expect(text.contains("phone +4930123456, ask for Kim"))
        // The call sheet is kept with the messages; nothing was e-mailed for the call stage.
        let archive = try String(contentsOf: test.spool.appendingPathComponent("messages/2027-03-11.txt"), encoding: .utf8)
        #expect(archive.contains(" call ") && archive.contains("Call Kilo GmbH (kilo), ask for Kim"))
        #expect(mailFiles(test).count == 2)

        _ = try overdue(test, "calls", "done", "lima", "--date", "2027-03-11", "--note", "pays Friday")
        _ = try overdue(test, "run", "--once", "--now", "2027-03-11T11:00:00Z")  // ingests the `called` event
        let after = try json(try overdue(test, "calls", "--date", "2027-03-12", "--json")) as! [[String: Any]]
        #expect(after.map { $0["customer"] as? String } == ["kilo"])

        _ = try overdue(test, "run", "--once", "--now", "2027-03-16T10:00:00Z")  // final notices
        #expect(mailFiles(test).count == 4)
        // Not yet: the final notice is 13 days old.
        let early = try overdue(test, "handoff", "--eligible", "--to", test.root.appendingPathComponent("agency").path, "--date", "2027-03-29")
        #expect(early.contains("nobody is eligible"), "\(early)")

        let agency = test.root.appendingPathComponent("agency")
        let handoff = try overdue(test, "handoff", "--eligible", "--to", agency.path, "--date", "2027-03-30")
        #expect(handoff.contains("2 invoice(s) marked handed off"), "\(handoff)")
        let bundle = agency.appendingPathComponent("kilo-2027-03-30")
        let names = try FileManager.default.contentsOfDirectory(atPath: bundle.path).sorted()
        #expect(names == ["documents", "invoices.csv", "log.jsonl", "messages", "summary.txt"])
        #expect(try Data(contentsOf: bundle.appendingPathComponent("documents/K-1.pdf")) == Data(pdf))
        // Exactly the two e-mails kilo was sent, byte for byte as delivered.
        let copies = try FileManager.default.contentsOfDirectory(atPath: bundle.appendingPathComponent("messages").path).sorted()
        #expect(copies == ["001-2027-03-02-overdue-email.eml", "002-2027-03-16-final-email.eml"], "\(copies)")
        let delivered = try mailFiles(test).map { try Data(contentsOf: $0) }.filter { String(decoding: $0, as: UTF8.self).contains("To: ap@kilo.example") }
        let copied = try copies.map { try Data(contentsOf: bundle.appendingPathComponent("messages/\($0)")) }
        #expect(delivered.count == 2 && Set(copied) == Set(delivered))
        let csv = try String(contentsOf: bundle.appendingPathComponent("invoices.csv"), encoding: .utf8)
        #expect(csv.hasPrefix("invoice,issued,due,currency,amount,open,days_past_due,payments,disputed,payment_url,document\r\n"))
        #expect(csv.contains("K-1,2027-02-01,2027-03-01,EUR,5000.00,5000.00,29,,no,,K-1.pdf\r\n"))
        let summary = try String(contentsOf: bundle.appendingPathComponent("summary.txt"), encoding: .utf8)
        #expect(summary.contains("Hand-off of Kilo GmbH (kilo) on 2027-03-30 to Recover & Co"))
        #expect(summary.contains("Final notice: 2027-03-16") && summary.contains("On the call list:"))
        let log = try String(contentsOf: bundle.appendingPathComponent("log.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(log.count == 4 && log.allSatisfy { $0.contains(#""customer":"kilo""#) })
        #expect(FileManager.default.fileExists(atPath: agency.appendingPathComponent("lima-2027-03-30/summary.txt").path))

        #expect(log.first?.contains(#""event":"ingested""#) == true)  // ingested, overdue, call, final
        // Marked: the last-word stage (day 45) sends nothing; status counts them.
        let later = try overdue(test, "run", "--once", "--now", "2027-04-15T10:00:00Z")
        #expect(later.contains("sent 0 message(s)"), "\(later)")
        let status = try json(try overdue(test, "status", "--json")) as! [String: Any]
        #expect((status["invoices"] as? [String: Any])?["handed_off"] as? Int == 2)
        // A second hand-off finds nobody; naming kilo says why.
        #expect(try overdue(test, "handoff", "--eligible", "--to", agency.path, "--date", "2027-04-15").contains("nobody is eligible"))
        let named = try OverdueBinary.run(["--config", test.config.path, "handoff", "kilo", "--to", agency.path])
        #expect(named.status == 1 && named.stderr.contains("has no open, undisputed invoice that is not handed off already"))
    }

    func mailFiles(_ test: TestSpool) -> [URL] {
        let directory = test.spool.appendingPathComponent("mail/new")
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
            .map { directory.appendingPathComponent($0) }
    }
}
