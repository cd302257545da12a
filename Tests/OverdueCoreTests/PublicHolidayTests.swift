import Foundation
import OverdueCalendar
@testable import OverdueCore
import Testing

/// The bundled calendars, checked against dates anyone can look up, and the
/// planner skipping them in the debtor's timezone as it skips `[schedule] holidays`.
@Suite("Public holidays: bundled calendars and the planner")
struct PublicHolidayTests {
    static let requiredCodes = "AT BE BG CY CZ DE DK EE ES FI FR GR HR IE IT LT LU LV MT NL PL PT RO SE SI SK"
        .split(separator: " ").map(String.init) + ["GB", "GB-NIR", "GB-SCT", "GB-WLS"]
        + "CH NO US CA AU NZ IN JP SG ZA BR MX".split(separator: " ").map(String.init)

    static func day(_ text: String) -> CalendarDate { CalendarDate(iso: text)! }

    /// A one-stage policy that reminds on the due day itself, so where the
    /// send lands says directly whether the due day was a business day.
    static let dueDayPolicy = Policy(name: "due-day", stages: [
        Stage(name: "due", offsetDays: 0, channels: [.email], template: "overdue", final: false),
    ])

    /// Local time of the reminder for an invoice due on `due`, for a debtor in
    /// `zone` whose country is `country` (nil: `[schedule] holidays` only),
    /// through the planner's own wiring: the invoice's `customer.country`
    /// picks the calendar from `Schedule.debtorHolidays`.
    static func reminder(due: String, zone: String, country: String?, holidays: DebtorHolidays = DebtorHolidays()) -> String? {
        var schedule = Fixture.schedule(zone: zone)
        schedule.debtorHolidays = holidays
        let planner = Fixture.planner(schedule, policies: [dueDayPolicy], channels: [.email])
        let customer = Customer(id: "acme", name: "Acme", email: "ap@acme.example", timezone: zone, country: country)
        let ledger = Fixture.ledger(.invoice(Invoice(id: "INV-1", customer: customer, issued: day(due).adding(days: -30), due: day(due),
                                                     currency: "USD", amount: 100, balance: 100)))
        let start = Fixture.instant("\(day(due).adding(days: -10))T00:00:00Z")
        let end = Fixture.instant("\(day(due).adding(days: 20))T00:00:00Z")
        let sends = planner.timeline(ledger: ledger, history: DeliveryHistory(), from: start, until: end)
        return sends.first.map { Fixture.local($0.time, zone) }
    }

    @Test("a user's iCalendar day is skipped as a bundled one: Corpus Christi (Thu) moves a Bavarian debtor's reminder to Friday")
    func userCalendarSkipped() throws {
        let file = try ICalendarHolidays.parse(text: [
            "BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20270527", "SUMMARY:Fronleichnam, Bayern", "END:VEVENT", "END:VCALENDAR",
        ].joined(separator: "\r\n"))
        let holidays = DebtorHolidays(userCalendars: ["de": file])
        #expect(Self.reminder(due: "2027-05-27", zone: "Europe/Berlin", country: "DE", holidays: holidays) == "2027-05-28 09:00 Fri")
        #expect(Self.reminder(due: "2027-05-27", zone: "Europe/Berlin", country: "DE") == "2027-05-27 09:00 Thu")
    }

    @Test("every calendar the issue names is bundled, for 2026 through 2030")
    func coverage() {
        #expect(PublicHolidays.years == 2026...2030)
        #expect(PublicHolidays.source == "holidays 0.109")
        for code in Self.requiredCodes {
            guard let calendar = PublicHolidays.calendar(for: code) else {
                Issue.record("no calendar for \(code)")
                continue
            }
            #expect(calendar.code == code)
            for year in 2026...2030 {
                let count = calendar.holidays.keys.filter { $0.year == year }.count
                #expect(count >= 4, "\(code) \(year): \(count) holidays")
            }
            #expect(calendar.holidays.keys.allSatisfy { PublicHolidays.years.contains($0.year) })
        }
        #expect(Set(PublicHolidays.codes) == Set(Self.requiredCodes))
    }

    @Test("known dates", arguments: [
        ("US", "2027-07-04", "Independence Day"), ("US", "2027-07-05", "Independence Day (observed)"),
        ("US", "2026-07-03", "Independence Day (observed)"),
        ("DE", "2027-05-17", "Pentecost Monday"), ("DE", "2030-06-10", "Pentecost Monday"),
        ("IN", "2027-01-26", "Republic Day"), ("IN", "2030-01-26", "Republic Day"),
        ("FR", "2027-11-11", "Armistice Day"), ("FR", "2030-11-11", "Armistice Day"),
        // Easter Monday, computed from Easter Sunday 2027-03-28 and 2030-04-21.
        ("DE", "2027-03-29", "Easter Monday"), ("FR", "2027-03-29", "Easter Monday"), ("GB", "2027-03-29", "Easter Monday"),
        ("AT", "2027-03-29", "Easter Monday"), ("AU", "2027-03-29", "Easter Monday"), ("NZ", "2027-03-29", "Easter Monday"),
        ("DE", "2030-04-22", "Easter Monday"), ("FR", "2030-04-22", "Easter Monday"), ("GB", "2030-04-22", "Easter Monday"),
        ("IT", "2030-04-22", "Easter Monday"), ("IE", "2030-04-22", "Easter Monday"), ("ZA", "2030-04-22", "Family Day"),
        ("CA", "2030-04-19", "Good Friday"), ("BR", "2030-04-19", "Good Friday"),
        ("JP", "2030-05-06", "Substitute Holiday"), ("CH", "2027-08-01", "National Day"),
    ])
    func knownDate(country: String, date: String, name: String) {
        #expect(PublicHolidays.calendar(for: country)?.name(on: Self.day(date)) == name)
    }

    @Test("days that are not holidays there are not", arguments: [
        ("US", "2027-03-29"),  // no Easter Monday in the federal calendar
        ("CA", "2030-04-22"),  // nor in Canada's national one
        ("GB", "2027-11-30"),  // St Andrew's Day is Scotland's
        ("DE", "2027-01-06"),  // Epiphany is regional (BW, BY, ST), not national
        ("FR", "2027-11-12"),
    ])
    func notHoliday(country: String, date: String) {
        #expect(PublicHolidays.calendar(for: country)?.isHoliday(Self.day(date)) == false)
    }

    @Test("GB by nation: England is the default, and Scotland and Northern Ireland differ")
    func gbNations() throws {
        let england = try #require(PublicHolidays.calendar(for: "GB"))
        let scotland = try #require(PublicHolidays.calendar(for: "gb-sct"))
        let northernIreland = try #require(PublicHolidays.calendar(for: "GB-NIR"))
        let wales = try #require(PublicHolidays.calendar(for: "GB-WLS"))
        #expect(PublicHolidays.calendar(for: "GB-ENG") == england)
        // Scotland: 2 January, St Andrew's Day, the first Monday of August, no Easter Monday.
        #expect(scotland.name(on: Self.day("2026-01-02")) == "New Year Holiday")
        #expect(!england.isHoliday(Self.day("2026-01-02")))
        #expect(scotland.name(on: Self.day("2027-11-30")) == "Saint Andrew's Day")
        #expect(scotland.isHoliday(Self.day("2027-08-02")) && !england.isHoliday(Self.day("2027-08-02")))
        #expect(england.isHoliday(Self.day("2027-08-30")) && !scotland.isHoliday(Self.day("2027-08-30")))
        #expect(!scotland.isHoliday(Self.day("2027-03-29")))
        // Northern Ireland: St Patrick's Day and the Battle of the Boyne.
        #expect(northernIreland.name(on: Self.day("2027-03-17")) == "Saint Patrick's Day")
        #expect(northernIreland.name(on: Self.day("2027-07-12")) == "Battle of the Boyne")
        // Wales keeps England's bank holidays.
        #expect(wales.holidays == england.holidays)
    }

    @Test("lookups: any case, unknown codes, no country, years without data")
    func lookups() {
        #expect(PublicHolidays.calendar(for: "de") == PublicHolidays.calendar(for: "DE"))
        #expect(PublicHolidays.calendar(for: " us ")?.code == "US")
        #expect(PublicHolidays.calendar(for: "XX") == nil)
        #expect(PublicHolidays.calendar(for: "") == nil)
        let holidays = DebtorHolidays()
        #expect(holidays.holidays(for: nil).isEmpty)
        #expect(holidays.holidays(for: "XX").isEmpty)
        #expect(holidays.holidays(for: "de").contains(Self.day("2027-10-03")))
        #expect(holidays.covers(country: "DE", year: 2030) == true)
        #expect(holidays.covers(country: "DE", year: 2031) == false)
        #expect(holidays.covers(country: "XX", year: 2027) == nil)
        let schedule = Fixture.schedule(holidays: ["2027-12-31"])
        #expect(holidays.schedule(schedule, for: nil).holidays == schedule.holidays)
        #expect(holidays.schedule(schedule, for: "FR").holidays == schedule.holidays.union(holidays.holidays(for: "FR")))
    }

    @Test("the planner moves a reminder due on the debtor's holiday to their next business day", arguments: [
        ("US", "America/New_York", "2027-07-05", "2027-07-06 09:00 Tue"),
        ("DE", "Europe/Berlin", "2027-05-17", "2027-05-18 09:00 Tue"),
        ("DE", "Europe/Berlin", "2030-06-10", "2030-06-11 09:00 Tue"),
        ("IN", "Asia/Kolkata", "2027-01-26", "2027-01-27 09:00 Wed"),
        ("FR", "Europe/Paris", "2027-11-11", "2027-11-12 09:00 Fri"),
        ("GB", "Europe/London", "2027-03-29", "2027-03-30 09:00 Tue"),
        ("AU", "Australia/Sydney", "2027-03-29", "2027-03-30 09:00 Tue"),
        ("DE", "Europe/Berlin", "2030-04-22", "2030-04-23 09:00 Tue"),
        ("IT", "Europe/Rome", "2030-04-22", "2030-04-23 09:00 Tue"),
        ("CA", "America/Toronto", "2030-04-19", "2030-04-22 09:00 Mon"),  // Good Friday, then the weekend
        ("GB-SCT", "Europe/London", "2027-01-04", "2027-01-05 09:00 Tue"),
    ])
    func plannerSkips(country: String, zone: String, due: String, expected: String) {
        #expect(Self.reminder(due: due, zone: zone, country: country) == expected)
        // Without the country's calendar the same invoice is reminded on the day itself.
        let weekday = ["", "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][BusinessCalendar.weekday(Self.day(due)).rawValue]
        #expect(Self.reminder(due: due, zone: zone, country: nil) == "\(due) 09:00 \(weekday)")
    }

    @Test("the holiday is the debtor's local day: Independence Day in Hawaii starts after it has ended in New York")
    func debtorTimeZone() {
        // 2027-07-05 is a holiday in Honolulu's local calendar too; the send is
        // 09:00 there on the 6th, which is 19:00 UTC, not New York's 09:00.
        #expect(Self.reminder(due: "2027-07-05", zone: "Pacific/Honolulu", country: "US") == "2027-07-06 09:00 Tue")
        let schedule = DebtorHolidays().schedule(Fixture.schedule(zone: "Pacific/Honolulu"), for: "US")
        let calendar = BusinessCalendar(timeZone: TimeZone(identifier: "Pacific/Honolulu")!, schedule: schedule)
        #expect(calendar.firstWindowStart(onOrAfter: Self.day("2027-07-05")) == Fixture.instant("2027-07-06T19:00:00Z"))
    }
}
