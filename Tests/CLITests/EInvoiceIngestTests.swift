import Foundation
import Testing
import TestSupport

@Suite("E-invoices through the inbox")
struct EInvoiceIngestTests {
    static var shared: URL { SharedFixtures.folder("einvoices") ?? URL(fileURLWithPath: "/nonexistent") }
    static var available: Bool { SharedFixtures.available("einvoices") }

    func spool() throws -> (config: URL, inbox: URL, root: URL) {
        let root = try TemporaryDirectory.make(prefix: "overdue-einvoice")
        let config = root.appendingPathComponent("overdue.toml")
        try "[spool]\ndir = \"spool\"\n".write(to: config, atomically: true, encoding: .utf8)
        let inbox = root.appendingPathComponent("spool/inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        return (config, inbox, root)
    }

    @Test("every shared UBL and CII sample is ingested or rejected with the business terms it lacks",
          .enabled(if: available, "../shared/fixtures/einvoices is absent"))
    func sharedSamples() throws {
        let (config, inbox, root) = try spool()
        var names: [String] = []
        for folder in ["ubl", "cii"] {
            for name in try FileManager.default.contentsOfDirectory(atPath: Self.shared.appendingPathComponent(folder).path) where name.hasSuffix(".xml") {
                try FileManager.default.copyItem(at: Self.shared.appendingPathComponent("\(folder)/\(name)"),
                                                 to: inbox.appendingPathComponent("\(folder)-\(name)"))
                names.append("\(folder)-\(name)")
            }
        }
        let run = try OverdueBinary.run(["--config", config.path, "run", "--once", "--now", "2026-11-22T10:00:00Z"])
        #expect(run.status == 0, "\(run.stderr)")
        let log = try OverdueBinary.run(["--config", config.path, "log", "--json"]).stdout.split(separator: "\n")
            .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        for name in names {
            // A warning (a real sample is due before it was issued) comes beside its record's line.
            for warning in log.filter({ $0["file"] as? String == name && $0["event"] as? String == "warning" }) {
                #expect((warning["detail"] as? String)?.contains("is before the issue date") == true, "\(name): \(warning)")
            }
            let lines = log.filter { $0["file"] as? String == name && $0["event"] as? String != "warning" }
            #expect(lines.count == 1, "\(name): \(lines.count) log lines")
            guard let line = lines.first else { continue }
            // The samples reuse invoice numbers: read again for the same buyer, one is
            // an update; for another buyer, rejected as that buyer's number (it was read all the same).
            if line["event"] as? String == "rejected" {
                let detail = line["detail"] as? String ?? ""
                #expect(detail.contains("BT-") || detail.contains("already belongs to customer"), "\(name): \(detail)")
            } else {
                #expect(["ingested", "updated"].contains(line["event"] as? String), "\(name): \(line)")
            }
        }
        // Most samples carry an e-mail for the buyer and are accepted.
        #expect(log.filter { ["ingested", "updated"].contains($0["event"] as? String) }.count >= 20)
        let inboxLeft = try FileManager.default.contentsOfDirectory(atPath: inbox.path)
        #expect(inboxLeft.isEmpty)
        _ = root
    }

    @Test("XXE, billion laughs and a 100 MB file are rejected, each on its own, and the pass goes on to the next file")
    func hostile() throws {
        let (config, inbox, root) = try spool()
        try #"<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>&xxe;</ID></Invoice>"#
            .write(to: inbox.appendingPathComponent("xxe.xml"), atomically: true, encoding: .utf8)
        try #"<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">]><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>&h;</ID></Invoice>"#
            .write(to: inbox.appendingPathComponent("laughs.xml"), atomically: true, encoding: .utf8)
        let big = FileManager.default.createFile(atPath: inbox.appendingPathComponent("big.xml").path, contents: nil)
        #expect(big)
        let handle = try FileHandle(forWritingTo: inbox.appendingPathComponent("big.xml"))
        try handle.truncate(atOffset: 100 << 20)
        try handle.close()
        // Written last, so listed after them (by time, then name).
        try #"{"invoice": "OK-1", "customer": {"id": "ok", "name": "OK Ltd", "email": "ap@ok.example"}, "issued": "2026-10-01", "due": "2026-10-31", "currency": "EUR", "amount": "10.00"}"#
            .write(to: inbox.appendingPathComponent("zz-valid.json"), atomically: true, encoding: .utf8)
        // The bound only keeps a hung pass from hanging the suite.
        let run = try OverdueBinary.run(["--config", config.path, "run", "--once"], timeout: 120)
        #expect(run.status == 0, "\(run.stderr)")
        // In the log, in order: each hostile file rejected, then the valid one ingested.
        let log = try OverdueBinary.run(["--config", config.path, "log", "--json"]).stdout.split(separator: "\n")
            .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        let files = log.map { "\($0["event"] as? String ?? "") \($0["file"] as? String ?? "")" }
        let valid = try #require(files.firstIndex(of: "ingested zz-valid.json"), "\(files)")
        for name in ["xxe.xml", "laughs.xml", "big.xml"] {
            #expect(files.firstIndex(of: "rejected \(name)").map { $0 < valid } == true, "\(name): \(files)")
        }
        let rejected = root.appendingPathComponent("spool/rejected")
        let errors = try FileManager.default.contentsOfDirectory(atPath: rejected.path).filter { $0.hasSuffix(".error") }
        #expect(errors.count == 3)
        let texts = try errors.map { try String(contentsOf: rejected.appendingPathComponent($0), encoding: .utf8) }
        #expect(texts.filter { $0.contains("DTD") }.count == 2)
        #expect(texts.contains { $0.contains("max_file_mb") })
        #expect(!texts.contains { $0.contains("root:x:0") })
    }
}
