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

    @Test("--dry-run without --once is refused with the reason")
    func needsOnce() throws {
        let test = try TestSpool(prefix: "overdue-dry2", config: "[spool]\ndir = \"spool\"\n")
        let run = try OverdueBinary.run(["--config", test.config.path, "run", "--dry-run"])
        #expect(run.status != 0 && run.stderr.contains("--dry-run needs --once"), "\(run.stderr)")
    }
}
