import Foundation
import Testing
import TestSupport

/// `overdue run --once --dry-run`: the rehearsal the README recommends
/// before a go-live must not send or write anything.
@Suite("run --once --dry-run sends and writes nothing")
struct RehearsalTests {
    func snapshot(_ directory: URL) -> [String: Data] {
        var files: [String: Data] = [:]
        let walker = FileManager.default.enumerator(atPath: directory.path)
        while let path = walker?.nextObject() as? String {
            if let data = FileManager.default.contents(atPath: directory.appendingPathComponent(path).path) { files[path] = data }
        }
        return files
    }

    @Test("against a real SMTP server: the dry run lists the messages; the mailbox, journals, log and inbox stay as they were")
    func dryRun() throws {
        let smtp = try LoopbackServer(.smtp)
        let test = try TestSpool(prefix: "overdue-dry", config: """
            [spool]
            dir = "spool"
            [schedule]
            timezone = "Europe/London"
            [channels.email]
            url = "smtp://127.0.0.1:\(smtp.port)"
            starttls = "off"
            """)
        try StreamingDaemonTests.invoices(5, prefix: "D").write(to: test.inbox.appendingPathComponent("a.jsonl"), atomically: true,
                                                                 encoding: .utf8)
        // A Sunday: ingest only.
        let ingest = try OverdueBinary.run(["--config", test.config.path, "run", "--once", "--now", "2027-03-21T10:00:00Z"])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        // A file still waiting in the inbox is read as the pass would, and stays.
        try StreamingDaemonTests.invoices(2, prefix: "W").write(to: test.inbox.appendingPathComponent("b.jsonl"), atomically: true,
                                                                 encoding: .utf8)
        let before = snapshot(test.spool)
        let dry = try OverdueBinary.run(["--config", test.config.path, "run", "--once", "--dry-run", "--now", "2027-03-23T10:00:00Z"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("would send 7 message(s)"), "\(dry.stdout)")
        #expect(dry.stdout.contains("1 inbox file(s) read as the pass would"))
        #expect(snapshot(test.spool) == before, "the dry run changed the spool")
        #expect(smtp.received(withExtension: "eml", timeout: 1).isEmpty, "the dry run sent mail")
        // The real pass then sends exactly those.
        let real = try OverdueBinary.run(["--config", test.config.path, "run", "--once", "--now", "2027-03-23T10:00:00Z"])
        #expect(real.stdout.contains("sent 7 message(s)"), "\(real.stdout)")
        #expect(smtp.received(withExtension: "eml", atLeast: 7).count == 7)
    }

    @Test("a dry run lists exactly what the real pass then sends: fallbacks after a suppression in, messages backing off out")
    func dryRunIsThePass() throws {
        let smtp = try LoopbackServer(.smtp, arguments: ["--defer-rcpt", "slow"])
        let twilio = try LoopbackServer(.http, arguments: ["--mode", "twilio"])
        let test = try TestSpool(prefix: "overdue-dry-pass", config: "")
        try test.writeSMSFirstConfig(smtpPort: smtp.port, smsPort: twilio.port)
        func invoice(_ id: String, _ customer: String, phone: String?) -> String {
            #"{"invoice": "\#(id)", "customer": {"id": "\#(customer)", "name": "\#(customer) Ltd", "email": "ap@\#(customer).example""#
                + (phone.map { #", "phone": "\#($0)""# } ?? "") + #"}, "issued": "2027-02-01", "due": "2027-03-01", "currency": "EUR", "amount": "10.00"}"#
        }
        // First pass: slow has no phone, so its SMS is suppressed and the e-mail fallback is deferred (451).
        try test.drop(invoice("S-1", "slow", phone: nil), as: "s.jsonl")
        _ = try Controls.run(test.config, ["run", "--once", "--now", "2027-03-02T10:00:00Z"])
        #expect(try Controls.log(test.config, ["--event", "deferred"]).count == 1)
        // Then: one debtor opted out of SMS (falls back to e-mail), one reached by SMS.
        try test.drop([invoice("O-1", "opted", phone: "+4915112345678"), invoice("H-1", "happy", phone: "+447700900123"),
                       #"{"event": "optout", "address": "+4915112345678", "channel": "sms"}"#].joined(separator: "\n"), as: "more.jsonl")
        let dry = try Controls.run(test.config, ["run", "--once", "--dry-run", "--now", "2027-03-02T10:02:00Z"]).stdout
        let wouldSend = Set(dry.matches(of: /would send .* key (od1-[0-9a-f]+)\)/).map { String($0.output.1) })
        #expect(dry.contains("would suppress overdue sms for opted") && dry.contains("waits overdue email for slow"), "\(dry)")
        _ = try Controls.run(test.config, ["run", "--once", "--now", "2027-03-02T10:02:00Z"])
        let sent = try Controls.log(test.config, ["--event", "sent"]).compactMap { $0["key"] as? String }
        #expect(sent.count == 2 && wouldSend == Set(sent), "dry run: \(wouldSend.sorted()), the pass sent: \(sent.sorted())\n\(dry)")
        let channels = try Controls.log(test.config, ["--event", "sent"]).map { "\($0["customer"]!) \($0["channel"]!)" }.sorted()
        #expect(channels == ["happy sms", "opted email"])
    }

    @Test("status's outbox is what the next pass sends: an opted-out SMS's e-mail fallback counts")
    func statusOutboxIsThePass() throws {
        let smtp = try LoopbackServer(.smtp)
        let twilio = try LoopbackServer(.http, arguments: ["--mode", "twilio"])
        let test = try TestSpool(prefix: "overdue-outbox", config: "")
        try test.writeSMSFirstConfig(smtpPort: smtp.port, smsPort: twilio.port)
        func invoice(_ id: String, _ customer: String, phone: String) -> String {
            #"{"invoice": "\#(id)", "customer": {"id": "\#(customer)", "name": "\#(customer) Ltd", "email": "ap@\#(customer).example", "phone": "\#(phone)"}, "issued": "2027-02-01", "due": "2027-03-01", "currency": "EUR", "amount": "10.00"}"#
        }
        try test.drop([invoice("O-1", "opted", phone: "+4915112345678"), invoice("H-1", "happy", phone: "+447700900123"),
                       #"{"event": "optout", "address": "+4915112345678", "channel": "sms"}"#].joined(separator: "\n"), as: "i.jsonl")
        try Controls.pass(test.config, at: "2027-03-01T10:00:00Z")  // read; nothing due before 2 March
        let outbox = try Controls.status(test.config, now: "2027-03-02T10:02:00Z")["outbox"] as? Int
        try Controls.pass(test.config, at: "2027-03-02T10:02:00Z")
        let sent = try Controls.log(test.config, ["--event", "sent"]).map { "\($0["customer"]!) \($0["channel"]!)" }.sorted()
        #expect(sent == ["happy sms", "opted email"] && outbox == sent.count, "outbox \(String(describing: outbox)), the pass sent \(sent)")
    }

    @Test("--dry-run without --once is refused with the reason")
    func needsOnce() throws {
        let test = try TestSpool(prefix: "overdue-dry2", config: "[spool]\ndir = \"spool\"\n")
        let run = try OverdueBinary.run(["--config", test.config.path, "run", "--dry-run"])
        #expect(run.status != 0 && run.stderr.contains("--dry-run needs --once"), "\(run.stderr)")
    }
}
