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

    public init(timeZone: TimeZone, schedule: Schedule) {
        self.timeZone = timeZone
        hours = schedule.businessHours
        businessDays = schedule.businessDays
        holidays = schedule.holidays
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
    func instant(_ day: CalendarDate, minute: Int) -> Date {
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

/// One `BusinessCalendar` per timezone and debtor country: the country's
/// public holidays (the bundled calendars with the user's iCalendar files,
/// `Schedule.debtorHolidays`) are skipped on top of `[schedule] holidays`.
public final class BusinessCalendars: Sendable {
    private let schedule: Schedule
    private let zoneCountries: [String: String]
    private let calendars = Mutex<[String: BusinessCalendar]>([:])
    /// The same calendars by the inputs as given: the planner asks for each
    /// invoice at each step, and canonicalising the country and building the
    /// key every time was a fifth of `overdue plan`'s time at 200,000 invoices.
    private let byInput = Mutex<[Input: BusinessCalendar]>([:])
    public let defaultZone: String

    private struct Input: Hashable {
        var zone: String?
        var country: String?
        /// A customer's country falls back to their timezone's.
        var ofCustomer: Bool
    }

    /// - Parameter zoneCountries: IANA zone → country, for debtors with a
    ///   timezone and no country.
    public init(schedule: Schedule, zoneCountries: [String: String] = [:]) {
        self.schedule = schedule
        self.zoneCountries = zoneCountries
        defaultZone = schedule.timezone
    }

    /// The calendar for an IANA name, or the schedule's zone when the name is
    /// nil (validated input never holds an unknown name), with the public
    /// holidays of `country` when given.
    public func calendar(for zone: String?, country: String? = nil) -> BusinessCalendar {
        let input = Input(zone: zone, country: country, ofCustomer: false)
        if let known = byInput.withLock({ $0[input] }) { return known }
        let calendar = canonicalCalendar(for: zone, country: country)
        byInput.withLock { $0[input] = calendar }
        return calendar
    }

    private func canonicalCalendar(for zone: String?, country: String?) -> BusinessCalendar {
        let name = zone ?? defaultZone
        let code = country.map(PublicHolidays.canonicalCode) ?? ""
        let key = code.isEmpty ? name : "\(name)|\(code)"
        return calendars.withLock { calendars in
            if let calendar = calendars[key] { return calendar }
            let timeZone = TimeZone(identifier: name) ?? TimeZone(identifier: defaultZone) ?? TimeZone(identifier: "UTC")!
            let calendar = BusinessCalendar(timeZone: timeZone, schedule: schedule.debtorHolidays.schedule(schedule, for: code))
            calendars[key] = calendar
            return calendar
        }
    }

    /// The debtor's calendar: their timezone and their country's holidays.
    public func calendar(for customer: Customer) -> BusinessCalendar {
        let input = Input(zone: customer.timezone, country: customer.country, ofCustomer: true)
        if let known = byInput.withLock({ $0[input] }) { return known }
        let calendar = canonicalCalendar(for: customer.timezone, country: country(of: customer))
        byInput.withLock { $0[input] = calendar }
        return calendar
    }

    /// The debtor's country: their own (directory, invoice, e-invoice BT-55),
    /// else their timezone's. The schedule's zone places the creditor, not
    /// the debtor, so a debtor without either has none.
    public func country(of customer: Customer) -> String? {
        customer.country ?? customer.timezone.flatMap { zoneCountries[$0] }
    }

    /// The names of the holidays that kept a send from `from` until `until`
    /// (debtor-local days, `until` excluded), for `overdue plan`: the
    /// country's by name, the schedule's as "holiday ([schedule] holidays)".
    public func holidays(from: CalendarDate, until: CalendarDate, country: String?) -> [(date: CalendarDate, name: String)] {
        let countryCalendar = schedule.debtorHolidays.calendar(for: country)
        var names: [(CalendarDate, String)] = []
        var day = from
        while day < until, names.count < 30 {
            if let name = countryCalendar?.name(on: day) {
                names.append((day, "\(name) (\(countryCalendar!.code))"))
            } else if schedule.holidays.contains(day) {
                names.append((day, "holiday ([schedule] holidays)"))
            }
            day = day.adding(days: 1)
        }
        return names
    }
}
