import Foundation
import OverdueCalendar
import OverdueCore
@testable import OverdueSpool
import Testing

/// A batch stopped before its commit line (a crash, a power cut) leaves
/// record lines at the journal's end. They were never acknowledged; the
/// writer's start cuts them off, so the next batch's commit line does not
/// take them in.
@Suite("Ledger journal: an unacknowledged batch at the end")
struct UncommittedTailTests {
    @Test("record lines after the last commit line are cut at the writer's start, not applied with the next batch")
    func cutAtStart() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("overdue-uncommitted-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: root) }
        let spool = Spool(root: root.path)
        try spool.create()
        let customer = Customer(id: "c1", name: "Debtor", email: "ap@debtor.example")
        let invoice = Invoice(id: "I-1", customer: customer, issued: CalendarDate(iso: "2027-01-01")!, due: CalendarDate(iso: "2027-02-01")!,
                              currency: "EUR", amount: 100, balance: 100)
        let payment = InboxRecord.event(.payment(invoice: "I-1", amount: 40, date: CalendarDate(iso: "2027-02-03")!, reference: nil))
        let time = Date(timeIntervalSince1970: 1_800_000_000)
        do {
            let store = try LedgerStore(spool: spool)
            try store.commit([(1, .invoice(invoice))], file: "a.json", digest: "aa", rejected: 0, time: time)
            try store.commit([(1, payment)], file: "pay.json", digest: "bb", rejected: 0, time: time)
        }
        // The crash: the payment's batch is on disk without its commit line.
        let url = spool.ledgerJournal
        var lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        lines.removeLast()
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: false, encoding: .utf8)

        let (store, ledger, files) = try LedgerStore.openForWriting(spool: spool)
        #expect(ledger["I-1"]?.balance == 100 && files["bb"] == nil, "the unacknowledged payment is not in the ledger")
        // The payment's file is taken again (it stayed in the inbox), and another batch follows.
        try store.commit([(1, payment)], file: "pay.json", digest: "bb", rejected: 0, time: time)
        let replayed = try LedgerStore.replay(spool: spool, usingSnapshot: false).ledger
        #expect(replayed["I-1"]?.balance == 60, "the payment applied once, not twice")
    }
}
