import ArgumentParser
import Foundation
import OverdueCalendar
import OverdueConfig
import OverdueCore
import OverdueIngest
import OverdueQueries

/// Day options (`--date`, `--at`) shared by several subcommands.
enum DayOption {
    static func check(_ text: String?, option: String = "--date") throws {
        if let text, CalendarDate(iso: text) == nil { throw ValidationError("\(option) \"\(text)\" is not a date; write YYYY-MM-DD") }
    }

    /// The given day, or today in the schedule's timezone.
    static func day(_ text: String?, config: Config) -> CalendarDate {
        text.flatMap { CalendarDate(iso: $0) } ?? Planner.today(at: Date(), schedule: config.schedule)
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
    try exitOnFailure { try InboxDrop.dropAsSpoolOwner(records, kind: kind, config: config) }
}

/// Prints what a command's one library call returns (see `CommandOutput`).
func emit(_ make: () throws -> CommandOutput) throws {
    let output = try exitOnFailure(make)
    for line in output.lines { print(line) }
    if let raw = output.raw { FileHandle.standardOutput.write(Data(raw)) }
    for failure in output.failures { printError(failure) }
    if !output.failures.isEmpty { throw ExitCode(1) }
}

/// Runs a library call; a failure is printed by `printError` and ends the
/// command with status 1 (an `ExitCode` passes through as it is).
func exitOnFailure<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        printError(error)
        throw ExitCode(1)
    }
}
