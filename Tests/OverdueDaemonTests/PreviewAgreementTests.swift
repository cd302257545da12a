import Foundation
import Logging
import OverdueConfig
import OverdueCore
@testable import OverdueDaemon
import OverdueQueries
import OverdueSpool
import Testing
import TestSupport

/// The property test's random debtors through the real daemon: a spool,
/// inbox files dropped at their times, `Pipeline.pass` at every wake-up it
/// reports (as `run --once --now T` does), mail to the embedded Maildir.
/// Before each pass, `overdue preview CUSTOMER` (the `PreviewView`) at that
/// instant must give exactly the bytes the pass then delivers.
@Suite("preview agrees with the real send, byte for byte, over random debtors")
struct PreviewAgreementTests {
    /// A clock the test moves; the pipeline reads it like the system's.
    final class TestClock: @unchecked Sendable {  // guarded by `lock`
        private let lock = NSLock()
        private var instant: Date
        init(_ instant: Date) { self.instant = instant }
        var now: Date {
            get { lock.withLock { instant } }
            set { lock.withLock { instant = newValue } }
        }
    }

    @Test("30 random debtors for 180 days through Pipeline.pass and PreviewView")
    func randomDebtorsThroughTheDaemon() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("overdue-preview-agree-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let config = try ConfigLoader.parse("""
            [spool]
            dir = "spool"
            [brand]
            name = "Northwind Supplies Ltd"
            from = "Northwind Accounts <accounts@northwind.example>"
            language = "en"
            [schedule]
            timezone = "Europe/London"
            holidays = ["2027-04-02", "2027-04-05"]
            min_gap_days = 3
            [[policy]]
            \(LadderPropertyTests.policyTerms)
            stages = [
              { name = "courtesy", offset_days = -3, channels = ["email"] },
              { name = "overdue",  offset_days = 1,  channels = ["email"] },
              { name = "firm",     offset_days = 8,  channels = ["email"], fee = "10.00" },
              { name = "final",    offset_days = 15, channels = ["email"], final = true },
            ]
            """, path: root.appendingPathComponent("overdue.toml").path)
        var drops: [RandomDebtor.Drop] = []
        var customers: [String] = []
        for index in 0..<30 {
            var random = SplitMix64(seed: UInt64(index) &* 7919 &+ 3)
            let debtor = RandomDebtor(index: index, random: &random)
            drops += debtor.drops
            customers.append("C\(index)")
        }
        drops.sort { $0.time < $1.time }
        let clock = TestClock(LadderPropertyTests.start.addingTimeInterval(-50 * 86_400))
        let pipeline = try Pipeline(config: config, clock: OverdueClock { clock.now }, logger: Logger(label: "test"))
        let inbox = pipeline.spool.root.appendingPathComponent("inbox")
        let mail = pipeline.spool.root.appendingPathComponent("mail/new")
        let end = LadderPropertyTests.start.addingTimeInterval(180 * 86_400)
        var compared = 0
        var pending = drops[...]
        var fileNumber = 0
        for _ in 0..<5_000 {
            // The inbox: every file due by now, in order.
            while let drop = pending.first, drop.time <= clock.now {
                fileNumber += 1
                let line = JSONLine.bytes(.object(RecordEncoder.object(drop.record)))
                try Data(line).write(to: inbox.appendingPathComponent(String(format: "%05d.jsonl", fileNumber)), options: .atomic)
                pending.removeFirst()
            }
            _ = pipeline.ingestInbox()
            // What preview says each customer gets now (replayed from the
            // spool, as the command does) ...
            var expected: [String: [UInt8]] = [:]
            let due = try dueCustomers(config: config, spool: pipeline.spool, now: clock.now)
            for customer in due {
                let preview = try PreviewView(config: config, subject: customer, stage: nil, channel: .email, language: nil,
                                              now: clock.now)
                if let send = preview.send { expected[send.key] = preview.bytes }
            }
            let before = Set((try? FileManager.default.contentsOfDirectory(atPath: mail.path)) ?? [])
            let result = try pipeline.pass()
            // ... is what the pass delivered: the same messages, the same bytes.
            let delivered = Set((try? FileManager.default.contentsOfDirectory(atPath: mail.path)) ?? []).subtracting(before)
            #expect(delivered == Set(expected.keys), "at \(clock.now): delivered \(delivered.sorted()), previewed \(expected.keys.sorted())")
            for key in delivered {
                let bytes = try [UInt8](Data(contentsOf: mail.appendingPathComponent(key)))
                #expect(bytes == expected[key], "\(key) at \(clock.now): preview differs from the Maildir copy")
                compared += 1
            }
            let next = [result.nextWake, pending.first?.time].compactMap { $0 }.filter { $0 > clock.now }.min()
            guard let next, next < end else { break }
            clock.now = next
        }
        print("preview agreement: \(compared) e-mails compared byte for byte")
        #expect(compared > 200)
    }

    /// Customers the planner has an e-mail for at `now`, from the spool.
    func dueCustomers(config: Config, spool: Spool, now: Date) throws -> Set<String> {
        let ledger = try LedgerStore.replay(spool: spool).ledger
        let history = try DeliveryJournal.replay(spool: spool).history
        let plan = Planner(settings: config.plannerSettings).plan(ledger: ledger, history: history, now: now)
        return Set(plan.due.filter { $0.channel == .email }.map(\.customer))
    }
}
