import ArgumentParser
import Foundation
import OverdueConfig
import OverdueCore
import OverdueDaemon
import OverdueSpool

/// Day options (`--date`, `--at`) shared by several subcommands.
enum DayOption {
    static func check(_ text: String?, option: String = "--date") throws {
        if let text, CalendarDate(iso: text) == nil { throw ValidationError("\(option) \"\(text)\" is not a date; write YYYY-MM-DD") }
    }

    /// The given day, or today in the schedule's timezone.
    static func day(_ text: String?, config: Config) -> CalendarDate {
        text.flatMap { CalendarDate(iso: $0) } ?? BusinessCalendars(schedule: config.schedule).calendar(for: nil).localDay(Date())
    }
}

/// Drops events into the spool's inbox (see `InboxDrop`); without an inbox,
/// says how to make one and exits 1. Returns the file's name.
func dropIntoInbox(_ events: [LedgerEvent], kind: String, config: Config) throws -> String {
    try dropIntoInbox(events.map(InboxRecord.event), kind: kind, config: config)
}

/// `dropIntoInbox` for any inbox records (approve/hold decisions).
@discardableResult
func dropIntoInbox(_ records: [InboxRecord], kind: String, config: Config) throws -> String {
    do {
        // Root drops as the spool's owner; the finance team's group drops as itself.
        try SpoolOwnership.adopt(spoolDirectory: config.spool.dir, othersMayDrop: true)
        return try InboxDrop.drop(records, kind: kind, spool: Spool(root: config.spool.dir))
    } catch let error as SpoolOwnership.Refused {
        printError(error.description)
        throw ExitCode(1)
    } catch let error as InboxDrop.NoInbox {
        printError(error.description)
        throw ExitCode(1)
    }
}
