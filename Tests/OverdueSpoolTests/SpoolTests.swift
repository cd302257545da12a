import Foundation
import OverdueCalendar
import OverdueCore
@testable import OverdueSpool
import Testing

@Suite("Spool: layout, lock, durable writes, journal recovery")
struct SpoolTests {
    func makeSpool() throws -> Spool {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("overdue-spool-\(UUID().uuidString.prefix(8))")
        let spool = Spool(root: root.path)
        try spool.create()
        return spool
    }

    @Test("creates every directory of the layout")
    func layout() throws {
        let spool = try makeSpool()
        for directory in spool.allDirectories {
            var isDirectory: ObjCBool = false
            #expect(FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) && isDirectory.boolValue)
        }
    }

    @Test("the inbox is 3770 (setgid, sticky, group-writable) under a strict umask, and repaired at start")
    func inboxMode() throws {
        let old = umask(0o077)
        defer { umask(old) }
        let spool = try makeSpool()
        func mode() -> mode_t {
            var info = stat()
            _ = stat(spool.inbox.path, &info)
            return info.st_mode & 0o7777
        }
        #expect(mode() == 0o3770, "\(String(mode(), radix: 8))")
        chmod(spool.inbox.path, 0o700)
        try spool.create()
        #expect(mode() == 0o3770, "not repaired: \(String(mode(), radix: 8))")
    }

    @Test("a second owner of the spool is refused with the first owner's pid")
    func lock() throws {
        let spool = try makeSpool()
        var first: SpoolLock? = try SpoolLock(spool: spool)
        do {
            _ = try SpoolLock(spool: spool)
            Issue.record("second lock succeeded")
        } catch let held as SpoolLock.Held {
            #expect(held.ownerPID == getpid())
            #expect(held.description.contains("in use by overdue pid \(getpid())"))
        }
        withExtendedLifetime(first) {}
        first = nil
        #expect(throws: Never.self) { _ = try SpoolLock(spool: spool) }  // released
    }

    @Test("atomic writes replace the whole file and leave no temp file")
    func atomicWrite() throws {
        let spool = try makeSpool()
        let target = spool.messages.appendingPathComponent("x.json")
        try DurableIO.writeAtomically(Array("one".utf8), to: target)
        try DurableIO.writeAtomically(Array("two".utf8), to: target)
        #expect(try String(contentsOf: target, encoding: .utf8) == "two")
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool.messages.path) == ["x.json"])
    }

    @Test("stale temp files from a crash are removed at start")
    func staleTemp() throws {
        let spool = try makeSpool()
        _ = FileManager.default.createFile(atPath: spool.messages.appendingPathComponent(".tmp-123-9-x.json").path, contents: Data("half".utf8))
        #expect(spool.removeStaleTempFiles() == ["messages/.tmp-123-9-x.json"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool.messages.path).isEmpty)
    }

    @Test("a torn last line of a journal is cut off when it is opened")
    func tornTail() throws {
        let spool = try makeSpool()
        let url = spool.log.appendingPathComponent("j.jsonl")
        try AppendJournal(url: url).append([Array("{\"a\":1}".utf8), Array("{\"a\":2}".utf8)])
        let handle = try FileHandle(forWritingTo: url)
        handle.seekToEndOfFile()
        handle.write(Data("{\"a\":3, \"b\"".utf8))  // the crash
        try handle.close()
        #expect(try AppendJournal.lines(of: url).count == 2)
        let journal = try AppendJournal(url: url)
        try journal.append([Array("{\"a\":4}".utf8)])
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text == "{\"a\":1}\n{\"a\":2}\n{\"a\":4}\n")
    }

    @Test("ledger replay applies committed batches only")
    func replayCommitted() throws {
        let spool = try makeSpool()
        let store = try LedgerStore(spool: spool)
        let invoice = Invoice(id: "A-1", customer: Customer(id: "c", name: "C", email: "c@c.example"),
                              issued: CalendarDate(iso: "2026-11-01")!, due: CalendarDate(iso: "2026-12-01")!,
                              currency: "EUR", amount: 100, balance: 100)
        try store.commit([(1, .invoice(invoice))], file: "a.json", digest: "d1", rejected: 0, time: Date())
        // A batch whose commit line never made it to disk:
        let orphan = #"{"data":{"event":"payment","invoice":"A-1","amount":"100","date":"2026-12-01"},"file":"b.json","record":1,"time":"2026-12-01T00:00:00Z"}"#
        try AppendJournal(url: spool.ledgerJournal).append([Array(orphan.utf8)])
        let (ledger, files) = try LedgerStore.replay(spool: spool)
        #expect(ledger["A-1"]?.balance == 100)
        #expect(files.keys.sorted() == ["d1"])
    }

    @Test("replay gives back every field of every record (the typed invoice path and the generic path)")
    func replayRoundTrip() throws {
        let spool = try makeSpool()
        let store = try LedgerStore(spool: spool)
        let full = Invoice(id: "F-1", customer: Customer(id: "c1", name: "Café \"Zür\" Ltd", email: "ap@c1.example", phone: "+4930123456",
                                                         contact: "Kim", language: "de-CH", timezone: "Europe/Zurich"),
                           issued: CalendarDate(iso: "2026-11-01")!, due: CalendarDate(iso: "2026-12-01")!, currency: "CHF",
                           amount: Decimal(string: "1200.50")!, balance: Decimal(string: "1000.25")!, policy: "strict",
                           paymentURL: "https://pay.example/F-1",
                           installments: [Installment(due: CalendarDate(iso: "2026-12-01")!, amount: Decimal(string: "600.25")!),
                                          Installment(due: CalendarDate(iso: "2027-01-01")!, amount: Decimal(string: "600.25")!)],
                           discountPercent: 2, discountUntil: CalendarDate(iso: "2026-11-10")!)
        let bare = Invoice(id: "B-1", customer: Customer(id: "c2", name: "B", phone: "+4930999999"),
                           issued: CalendarDate(iso: "2026-11-01")!, due: CalendarDate(iso: "2026-12-01")!, currency: "JPY",
                           amount: 5000, balance: 5000)
        let events: [LedgerEvent] = [
            .payment(invoice: "F-1", amount: Decimal(string: "100.25")!, date: CalendarDate(iso: "2026-12-02")!, reference: "SEPA-1"),
            .dispute(invoice: "B-1", date: nil, reason: "wrong goods"),
            .optout(address: "+4930999999", channel: .sms),
            .called(customer: "c2", date: CalendarDate(iso: "2026-12-03")!, note: "call back"),
        ]
        try store.commit([(1, .invoice(full)), (2, .invoice(bare))] + events.enumerated().map { ($0.offset + 3, .event($0.element)) },
                         file: "a.jsonl", digest: "d1", rejected: 0, time: Date())
        var expected = Ledger()
        for record in [InboxRecord.invoice(full), .invoice(bare)] + events.map(InboxRecord.event) { expected.apply(record) }
        let (ledger, _) = try LedgerStore.replay(spool: spool)
        #expect(ledger["F-1"] == expected["F-1"])
        #expect(ledger["B-1"] == expected["B-1"])
        #expect(ledger.optOuts == expected.optOuts)
        #expect(ledger.lastCalled == expected.lastCalled)
    }

    @Test("the delivery log writes time and event first, one file per UTC day")
    func eventLog() throws {
        let spool = try makeSpool()
        let log = EventLog(directory: spool.log)
        let day1 = Timestamp.parse("2026-12-01T23:59:59Z")!
        try log.append([
            LogEntry(time: day1, event: "ingested", fields: ["invoice": .string("A-1")]),
            LogEntry(time: day1.addingTimeInterval(2), event: "rejected", fields: [:]),
        ])
        let first = try String(contentsOf: spool.log.appendingPathComponent("2026-12-01.jsonl"), encoding: .utf8)
        #expect(first == #"{"time":"2026-12-01T23:59:59.000Z","event":"ingested","invoice":"A-1"}"# + "\n")
        let second = try String(contentsOf: spool.log.appendingPathComponent("2026-12-02.jsonl"), encoding: .utf8)
        #expect(second.hasPrefix(#"{"time":"2026-12-02T00:00:01.000Z","event":"rejected"}"#))
        #expect(try EventLog.read(directory: spool.log).count == 2)
    }
}
