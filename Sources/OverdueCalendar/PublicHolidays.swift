import Foundation

/// The public holidays of one country (or, for GB, one nation): the days its
/// offices are closed, by local date, with their names. A debtor's country
/// selects one, and the planner skips its days as it skips `[schedule] holidays`.
public struct HolidayCalendar: Sendable, Equatable {
    /// "DE", "GB-SCT": ISO 3166-1 alpha-2, plus "-NIR"/"-SCT"/"-WLS" for the
    /// GB nations whose bank holidays differ from England's.
    public let code: String
    /// The years the data speaks for. A day outside them is not known to be a
    /// working day, only not known to be a holiday: callers say "no holiday
    /// data for DE 2031" rather than plan as if there were none.
    public let years: ClosedRange<Int>
    /// Holiday names by date; two holidays on one day share one name ("A; B").
    public let holidays: [CalendarDate: String]

    public init(code: String, years: ClosedRange<Int>, holidays: [CalendarDate: String]) {
        self.code = code
        self.years = years
        self.holidays = holidays
    }

    /// The holiday dates, the shape `Schedule.holidays` and `BusinessCalendar` take.
    public var dates: Set<CalendarDate> { Set(holidays.keys) }

    public func isHoliday(_ day: CalendarDate) -> Bool { holidays[day] != nil }

    /// The holiday's name, nil on a day that is not one (so a plan can say
    /// "moved from 2027-05-17, Whit Monday (DE)").
    public func name(on day: CalendarDate) -> String? { holidays[day] }

    public func covers(year: Int) -> Bool { years.contains(year) }

    /// The holidays in date order, e.g. for `overdue check` to list them.
    public var byDate: [(date: CalendarDate, name: String)] {
        holidays.sorted { $0.key < $1.key }.map { (date: $0.key, name: $0.value) }
    }

    /// This calendar with a user's iCalendar file applied: see `ICalendarHolidays`
    /// for what adds, removes and replaces. The years grow to take in the
    /// years the file names, so a file for 2031 makes 2031 covered; a file
    /// that replaces the calendar covers its own years only.
    public func applying(_ user: ICalendarHolidays) -> HolidayCalendar {
        if user.replacesBundled {
            return HolidayCalendar(code: code, years: user.years ?? years, holidays: user.added)
        }
        var merged = holidays
        for (day, name) in user.added { merged[day] = name }  // the user's name wins: it is their word
        for day in user.removed { merged[day] = nil }
        var lower = years.lowerBound, upper = years.upperBound
        if let userYears = user.years {
            lower = min(lower, userYears.lowerBound)
            upper = max(upper, userYears.upperBound)
        }
        return HolidayCalendar(code: code, years: lower...upper, holidays: merged)
    }
}

/// The bundled calendars: public holidays 2026–2030 of every EU country,
/// GB by nation, CH, NO, US (federal), CA, AU, NZ, IN, JP, SG, ZA, BR and MX,
/// generated into `PublicHolidayData.swift` by `scripts/generate-holidays.py`
/// from the pinned PyPI package `holidays` (its header states the choices).
public enum PublicHolidays {
    /// The calendar for a code, case-insensitive: "de", "GB-SCT". "GB-ENG"
    /// is England, the same as "GB". Nil for a code with no bundled data.
    public static func calendar(for country: String) -> HolidayCalendar? {
        parsed[canonicalCode(country)]
    }

    /// Every bundled code, sorted.
    public static var codes: [String] { parsed.keys.sorted() }

    /// The years every bundled calendar covers.
    public static var years: ClosedRange<Int> { bundledYears }

    /// The source the data was generated from, e.g. "holidays 0.109".
    public static var source: String { sourceVersion }

    /// "gb-eng " → "GB": the key a country is looked up and overridden by.
    public static func canonicalCode(_ country: String) -> String {
        let code = country.trimmingCharacters(in: .whitespaces).uppercased()
        return code == "GB-ENG" ? "GB" : code
    }

    // Parsed once, on first use: 2,500 short lines, and the generated text is
    // checked by the tests, so a malformed line is a generator bug and traps.
    private static let parsed: [String: HolidayCalendar] = bundledText.reduce(into: [:]) { calendars, entry in
        var holidays: [CalendarDate: String] = [:]
        for line in entry.value.split(separator: "\n") {
            guard let date = CalendarDate(iso: line.prefix(10)), line.count > 11 else {
                preconditionFailure("PublicHolidayData.swift, \(entry.key): not \"YYYY-MM-DD Name\": \(line)")
            }
            holidays[date] = String(line.dropFirst(11))
        }
        calendars[entry.key] = HolidayCalendar(code: entry.key, years: bundledYears, holidays: holidays)
    }
}
