import Foundation
import OverdueCore
@testable import OverdueSpool
import Synchronization
import Testing

/// The delivery journal's snapshot: its fold plus the lines after it give
/// what replaying the whole journal gives — also when a line after the
/// snapshot takes back one before it (a re-queue, an outcome after a
/// deferral) — and a snapshot that does not check out is ignored.
/// Serialized: the snapshot problem handler is process-wide.
@Suite("Delivery journal snapshot", .serialized)
struct DeliverySnapshotTests {
    func makeSpool() throws -> Spool {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("overdue-sent-snapshot-\(UUID().uuidString.prefix(8))")
        let spool = Spool(root: root.path)
        try spool.create()
        return spool
    }

    /// Outcomes of every status, deferrals, re-queues and the stale feed
    /// guard's lines, for keys `first..<first+count`; every seventh re-queues
    /// or settles a key from before (`earlier`).
    static func append(to journal: DeliveryJournal, keys range: Range<Int>, earlier: Range<Int>, at start: Date) throws {
        let statuses: [DeliveryStatus] = [.sent, .sent, .failed, .ambiguous, .suppressed]
        for n in range {
            let time = start.addingTimeInterval(Double(n) * 600)
            let message = SentMessage(key: "od1-\(n)", customer: "c\(n % 13)", channel: n % 3 == 0 ? .sms : .email,
                                      recipient: "ap\(n % 13)@x.example", stage: ["overdue", "firm", "final"][n % 3],
                                      items: [ReminderItem(invoice: "I-\(n)", installment: n % 4 == 0 ? 2 : nil, stage: "overdue")], time: time)
            if n % 5 == 1 {
                try journal.append(deferrals: [DeliveryJournal.Deferral(key: message.key, attempt: 1, next: time.addingTimeInterval(300), first: time)], at: time)
            } else {
                try journal.append(outcomes: [DeliveryJournal.Outcome(message: message, status: statuses[n % statuses.count], code: 550 * (n % 2),
                                                                  detail: n % 2 == 0 ? "5.1.1 ✗ unknown" : "")], at: time)
            }
            if n % 7 == 0, !earlier.isEmpty {
                let old = earlier.lowerBound + (n * 37) % earlier.count
                try journal.append(requeued: ["od1-\(old)"], at: time)
            }
            if n % 11 == 0 { try journal.append(staleSince: n % 22 == 0 ? time : nil, at: time) }
        }
    }

    /// Everything a replay gives, in a form two replays can be compared by.
    static func describe(_ state: DeliveryJournal.State) -> String {
        let outcomes = state.outcomes.map { "\($0.message.key) \($0.status) \($0.message.time.timeIntervalSince1970) \($0.code) \($0.detail)" }
        let deferred = state.deferred.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.attempt) \($0.value.next.timeIntervalSince1970)" }
        let counts = state.counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.sorted { $0.key < $1.key })" }
        let recent = state.recentSends.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key) \($0.value.count)" }
        return [outcomes.joined(separator: "\n"), deferred.joined(separator: ","), state.failed.keys.sorted().joined(separator: ","),
                counts.joined(separator: ","), recent.joined(separator: ","), "\(String(describing: state.staleLogged))"].joined(separator: "\n--\n")
    }

    @Test("snapshot + the lines after it == the whole journal, also when later lines take back earlier ones")
    func snapshotPlusTail() throws {
        let spool = try makeSpool()
        defer { try? FileManager.default.removeItem(atPath: spool.root.path) }
        let journal = try DeliveryJournal(spool: spool)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        try Self.append(to: journal, keys: 0..<400, earlier: 0..<0, at: start)
        let covered = try DeliverySnapshot.write(spool: spool)
        #expect(covered > 0 && DeliverySnapshot.coveredOffset(spool: spool) == covered)
        try Self.append(to: journal, keys: 400..<700, earlier: 0..<400, at: start)
        let full = try DeliveryJournal.replay(spool: spool, keepingOutcomes: true, usingSnapshot: false)
        let fromSnapshot = try DeliveryJournal.replay(spool: spool, keepingOutcomes: true, usingSnapshot: true)
        #expect(Self.describe(fromSnapshot) == Self.describe(full))
        #expect(full.outcomes.count > 500 && !full.deferred.isEmpty && !full.failed.isEmpty)
        // The snapshot's fold really is used: restored, it stops where the snapshot was taken.
        #expect(DeliverySnapshot.restore(spool: spool)?.offset == covered)
        // A second snapshot, over the first and the tail, gives the same again.
        _ = try DeliverySnapshot.write(spool: spool)
        #expect(Self.describe(try DeliveryJournal.replay(spool: spool, keepingOutcomes: true)) == Self.describe(full))
    }

    @Test("a damaged snapshot, or one of another journal, is ignored with its reason and the journal replayed whole")
    func damagedIsIgnored() throws {
        let spool = try makeSpool()
        defer { try? FileManager.default.removeItem(atPath: spool.root.path) }
        let journal = try DeliveryJournal(spool: spool)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        try Self.append(to: journal, keys: 0..<200, earlier: 0..<0, at: start)
        try DeliverySnapshot.write(spool: spool)
        try Self.append(to: journal, keys: 200..<260, earlier: 0..<200, at: start)
        let full = Self.describe(try DeliveryJournal.replay(spool: spool, keepingOutcomes: true, usingSnapshot: false))
        let reasons = ReasonLog()
        LedgerSnapshot.problemHandler.withLock { $0 = { problem in reasons.add(problem.reason) } }
        defer { LedgerSnapshot.problemHandler.withLock { $0 = nil } }
        let file = DeliverySnapshot.url(spool)
        var bytes = try [UInt8](Data(contentsOf: file))
        bytes[bytes.count - 5] ^= 0x40
        try Data(bytes).write(to: file)
        #expect(Self.describe(try DeliveryJournal.replay(spool: spool, keepingOutcomes: true)) == full)
        #expect(reasons.all.last == "checksum")
        // The journal edited before the offset the snapshot covers.
        try DeliverySnapshot.write(spool: spool)
        var text = try String(contentsOf: DeliveryJournal.url(spool), encoding: .utf8)
        text = text.replacingOccurrences(of: "\"od1-3\"", with: "\"od1-X\"")
        try text.write(to: DeliveryJournal.url(spool), atomically: true, encoding: .utf8)
        let edited = Self.describe(try DeliveryJournal.replay(spool: spool, keepingOutcomes: true, usingSnapshot: false))
        #expect(Self.describe(try DeliveryJournal.replay(spool: spool, keepingOutcomes: true)) == edited)
        #expect(reasons.all.last == "journal-changed")
    }

    @Test("line numbers of a long journal round-trip (found at 1,000,000 outcomes: they were read as sizes and refused)")
    func largeLineNumbers() throws {
        var fold = DeliveryJournal.Accumulator()
        fold.lines = 12_000_000
        fold.lastRequeue = ["od1-a": 11_999_999]
        fold.lastOutcome = ["od1-a": 11_000_000]
        var writer = SnapshotWriter()
        writer.encode(fold)
        let decoded = try writer.bytes.withUnsafeBufferPointer { buffer in
            var reader = SnapshotReader(buffer)
            return try reader.accumulator()
        }
        #expect(decoded.lines == 12_000_000 && decoded.lastRequeue == fold.lastRequeue && decoded.lastOutcome == fold.lastOutcome)
    }

    final class ReasonLog: Sendable {
        private let reasons = Mutex<[String]>([])
        func add(_ reason: String) { reasons.withLock { $0.append(reason) } }
        var all: [String] { reasons.withLock { $0 } }
    }
}
