import Foundation
import OverdueCalendar

extension Planner {
    /// "Today", defined once. For the ledger as a whole (the counts in
    /// `status`, the report's day, the open-invoice metric, the date given to
    /// an undated dispute): the creditor's business day, in the schedule's
    /// timezone. For what concerns one debtor (their letters, deadlines and
    /// days overdue): their own day, in their timezone (`today(for:at:)`).
    /// (The schedule's zone's calendar, built once: the report asks for every send.)
    public func today(at now: Date) -> CalendarDate { today(for: nil, at: now) }

    /// A debtor's day: in their timezone, else the schedule's.
    public func today(for timeZone: String?, at now: Date) -> CalendarDate { calendars.calendar(for: timeZone).localDay(now) }

    /// The creditor's day where no planner is at hand (the ingester dating
    /// an undated event, the CLI's default `--date`): the same rule.
    public static func today(at now: Date, schedule: Schedule) -> CalendarDate {
        let zone = TimeZone(identifier: schedule.timezone) ?? TimeZone(identifier: "UTC")!
        return BusinessCalendar(timeZone: zone, schedule: schedule).localDay(now)
    }

    /// The instant the creditor's `day` ends (the next day's midnight in the
    /// schedule's zone, DST included): what was true "up to `day`" is current
    /// until then, by the same clock as `today(at:schedule:)`.
    public static func endOfDay(_ day: CalendarDate, schedule: Schedule) -> Date {
        let zone = TimeZone(identifier: schedule.timezone) ?? TimeZone(identifier: "UTC")!
        return BusinessCalendar(timeZone: zone, schedule: schedule).instant(day.adding(days: 1), minute: 0)
    }
}
