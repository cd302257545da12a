import Foundation
import OverdueCalendar
import OverdueCore
@testable import OverdueSpool
import Testing

/// Journals read in bounded windows (the ledger's replay among them).
extension SpoolTests {
    @Test("windows give every complete line once, in order, whatever the window size; a torn last line is left out")
    func windowsGiveEveryLine() throws {
        let spool = try makeSpool()
        let url = spool.log.appendingPathComponent("w.jsonl")
        let lines = (0..<500).map { "{\"n\":\($0),\"pad\":\"\(String(repeating: "x", count: $0 % 37))\"}" }
        try Data((lines.joined(separator: "\n") + "\n{\"n\":\"torn").utf8).write(to: url)
        for windowBytes in [1, 7, 64, 1000, 1 << 20] {
            guard let reader = try JournalWindowReader(url: url, windowBytes: windowBytes) else {
                Issue.record("no reader")
                return
            }
            var read: [String] = []
            var expectedStart = 0
            while let window = try reader.next() {
                #expect(window.startOffset == expectedStart)
                expectedStart = window.endOffset
                read += window.lines.map { String(decoding: $0, as: UTF8.self) }
            }
            #expect(read == lines, "window of \(windowBytes) bytes")
            #expect(expectedStart == lines.joined(separator: "\n").utf8.count + 1)
        }
        #expect(try JournalWindowReader(url: spool.log.appendingPathComponent("none.jsonl")) == nil)
    }

    @Test("replaying a ledger journal many windows long with a torn last line gives what a whole-file replay gives")
    func replayAcrossWindows() throws {
        let spool = try makeSpool()
        let store = try LedgerStore(spool: spool)
        var expected = Ledger()
        for file in 0..<40 {
            var records: [(number: Int, record: InboxRecord)] = []
            for number in 0..<25 {
                let id = "W-\(file)-\(number)"
                let invoice = Invoice(id: id, customer: Customer(id: "c\(number % 7)", name: "C", email: "c\(number % 7)@c.example"),
                                      issued: CalendarDate(iso: "2026-11-01")!, due: CalendarDate(iso: "2026-12-01")!,
                                      currency: "EUR", amount: 100, balance: 100)
                records.append((number * 2 + 1, .invoice(invoice)))
                records.append((number * 2 + 2, .event(.payment(invoice: id, amount: Decimal(number + 1), date: CalendarDate(iso: "2026-12-02")!,
                                                                reference: nil))))
            }
            try store.commit(records, file: "f\(file).jsonl", digest: "d\(file)", rejected: 0, time: Date())
            for (_, record) in records { expected.apply(record) }
        }
        // A batch cut by the crash: a whole record line, then half of one.
        let orphan = #"{"data":{"event":"payment","invoice":"W-1-1","amount":"1","date":"2026-12-01"},"file":"x.json","record":1,"time":"2026-12-01T00:00:00Z"}"#
        let handle = try FileHandle(forWritingTo: spool.ledgerJournal)
        handle.seekToEndOfFile()
        handle.write(Data((orphan + "\n" + orphan.prefix(40)).utf8))
        try handle.close()
        let size = try FileManager.default.attributesOfItem(atPath: spool.ledgerJournal.path)[.size] as! Int
        let windowBytes = 4096
        #expect(size > 20 * windowBytes)
        let whole = try LedgerStore.replay(spool: spool, windowBytes: size * 2)
        let windowed = try LedgerStore.replay(spool: spool, windowBytes: windowBytes)
        #expect(windowed.files.keys.sorted() == whole.files.keys.sorted())
        #expect(windowed.files.count == 40)
        #expect(windowed.ledger.entries.count == 1000)
        for id in expected.entries.values.map(\.invoice.id) {
            #expect(windowed.ledger[id] == expected[id])
            #expect(whole.ledger[id] == expected[id])
        }
        var state = LedgerStore.ReplayState()
        try LedgerStore.replayJournal(spool: spool, into: &state, windowBytes: windowBytes)
        let committedEnd = size - orphan.utf8.count - 1 - 40
        #expect(state.committedOffset == committedEnd)
    }
}
