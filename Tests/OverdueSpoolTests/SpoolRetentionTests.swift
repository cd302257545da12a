import Foundation
import Testing
@testable import OverdueSpool

/// `[retention]` on the spool, with the clock given: whole files past their
/// period go, by the day in their name (log, messages, archive) or their
/// modification time (Maildir, rejected); the journals never.
@Suite("Spool retention")
struct SpoolRetentionTests {
    static func date(_ text: String) -> Date { Timestamp.parse(text)! }

    func write(_ url: URL, modified: String? = nil) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("x\n".utf8).write(to: url)
        if let modified { try FileManager.default.setAttributes([.modificationDate: Self.date(modified)], ofItemAtPath: url.path) }
    }

    @Test("files older than the period are deleted, the rest and the journals kept; a directory without a period is kept whole")
    func periods() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("overdue-retention-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: root) }
        let spool = Spool(root: root.path)
        try spool.create()
        for day in ["2026-10-31", "2026-11-01", "2026-12-01"] {
            try write(spool.log.appendingPathComponent("\(day).jsonl"))
            try write(spool.messages.appendingPathComponent("\(day).txt"))
            try write(spool.archive.appendingPathComponent("\(day)T100000Z-0123456789ab-invoices.csv"))
        }
        try write(spool.mail.appendingPathComponent("new/od1-old"), modified: "2026-10-01T00:00:00Z")
        try write(spool.mail.appendingPathComponent("cur/od1-new:2,S"), modified: "2026-11-30T00:00:00Z")
        try write(spool.rejected.appendingPathComponent("0123-bad.json"), modified: "2026-10-01T00:00:00Z")
        try write(spool.ledgerJournal)
        try write(DeliveryJournal.url(spool))

        // 2026-12-01 10:00 less 30 days is 2026-11-01 10:00: 10-31 goes, 11-01 stays.
        let removed = try SpoolRetention.apply(spool: spool, days: [.log: 30, .messages: 30, .archive: 30, .mail: 30],
                                               now: Self.date("2026-12-01T10:00:00Z"))
        #expect(removed == [.log: 1, .messages: 1, .archive: 1, .mail: 1])
        func names(_ url: URL) -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted() }
        #expect(names(spool.log) == ["2026-11-01.jsonl", "2026-12-01.jsonl"])
        #expect(names(spool.messages) == ["2026-11-01.txt", "2026-12-01.txt"])
        #expect(names(spool.archive).count == 2 && !names(spool.archive).contains { $0.hasPrefix("2026-10-31") })
        #expect(names(spool.mail.appendingPathComponent("new")).isEmpty && names(spool.mail.appendingPathComponent("cur")) == ["od1-new:2,S"])
        // No rejected_days: rejected/ keeps everything; the journals are never touched.
        #expect(names(spool.rejected) == ["0123-bad.json"])
        #expect(FileManager.default.fileExists(atPath: spool.ledgerJournal.path) && FileManager.default.fileExists(atPath: DeliveryJournal.url(spool).path))

        // A day later the next day's files go too; the same day again removes nothing.
        #expect(try SpoolRetention.apply(spool: spool, days: [.log: 30], now: Self.date("2026-12-01T23:00:00Z")).isEmpty)
        #expect(try SpoolRetention.apply(spool: spool, days: [.log: 30, .rejected: 30], now: Self.date("2026-12-02T00:30:00Z"))
            == [.log: 1, .rejected: 1])
        #expect(SpoolRetention.nextRun(after: Self.date("2026-12-02T00:30:00Z")) == Self.date("2026-12-03T00:00:00Z"))
    }
}
