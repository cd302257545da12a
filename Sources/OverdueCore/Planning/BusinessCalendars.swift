import Foundation
import OverdueCalendar
import Synchronization

extension BusinessCalendar {
    /// The calendar of a schedule's hours, days and holidays in one timezone.
    public convenience init(timeZone: TimeZone, schedule: Schedule) {
        self.init(timeZone: timeZone, hours: schedule.businessHours, businessDays: schedule.businessDays, holidays: schedule.holidays)
    }
}

extension DebtorHolidays {
    /// `schedule` with the country's holidays added to its own: what a
    /// debtor's `BusinessCalendar` is built from. Unchanged for no country.
    public func schedule(_ schedule: Schedule, for country: String?) -> Schedule {
        let extra = holidays(for: country)
        guard !extra.isEmpty else { return schedule }
        var combined = schedule
        combined.holidays.formUnion(extra)
        return combined
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
