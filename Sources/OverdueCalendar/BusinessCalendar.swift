import Foundation
import Synchronization

/// Business windows in one timezone: which local days are business days and
/// which UTC instants a day's business hours start and end at, DST included.
///
/// Windows are computed once per local day and cached, because the planner
/// asks the same few days for every invoice of a timezone.
public final class BusinessCalendar: Sendable {
    public let timeZone: TimeZone
    private let hours: BusinessHours
    private let businessDays: Set<Weekday>
    private let holidays: Set<CalendarDate>
    private let calendar: Calendar
    private let windows = Mutex<[Int: Window?]>([:])

    /// One day's business hours as instants; `end` is exclusive.
    public struct Window: Sendable, Equatable {
        public var start: Date
        public var end: Date
    }

    public init(timeZone: TimeZone, hours: BusinessHours, businessDays: Set<Weekday>, holidays: Set<CalendarDate>) {
        self.timeZone = timeZone
        self.hours = hours
        self.businessDays = businessDays
        self.holidays = holidays
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    /// The local calendar day of an instant.
    public func localDay(_ instant: Date) -> CalendarDate {
        let local = instant.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: instant))
        return CalendarDate(daysSinceEpoch: Int((local / 86_400).rounded(.down)))
    }

    public static func weekday(_ day: CalendarDate) -> Weekday {
        // 1970-01-01 was a Thursday (5 in Calendar's Sunday = 1 numbering).
        let index = ((day.daysSinceEpoch + 4) % 7 + 7) % 7
        return Weekday(rawValue: index + 1)!
    }

    public func isBusinessDay(_ day: CalendarDate) -> Bool {
        businessDays.contains(Self.weekday(day)) && !holidays.contains(day)
    }

    /// `day` if it is a business day, else the next one (a deadline in a
    /// letter never falls on a weekend or holiday of the debtor's calendar).
    public func businessDay(onOrAfter day: CalendarDate) -> CalendarDate {
        var current = day
        var steps = 0
        while !isBusinessDay(current), steps < 800 {  // bounded as in firstWindowStart
            current = current.adding(days: 1)
            steps += 1
        }
        return current
    }

    /// The `count`-th business day after `day` (`day` itself not counted).
    public func businessDays(_ count: Int, after day: CalendarDate) -> CalendarDate {
        var current = day
        for _ in 0..<max(0, count) { current = businessDay(onOrAfter: current.adding(days: 1)) }
        return current
    }

    /// The day's business window, nil on weekends and holidays.
    public func window(on day: CalendarDate) -> Window? {
        if let cached = windows.withLock({ $0[day.daysSinceEpoch] }) { return cached }
        var window: Window?
        if isBusinessDay(day) {
            window = Window(start: instant(day, minute: hours.startMinute), end: instant(day, minute: hours.endMinute))
        }
        windows.withLock { $0[day.daysSinceEpoch] = window }
        return window
    }

    /// The start of the first business window on `day` or after it.
    public func firstWindowStart(onOrAfter day: CalendarDate) -> Date {
        var current = day
        // Bounded: a year always holds a business day unless every day is a
        // holiday, which config validation does not allow for long.
        for _ in 0..<800 {
            if let window = window(on: current) { return window.start }
            current = current.adding(days: 1)
        }
        return instant(current, minute: hours.startMinute)
    }

    /// `instant` if it lies inside a business window, else the start of the
    /// next window.
    public func nextOpen(atOrAfter instant: Date) -> Date {
        var day = localDay(instant).adding(days: -1)  // a window may start the local day before (never with sane hours)
        for _ in 0..<800 {
            if let window = window(on: day) {
                if instant < window.start { return window.start }
                if instant < window.end { return instant }
            }
            day = day.adding(days: 1)
        }
        return instant
    }

    public func isOpen(_ instant: Date) -> Bool { nextOpen(atOrAfter: instant) == instant }

    /// The UTC instant of a local wall-clock time. A time that does not exist
    /// (skipped by a DST change) becomes the first instant after the gap; a
    /// time that happens twice becomes the first of the two. Either way each
    /// local day has exactly one window start, so nothing is skipped or doubled.
    public func instant(_ day: CalendarDate, minute: Int) -> Date {
        var components = DateComponents(year: day.year, month: day.month, day: day.day)
        if minute >= 24 * 60 {
            // "24:00" is the start of the next day.
            let next = day.adding(days: 1)
            components = DateComponents(year: next.year, month: next.month, day: next.day, hour: 0, minute: 0)
        } else {
            components.hour = minute / 60
            components.minute = minute % 60
        }
        guard let date = calendar.date(from: components) else { return Date(timeIntervalSince1970: 0) }
        let local = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        if local.hour == components.hour, local.minute == components.minute, local.day == components.day {
            // Exists; for a repeated hour Foundation returns the first occurrence.
            return date
        }
        // Fell into a DST gap: use the instant the clocks jumped.
        return timeZone.nextDaylightSavingTimeTransition(after: date.addingTimeInterval(-4 * 3600)) ?? date
    }
}
