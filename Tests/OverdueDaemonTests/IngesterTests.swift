import Foundation
import Logging
import OverdueCalendar
import OverdueConfig
import OverdueCore
@testable import OverdueDaemon
import OverdueIngest
import OverdueQueries
import OverdueSpool
import Testing

@Suite("Ingest: updates, events, crash recovery, never applied twice")
struct IngesterTests {
    let clock = OverdueClock.fixed(Timestamp.parse("2026-12-02T10:00:00Z")!)

    func makeConfig() throws -> Config {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("overdue-ingest-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        return try ConfigLoader.parse("[spool]\ndir = \"spool\"\n", path: root.appendingPathComponent("overdue.toml").path)
    }

    func drop(_ text: String, as name: String, _ config: Config) throws {
        try text.write(toFile: Spool(root: config.spool.dir).inbox.appendingPathComponent(name).path, atomically: true, encoding: .utf8)
    }

    func runOnce(_ config: Config) throws -> IngestSummary {
        try PipelineRun.once(config: config, clock: clock, logger: Logger(label: "test")).ingest
    }

    func ledger(_ config: Config) throws -> Ledger { try SpoolState(config: config).ledger }

    static let invoice = #"{"invoice": "A-1", "customer": {"id": "c1", "name": "C", "email": "c@c.example"}, "issued": "2026-11-01", "due": "2026-12-01", "currency": "EUR", "amount": "100.00"}"#
    static let payment = #"{"event": "payment", "invoice": "A-1", "amount": "30.00", "date": "2026-12-01"}"#

    @Test("events in the same file as their invoice apply in order")
    func sameFile() throws {
        let config = try makeConfig()
        try Spool(root: config.spool.dir).create()
        try drop(Self.invoice + "\n" + Self.payment + "\n", as: "mixed.jsonl", config)
        let summary = try runOnce(config)
        #expect(summary.accepted == 2)
        #expect(try ledger(config)["A-1"]?.balance == 70)
    }

    @Test("a dispute and a resolve without a date are dated the day they are read, and the ledger knows the period (after a restart too)")
    func undatedDispute() throws {
        let config = try makeConfig()
        try Spool(root: config.spool.dir).create()
        try drop(Self.invoice + "\n" + #"{"event": "dispute", "invoice": "A-1", "reason": "damaged"}"# + "\n", as: "d.jsonl", config)
        _ = try runOnce(config)
        #expect(try ledger(config)["A-1"]?.disputed == true)
        try drop(#"{"event": "resolve", "invoice": "A-1"}"#, as: "r.json", config)
        _ = try PipelineRun.once(config: config, clock: .fixed(Timestamp.parse("2026-12-09T08:00:00Z")!), logger: Logger(label: "test"))
        let entry = try #require(try ledger(config)["A-1"])
        #expect(!entry.disputed)
        #expect(entry.disputePeriods == [DisputePeriod(from: CalendarDate(iso: "2026-12-02")!, until: CalendarDate(iso: "2026-12-09")!)])
    }

    @Test("re-dropping the same file after it was ingested applies nothing twice")
    func duplicateFile() throws {
        let config = try makeConfig()
        try Spool(root: config.spool.dir).create()
        try drop(Self.invoice, as: "inv.json", config)
        _ = try runOnce(config)
        try drop(Self.payment, as: "pay.json", config)
        _ = try runOnce(config)
        // The same payment file again, e.g. a crash after the ledger commit
        // but before the file left the inbox, or a user dropping it twice.
        try drop(Self.payment, as: "pay-again.json", config)
        let summary = try runOnce(config)
        #expect(summary.duplicateFiles == 1)
        #expect(summary.accepted == 0)
        #expect(try ledger(config)["A-1"]?.balance == 70)
        let archive = Spool(root: config.spool.dir).archive
        #expect(try FileManager.default.contentsOfDirectory(atPath: archive.path).count == 3)
    }

    @Test("re-dropping an invoice with changes updates it")
    func update() throws {
        let config = try makeConfig()
        try Spool(root: config.spool.dir).create()
        try drop(Self.invoice, as: "inv.json", config)
        _ = try runOnce(config)
        try drop(Self.invoice.replacingOccurrences(of: "2026-12-01", with: "2026-12-15"), as: "inv.json", config)
        _ = try runOnce(config)
        let entries = try ledger(config).entries
        #expect(entries.count == 1)
        #expect(entries["A-1"]?.invoice.due == CalendarDate(iso: "2026-12-15"))
    }

    @Test("an unknown policy is rejected naming the configured ones")
    func unknownPolicy() throws {
        let config = try makeConfig()
        try Spool(root: config.spool.dir).create()
        try drop(Self.invoice.replacingOccurrences(of: #""amount""#, with: #""policy": "gentle", "amount""#), as: "p.json", config)
        let summary = try runOnce(config)
        #expect(summary.rejected == 1)
        let rejected = Spool(root: config.spool.dir).rejected
        let error = try FileManager.default.contentsOfDirectory(atPath: rejected.path).first { $0.hasSuffix(".error") }!
        let text = try String(contentsOf: rejected.appendingPathComponent(error), encoding: .utf8)
        #expect(text.contains("field \"policy\": \"gentle\" is not a policy"))
        #expect(text.contains("standard"))
    }

    @Test("files being written (dot-files, .tmp, .part) are left alone")
    func partialFiles() throws {
        let config = try makeConfig()
        try Spool(root: config.spool.dir).create()
        try drop(Self.invoice, as: ".incoming.json", config)
        try drop(Self.invoice, as: "x.json.tmp", config)
        try drop(Self.invoice, as: "x.json.part", config)
        #expect(try runOnce(config).files == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: Spool(root: config.spool.dir).inbox.path).count == 3)
    }

    @Test("a crash before the ledger commit redoes the file cleanly")
    func crashBeforeCommit() throws {
        let config = try makeConfig()
        let spool = Spool(root: config.spool.dir)
        try spool.create()
        let bad = #"{"invoice": "B-1", "customer": {"id": "c1", "name": "C", "email": "c@c.example"}, "issued": "2026-11-01", "due": "2026-13-01", "currency": "EUR", "amount": "1.00"}"#
        try drop(Self.invoice + "\n" + bad + "\n", as: "two.jsonl", config)
        _ = try runOnce(config)
        // Put the state back to "rejected records written, nothing committed":
        // restore the inbox file and truncate the journal.
        let archived = try FileManager.default.contentsOfDirectory(atPath: spool.archive.path)[0]
        try FileManager.default.moveItem(at: spool.archive.appendingPathComponent(archived), to: spool.inbox.appendingPathComponent("two.jsonl"))
        try Data().write(to: spool.ledgerJournal)
        let summary = try runOnce(config)
        #expect(summary.accepted == 1)
        #expect(summary.rejected == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool.rejected.path).count == 2)  // same names, rewritten
        #expect(try ledger(config).entries.count == 1)
    }

    // One number, one invoice (issue 25, point 5).

    func errorReport(_ config: Config) throws -> String {
        let rejected = Spool(root: config.spool.dir).rejected
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: rejected.path).first { $0.hasSuffix(".error") })
        return try String(contentsOf: rejected.appendingPathComponent(name), encoding: .utf8)
    }

    func logLines(_ config: Config, _ event: String) throws -> [[String: JSONValue]] {
        try EventLog.read(directory: Spool(root: config.spool.dir).log).filter { $0["event"] == .string(event) }
    }

    @Test("an invoice number another customer holds is rejected naming them; the daemon's ledger and its replay keep the first")
    func anotherCustomersNumber() throws {
        let config = try makeConfig()
        let pipeline = try Pipeline(config: config, clock: clock, logger: Logger(label: "test"))
        try drop(Self.invoice, as: "c1.json", config)
        _ = pipeline.ingestInbox()
        let other = Self.invoice.replacingOccurrences(of: #""id": "c1", "name": "C""#, with: #""id": "c2", "name": "D""#)
            .replacingOccurrences(of: "100.00", with: "250.00")
        try drop(other, as: "c2.json", config)
        let summary = pipeline.ingestInbox()
        #expect(summary.accepted == 0 && summary.rejected == 1)
        let report = try errorReport(config)
        #expect(report.contains(#"c2.json: line 1: field "invoice": invoice "A-1" already belongs to customer "c1" (C); correct the number"#), "\(report)")
        let daemon = pipeline.snapshotSource.ledger
        #expect(daemon["A-1"]?.invoice.customer.id == "c1" && daemon["A-1"]?.balance == 100)
        // The journal holds only what was accepted: a replay builds the same ledger.
        #expect(try LedgerStore.replay(spool: pipeline.spool).ledger.entries.values == daemon.entries.values)
        #expect(try logLines(config, "rejected").first?["field"] == .string("invoice"))
    }

    @Test("the same number on two rows of one file with different fields rejects both, naming both lines")
    func sameNumberTwiceInAFile() throws {
        let config = try makeConfig()
        try Spool(root: config.spool.dir).create()
        let second = Self.invoice.replacingOccurrences(of: "100.00", with: "120.00")
        try drop(Self.invoice + "\n" + Self.payment + "\n" + second + "\n", as: "two.jsonl", config)
        let summary = try runOnce(config)
        // The payment names an invoice this file did not give: rejected too.
        #expect(summary.accepted == 0 && summary.rejected == 3)
        #expect(try ledger(config)["A-1"] == nil)
        let report = try errorReport(config)
        for line in [1, 3] {
            #expect(report.contains(#"two.jsonl: line \#(line) (record \#(line)): field "invoice": invoice "A-1" is on line 1 and line 3 of this file, with different amount, balance;"#),
                    "\(report)")
        }
        let rejected = Spool(root: config.spool.dir).rejected
        let rows = try #require(try FileManager.default.contentsOfDirectory(atPath: rejected.path).first { $0.hasSuffix(".rejected.jsonl") })
        #expect(try String(contentsOf: rejected.appendingPathComponent(rows), encoding: .utf8) == Self.invoice + "\n" + Self.payment + "\n" + second + "\n")
    }

    @Test("a row repeating an earlier row of its file is taken once: a payment between the two stands")
    func repeatedRow() throws {
        let config = try makeConfig()
        try Spool(root: config.spool.dir).create()
        try drop(Self.invoice + "\n" + Self.payment + "\n" + Self.invoice + "\n", as: "again.jsonl", config)
        let summary = try runOnce(config)
        #expect(summary.accepted == 2 && summary.rejected == 0)
        #expect(try ledger(config)["A-1"]?.balance == 70)
        let duplicate = try #require(try logLines(config, "duplicate").first)
        #expect(duplicate["line"] == .number(3) && duplicate["invoice"] == .string("A-1"))
        #expect(duplicate["detail"]?.plainText.contains("the same invoice as line 1 of this file") == true, "\(duplicate)")
    }

    @Test("re-dropping an invoice logs 'updated' with what changed, or that nothing did")
    func updateIsLogged() throws {
        let config = try makeConfig()
        try Spool(root: config.spool.dir).create()
        try drop(Self.invoice, as: "inv.json", config)
        _ = try runOnce(config)
        let changed = Self.invoice.replacingOccurrences(of: "2026-12-01", with: "2026-12-15").replacingOccurrences(of: "100.00", with: "120.00")
        try drop(changed, as: "inv.json", config)
        _ = try runOnce(config)
        // The same fields in other bytes (a file of the same bytes is a duplicate file, not read again).
        try drop(changed.replacingOccurrences(of: "120.00", with: "120.0"), as: "same.json", config)
        _ = try runOnce(config)
        #expect(try logLines(config, "ingested").count == 1)
        let updated = try logLines(config, "updated")
        #expect(updated.count == 2)
        let line = try #require(updated.first)
        #expect(line["invoice"] == .string("A-1") && line["file"] == .string("inv.json"))
        #expect(line["changes"] == .object([
            "amount": .object(["from": .string("100.00"), "to": .string("120.00")]),
            "balance": .object(["from": .string("100.00"), "to": .string("120.00")]),
            "due": .object(["from": .string("2026-12-01"), "to": .string("2026-12-15")]),
        ]))
        #expect(line["detail"] == .string("dropped again: amount 100.00 → 120.00, balance 100.00 → 120.00, due 2026-12-01 → 2026-12-15"))
        #expect(updated.last?["changes"] == .object([:]))
        #expect(updated.last?["detail"] == .string("dropped again with nothing changed"))
    }
}

@Suite("Ingest: the log says when a payment stops the reminders")
struct PaidLogTests {
    @Test("a payment that settles the invoice logs a paid line")
    func paid() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("overdue-paid-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let config = try ConfigLoader.parse("[spool]\ndir = \"spool\"\n", path: root.appendingPathComponent("overdue.toml").path)
        let spool = Spool(root: config.spool.dir)
        try spool.create()
        let text = IngesterTests.invoice + "\n" + IngesterTests.payment.replacingOccurrences(of: "30.00", with: "100.00") + "\n"
        try text.write(toFile: spool.inbox.appendingPathComponent("p.jsonl").path, atomically: true, encoding: .utf8)
        _ = try PipelineRun.once(config: config, clock: .fixed(Timestamp.parse("2026-12-02T10:00:00Z")!), logger: Logger(label: "test"))
        let paid = try EventLog.read(directory: spool.log).filter { $0["event"] == .string("paid") }
        #expect(paid.count == 1)
        #expect(paid.first?["invoice"] == .string("A-1"))
    }
}
