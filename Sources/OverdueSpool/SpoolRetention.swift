import Foundation
import OverdueCalendar
import OverdueCore
#if canImport(Glibc)
import Glibc
#endif

/// Deletes whole files older than a directory's retention period
/// (`[retention]`, see `RetentionSettings`): a day file of the log or the
/// messages once its day is more than the period behind today (UTC), an
/// archived inbox file by the day its name starts with, a Maildir message
/// or a rejected file by its modification time. Never a journal, a
/// snapshot or anything else: the ledger and delivery journals are the
/// record. Run by the spool's one writer (the daemon's pass, `run --once`).
public enum SpoolRetention {
    public enum Directory: String, Sendable, CaseIterable {
        case messages, mail, log, archive, rejected
    }

    /// Removes what is older than each period; returns how many files per
    /// directory. `now` is the pipeline's clock (tests move it).
    @discardableResult
    public static func apply(spool: Spool, days periods: [Directory: Int], now: Date) throws -> [Directory: Int] {
        var removed: [Directory: Int] = [:]
        for (directory, days) in periods.sorted(by: { $0.key.rawValue < $1.key.rawValue }) where days > 0 {
            let cutoff = now.addingTimeInterval(-Double(days) * 86_400)
            // The first day still kept: a file of an earlier day goes.
            let firstKept = Timestamp.utcDay(cutoff)
            var count = 0
            switch directory {
            case .log, .messages, .archive:
                let url = directory == .log ? spool.log : directory == .messages ? spool.messages : spool.archive
                for file in SpoolEraser.files(in: url, suffix: nil) {
                    let day = String(file.lastPathComponent.prefix(10))
                    guard CalendarDate(iso: day) != nil, day < firstKept else { continue }
                    try remove(file)
                    count += 1
                }
            case .mail, .rejected:
                let folders = directory == .mail ? ["new", "cur", "tmp"].map { spool.mail.appendingPathComponent($0) } : [spool.rejected]
                for folder in folders {
                    for file in SpoolEraser.files(in: folder, suffix: nil) {
                        var info = stat()
                        guard stat(file.path, &info) == 0, Double(info.st_mtim.tv_sec) < cutoff.timeIntervalSince1970 else { continue }
                        try remove(file)
                        count += 1
                    }
                }
            }
            if count > 0 { removed[directory] = count }
        }
        return removed
    }

    static func remove(_ file: URL) throws {
        guard unlink(file.path) == 0 || errno == ENOENT else { throw SpoolIOError(operation: "remove (retention)", path: file.path, errno: errno) }
        try DurableIO.syncDirectory(file.deletingLastPathComponent().path)
    }

    /// When retention is next due after `now`: the next UTC midnight.
    public static func nextRun(after now: Date) -> Date {
        let day = floor(now.timeIntervalSince1970 / 86_400) + 1
        return Date(timeIntervalSince1970: day * 86_400)
    }
}
