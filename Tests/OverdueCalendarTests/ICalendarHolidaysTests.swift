import Foundation
@testable import OverdueCalendar
import Testing

/// Users' holiday files: RFC 5545 all-day events, applied over the bundled calendars.
@Suite("Holiday calendars: users' iCalendar files")
struct ICalendarHolidaysTests {
    static func day(_ text: String) -> CalendarDate { CalendarDate(iso: text)! }

    /// Lines joined with CRLF as RFC 5545 writes them.
    static func ics(_ lines: String...) -> String { lines.joined(separator: "\r\n") + "\r\n" }

    /// Bavaria's holidays on top of Germany's, as a calendar program exports
    /// them: a VTIMEZONE, folded lines, escapes, a yearly rule, an alarm, and
    /// a day the company works although the country does not.
    static let bavaria = ics(
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Example Corp//Holidays//EN",
        "BEGIN:VTIMEZONE",
        "TZID:Europe/Berlin",
        "BEGIN:STANDARD",
        "DTSTART:19701025T030000",
        "TZOFFSETFROM:+0200",
        "TZOFFSETTO:+0100",
        "END:STANDARD",
        "END:VTIMEZONE",
        "BEGIN:VEVENT",
        "UID:epiphany@example.com",
        "DTSTAMP:20260101T000000Z",
        "DTSTART;VALUE=DATE:20260106",
        "RRULE:FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=6",
        "SUMMARY;LANGUAGE=de:Heilige Drei K",  // folded mid-word, as RFC 5545 allows
        " önige",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "DTSTART;VALUE=DATE:20270527",
        "DTEND;VALUE=DATE:20270528",
        "SUMMARY:Fronleichnam\\, Bayern",
        "BEGIN:VALARM",
        "TRIGGER:-P1D",
        "DTSTART:20270526T090000",
        "END:VALARM",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "DTSTART;VALUE=DATE:20270815",
        "SUMMARY:Mariä Himmelfahrt",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "DTSTART;VALUE=DATE:20271224",
        "DTEND;VALUE=DATE:20271225",
        "SUMMARY:Heiligabend (Betriebsruhe)",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "DTSTART;VALUE=DATE:20270501",
        "SUMMARY:Labour Day: we work",
        "X-OVERDUE-REMOVE:TRUE",
        "END:VEVENT",
        "END:VCALENDAR")

    @Test("a calendar program's export: rules, folding, escapes, removals; other components ignored")
    func parseExport() throws {
        let file = try ICalendarHolidays.parse(text: Self.bavaria)
        #expect(file.added[Self.day("2026-01-06")] == "Heilige Drei Könige")
        #expect(file.added[Self.day("2030-01-06")] == "Heilige Drei Könige")
        #expect(file.added[Self.day("2031-01-06")] == nil)  // an open rule runs through the bundled years
        #expect(file.added[Self.day("2027-05-27")] == "Fronleichnam, Bayern")
        #expect(file.added[Self.day("2027-05-26")] == nil)  // the alarm's DTSTART is not the event's
        #expect(file.added[Self.day("2027-08-15")] == "Mariä Himmelfahrt")
        #expect(file.removed == [Self.day("2027-05-01")])
        #expect(file.added.count == 5 + 3)
        #expect(file.years == 2026...2030)
        #expect(!file.replacesBundled)
    }

    @Test("applied to the bundled calendar: its days added, X-OVERDUE-REMOVE taking a bundled day away")
    func overrideMerged() throws {
        let holidays = DebtorHolidays(userCalendars: ["de": try ICalendarHolidays.parse(text: Self.bavaria)])
        let germany = try #require(holidays.calendar(for: "DE"))
        #expect(germany.name(on: Self.day("2027-05-27")) == "Fronleichnam, Bayern")
        #expect(germany.name(on: Self.day("2027-05-17")) == "Pentecost Monday")  // bundled days stay
        #expect(!germany.isHoliday(Self.day("2027-05-01")))  // removed
        #expect(germany.isHoliday(Self.day("2026-05-01")))  // only that year's
        #expect(germany.years == 2026...2030)
        // Other countries keep the bundled calendar.
        #expect(holidays.calendar(for: "AT") == PublicHolidays.calendar(for: "AT"))
        // The planner skipping it: PublicHolidayTests.userCalendarSkipped (OverdueCoreTests).
    }

    @Test("multi-day events, DURATION, RDATE and EXDATE, STATUS:CANCELLED, LF endings and a BOM, a user-only country")
    func rangesAndLists() throws {
        let text = [
            "BEGIN:VCALENDAR",
            "BEGIN:VEVENT",
            "DTSTART;VALUE=DATE:20271227",
            "DTEND;VALUE=DATE:20280101",  // exclusive: 27th through 31st
            "SUMMARY:Year-end closure",
            "END:VEVENT",
            "BEGIN:VEVENT",
            "DTSTART:20270208",  // no VALUE=DATE, as some programs write it
            "DURATION:P3D",
            "SUMMARY:Seollal",
            "END:VEVENT",
            "BEGIN:VEVENT",
            "DTSTART;VALUE=DATE:20260301",
            "RRULE:FREQ=YEARLY;COUNT=10",
            "EXDATE;VALUE=DATE:20280301,20290301",
            "RDATE;VALUE=DATE:20270302",
            "SUMMARY:Independence Movement Day",
            "END:VEVENT",
            "BEGIN:VEVENT",
            "DTSTART;VALUE=DATE:20271230",
            "STATUS:CANCELLED",
            "END:VEVENT",
            "END:VCALENDAR",
        ].joined(separator: "\n")
        let file = try ICalendarHolidays.parse(text: "\u{FEFF}" + text, recurringThrough: 2031)  // with the BOM some editors write
        #expect(Set(file.added.keys.filter { $0.month == 12 }) == Set(["2027-12-27", "2027-12-28", "2027-12-29", "2027-12-31"].map(Self.day)))
        #expect(file.removed == [Self.day("2027-12-30")])
        #expect(Set(file.added.keys.filter { $0.month == 2 }) == Set(["2027-02-08", "2027-02-09", "2027-02-10"].map(Self.day)))
        let march = file.added.keys.filter { $0.month == 3 }.map(\.description).sorted()
        #expect(march == ["2026-03-01", "2027-03-01", "2027-03-02", "2030-03-01", "2031-03-01"])
        // A country without bundled data gets the file as its calendar.
        let korea = try #require(DebtorHolidays(userCalendars: ["KR": file]).calendar(for: "kr"))
        #expect(korea.years == 2026...2031)
        #expect(korea.name(on: Self.day("2027-02-09")) == "Seollal")
    }

    @Test("yearly rules: UNTIL, INTERVAL, BYMONTHDAY alone meaning every month, a 29 February skipped")
    func yearlyRules() throws {
        func starts(_ rule: String, from start: String, through year: Int = 2030) throws -> [String] {
            let line = try ContentLine(number: 1, raw: "RRULE:" + rule)
            return try YearlyRule(line).starts(from: Self.day(start), through: year).map(\.description)
        }
        #expect(try starts("FREQ=YEARLY;UNTIL=20281231", from: "2026-10-03") == ["2026-10-03", "2027-10-03", "2028-10-03"])
        #expect(try starts("FREQ=YEARLY;UNTIL=20280101T000000Z", from: "2026-10-03") == ["2026-10-03", "2027-10-03"])
        #expect(try starts("FREQ=YEARLY;INTERVAL=2", from: "2026-06-01") == ["2026-06-01", "2028-06-01", "2030-06-01"])
        #expect(try starts("FREQ=YEARLY", from: "2028-02-29", through: 2033) == ["2028-02-29", "2032-02-29"])
        #expect(try starts("FREQ=YEARLY;BYMONTHDAY=31;COUNT=4", from: "2027-01-31") == ["2027-01-31", "2027-03-31", "2027-05-31", "2027-07-31"])
        #expect(try starts("FREQ=YEARLY;BYMONTH=5,10;BYMONTHDAY=1", from: "2027-05-01", through: 2027) == ["2027-05-01", "2027-10-01"])
    }

    @Test("X-OVERDUE-REPLACE:TRUE makes the file the whole calendar")
    func replace() throws {
        let file = try ICalendarHolidays.parse(text: Self.ics(
            "BEGIN:VCALENDAR", "X-OVERDUE-REPLACE:TRUE",
            "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20271225", "SUMMARY:Christmas", "END:VEVENT",
            "END:VCALENDAR"))
        #expect(file.replacesBundled)
        let germany = try #require(DebtorHolidays(userCalendars: ["DE": file]).calendar(for: "DE"))
        #expect(germany.holidays == [Self.day("2027-12-25"): "Christmas"])
        #expect(germany.years == 2027...2027)
    }

    @Test("a bad line is named, with what is wrong and what to write", arguments: [
        (["BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART:20270524T090000Z", "END:VEVENT", "END:VCALENDAR"], 3, "has a time"),
        (["BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART;TZID=Europe/Berlin:20270524T000000", "END:VEVENT", "END:VCALENDAR"], 3, "has a time"),
        (["BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART;VALUE=DATE:2027-05-24", "END:VEVENT", "END:VCALENDAR"], 3, "is not a date"),
        (["BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20270230", "END:VEVENT", "END:VCALENDAR"], 3, "is not a date"),
        (["BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20271125", "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH",
          "END:VEVENT", "END:VCALENDAR"], 4, "RRULE BYDAY is not supported"),
        (["BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20270101", "RRULE:FREQ=MONTHLY", "END:VEVENT", "END:VCALENDAR"],
         4, "RRULE FREQ=MONTHLY is not supported"),
        (["BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20270101", "RRULE:FREQ=YEARLY;COUNT=2;UNTIL=20300101",
          "END:VEVENT", "END:VCALENDAR"], 4, "both COUNT and UNTIL"),
        (["BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20270524", "DTEND;VALUE=DATE:20270524", "END:VEVENT",
          "END:VCALENDAR"], 4, "DTEND is not after DTSTART"),
        (["BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20270524", "DURATION:PT8H", "END:VEVENT", "END:VCALENDAR"],
         4, "not a whole number of days"),
        (["BEGIN:VCALENDAR", "BEGIN:VEVENT", "SUMMARY:Whit Monday", "END:VEVENT", "END:VCALENDAR"], 2, "without DTSTART"),
        (["BEGIN:VCALENDAR", "", "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20270524", "END:VCALENDAR"], 5,
         "END:VCALENDAR where BEGIN:VEVENT of line 3 is still open"),
        (["BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20270524", "END:VEVENT"], 1, "BEGIN:VCALENDAR is never closed"),
        (["date,name", "2027-05-24,Whit Monday"], 1, "not an iCalendar content line"),
        (["VERSION:2.0", "BEGIN:VCALENDAR"], 1, "does not start with BEGIN:VCALENDAR"),
        (["BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20270524", "X-OVERDUE-REMOVE:yes", "END:VEVENT",
          "END:VCALENDAR"], 4, "neither TRUE nor FALSE"),
        // A folded line is reported where it starts.
        (["BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20270524", "RRULE:FREQ=YEARLY;", " BYWEEKNO=20", "END:VEVENT",
          "END:VCALENDAR"], 4, "RRULE BYWEEKNO is not supported"),
        ([String](), 1, "the file is empty"),
    ])
    func errors(lines: [String], line: Int, problem: String) {
        do {
            let parsed = try ICalendarHolidays.parse(text: lines.joined(separator: "\r\n"))
            Issue.record("accepted: \(parsed)")
        } catch let error as ICalendarError {
            #expect(error.line == line, "\(error)")
            #expect(error.description.contains(problem), "\(error)")
            #expect(error.description.hasPrefix("line \(line): "))
            #expect(!error.fix.isEmpty)
        } catch {
            Issue.record("not an ICalendarError: \(error)")
        }
    }

    @Test("an error reads as one sentence: line, problem, the line's text, the fix")
    func errorText() {
        #expect(throws: ICalendarError(line: 3, text: "DTSTART:20270524T090000Z", problem: "DTSTART has a time, and a holiday is a whole day",
                                       fix: "write the date alone, e.g. DTSTART;VALUE=DATE:20270524")) {
            try ICalendarHolidays.parse(text: Self.ics("BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART:20270524T090000Z", "END:VEVENT",
                                                       "END:VCALENDAR"))
        }
        let error = ICalendarError(line: 3, text: "DTSTART:20270524T090000Z", problem: "DTSTART has a time, and a holiday is a whole day",
                                   fix: "write the date alone, e.g. DTSTART;VALUE=DATE:20270524")
        #expect(error.description == "line 3: DTSTART has a time, and a holiday is a whole day (DTSTART:20270524T090000Z); "
            + "write the date alone, e.g. DTSTART;VALUE=DATE:20270524")
    }
}
