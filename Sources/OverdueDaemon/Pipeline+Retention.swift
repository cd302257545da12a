import Foundation
import OverdueConfig
import OverdueCore
import OverdueSpool

/// `[retention]` in the pipeline: the first pass of each UTC day (and every
/// `run --once`) deletes the files past their period, with one `retention`
/// line in the log; the daemon wakes at midnight for it when it would
/// otherwise sleep longer. A failure is logged and tried at the next pass,
/// never fatal: nothing is sent or lost for a file kept a little longer.
extension Pipeline {
    static func retentionDays(_ settings: RetentionSettings) -> [SpoolRetention.Directory: Int] {
        var days: [SpoolRetention.Directory: Int] = [:]
        days[.messages] = settings.messagesDays
        days[.mail] = settings.mailDays
        days[.log] = settings.logDays
        days[.archive] = settings.archiveDays
        days[.rejected] = settings.rejectedDays
        return days
    }

    func applyRetention(now: Date) {
        let day = Timestamp.utcDay(now)
        guard !config.retention.isEmpty, retentionDay != day else { return }
        do {
            let removed = try SpoolRetention.apply(spool: spool, days: Self.retentionDays(config.retention), now: now)
            retentionDay = day
            guard !removed.isEmpty else { return }
            let counts = removed.sorted { $0.key.rawValue < $1.key.rawValue }
            try EventLog(directory: spool.log).append([LogEntry(time: now, event: "retention", fields: [
                "removed": .object(Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, JSONValue.number(Decimal($0.value))) })),
                "detail": .string("files older than their [retention] period deleted: "
                    + counts.map { "\($0.value) in \($0.key.rawValue)/" }.joined(separator: ", ")
                    + "; the ledger and delivery journals are kept"),
            ])])
            logger.info("retention applied", metadata: ["retention.removed": "\(counts.map { "\($0.key.rawValue)=\($0.value)" }.joined(separator: " "))"])
        } catch {
            logger.warning("retention could not delete old files; trying again at the next pass", metadata: ["error.detail": "\(error)"])
        }
    }

    func nextRetention(after now: Date) -> Date? {
        config.retention.isEmpty ? nil : SpoolRetention.nextRun(after: now)
    }
}
