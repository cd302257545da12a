/// The holiday calendar of each debtor country: the bundled ones with the
/// user's iCalendar files (`[schedule] holiday_calendars`) applied. Pure: the
/// config side reads and parses the files and hands them in, so the planner
/// never touches the disk.
///
/// The planner skips a debtor's country holidays exactly as it skips
/// `[schedule] holidays`, in the debtor's timezone: a `BusinessCalendar` per
/// (timezone, country) built from `schedule(_:for:)`:
///
///     BusinessCalendar(timeZone: zone, schedule: debtorHolidays.schedule(schedule, for: customer.country))
public struct DebtorHolidays: Sendable {
    /// By canonical code ("DE", "GB-SCT"), computed once: the planner asks per
    /// debtor, and the sets are small (about 60 days per calendar).
    private let calendars: [String: HolidayCalendar]
    private let dateSets: [String: Set<CalendarDate>]

    /// - Parameter userCalendars: parsed files by country code as the user
    ///   wrote it in the config ("de", "GB-SCT"; case does not matter). A code
    ///   without bundled data ("KR") gets the file alone as its calendar.
    public init(userCalendars: [String: ICalendarHolidays] = [:]) {
        var calendars: [String: HolidayCalendar] = [:]
        for code in PublicHolidays.codes {
            calendars[code] = PublicHolidays.calendar(for: code)
        }
        for (country, user) in userCalendars.sorted(by: { $0.key < $1.key }) {  // "GB" and "GB-ENG" both given: one order, always
            let code = PublicHolidays.canonicalCode(country)
            if let bundled = calendars[code] {
                calendars[code] = bundled.applying(user)
            } else if let years = user.years {
                calendars[code] = HolidayCalendar(code: code, years: years, holidays: user.added)
            }
        }
        self.calendars = calendars
        dateSets = calendars.mapValues(\.dates)
    }

    /// The calendar for a debtor's country (any case; "GB-ENG" is "GB"),
    /// nil when the debtor has no country or the country no calendar.
    public func calendar(for country: String?) -> HolidayCalendar? {
        country.flatMap { calendars[PublicHolidays.canonicalCode($0)] }
    }

    /// The days the planner skips for a debtor of `country` on top of
    /// `[schedule] holidays`; empty for no country or one without a calendar.
    public func holidays(for country: String?) -> Set<CalendarDate> {
        country.flatMap { dateSets[PublicHolidays.canonicalCode($0)] } ?? []
    }

    /// Whether the calendar of `country` has data for `year`: false means
    /// "no holiday data for DE 2031", nil that the country has no calendar at all.
    public func covers(country: String?, year: Int) -> Bool? {
        calendar(for: country)?.covers(year: year)
    }
}
