import Foundation

/// A user's holiday file for one country, read from the all-day VEVENTs of
/// an RFC 5545 iCalendar file
/// (`[schedule] holiday_calendars = { DE = "/etc/overdue/holidays/de-by.ics" }`).
///
/// Applied to the bundled calendar of its country, the file adds and removes
/// days; it does not replace the calendar unless it says so:
/// - every event adds its days; on a day the bundled calendar already has,
///   the file's SUMMARY becomes the name;
/// - an event with `STATUS:CANCELLED` or `X-OVERDUE-REMOVE:TRUE` removes its
///   days, from the bundled calendar and from the file's own additions alike
///   (removal wins whatever the order of the events, so the result does not
///   depend on how a calendar program sorted the file);
/// - `X-OVERDUE-REPLACE:TRUE` among the calendar's own properties (beside
///   VERSION, outside any VEVENT) makes the file the whole calendar.
///
/// Read: DTSTART as a date (`DTSTART;VALUE=DATE:20270524`), DTEND (exclusive,
/// so a one-day holiday ends the next day) or DURATION in days or weeks for
/// multi-day holidays, SUMMARY with its escapes, RDATE and EXDATE dates, and
/// `RRULE:FREQ=YEARLY` with INTERVAL, COUNT, UNTIL, BYMONTH and BYMONTHDAY.
/// Any other recurrence (BYDAY's "fourth Thursday", FREQ=MONTHLY, EXRULE) is
/// refused with the line named, rather than read as something else. Other
/// components (VTIMEZONE, VALARM, VTODO) and properties are ignored.
public struct ICalendarHolidays: Sendable, Equatable {
    /// Days the file adds, with the SUMMARY as name ("Holiday" without one).
    public var added: [CalendarDate: String]
    /// Days the file removes; none of them is in `added`.
    public var removed: Set<CalendarDate>
    /// The file is the whole calendar rather than changes to the bundled one.
    public var replacesBundled: Bool
    /// The first through the last year the file names a day in; nil for a file without events.
    public var years: ClosedRange<Int>? {
        let all = added.keys.map(\.year) + removed.map(\.year)
        guard let first = all.min(), let last = all.max() else { return nil }
        return first...last
    }

    public init(added: [CalendarDate: String] = [:], removed: Set<CalendarDate> = [], replacesBundled: Bool = false) {
        self.added = added.filter { !removed.contains($0.key) }
        self.removed = removed
        self.replacesBundled = replacesBundled
    }

    /// Reads a file's text. A yearly rule without COUNT or UNTIL is expanded
    /// through `lastYear` (by default the last bundled year, so a user's
    /// rule covers what the bundled data covers).
    /// - Throws: `ICalendarError` naming the line, the problem and the fix.
    public static func parse(text: String, recurringThrough lastYear: Int = PublicHolidays.years.upperBound) throws
        -> ICalendarHolidays
    {
        let lines = try ContentLine.lines(of: text)
        guard !lines.isEmpty else {
            throw ICalendarError(line: 1, text: "", problem: "the file is empty",
                                 fix: "an iCalendar file starts with BEGIN:VCALENDAR and holds VEVENTs")
        }
        var open: [(component: String, line: ContentLine)] = []
        var event: EventDraft?
        var added: [CalendarDate: String] = [:]
        var removed: Set<CalendarDate> = []
        var replaces = false
        for line in lines {
            switch line.name {
            case "BEGIN":
                let component = line.value.trimmingCharacters(in: .whitespaces).uppercased()
                if open.isEmpty, component != "VCALENDAR" {
                    throw ICalendarError(line, "the file does not start with BEGIN:VCALENDAR",
                                         fix: "an iCalendar file is BEGIN:VCALENDAR, VERSION:2.0, its VEVENTs, then END:VCALENDAR")
                }
                open.append((component, line))
                if component == "VEVENT", open.count == 2 { event = EventDraft(begin: line) }
            case "END":
                let component = line.value.trimmingCharacters(in: .whitespaces).uppercased()
                guard let innermost = open.last else {
                    throw ICalendarError(line, "END:\(component) with nothing open", fix: "remove it, or add the BEGIN:\(component) it closes")
                }
                guard innermost.component == component else {
                    throw ICalendarError(line, "END:\(component) where BEGIN:\(innermost.component) of line \(innermost.line.number) is still open",
                                         fix: "close it first with END:\(innermost.component)")
                }
                if component == "VEVENT", open.count == 2, let draft = event {
                    let days = try draft.days(through: lastYear)
                    if draft.removes {
                        removed.formUnion(days)
                    } else {
                        let name = draft.summary ?? "Holiday"
                        for day in days {
                            // Two events on one day share it, as the bundled data joins names.
                            added[day] = added[day].map { $0 == name ? $0 : "\($0); \(name)" } ?? name
                        }
                    }
                    event = nil
                }
                open.removeLast()
            default:
                if open.isEmpty, line.number == lines[0].number {
                    throw ICalendarError(line, "the file does not start with BEGIN:VCALENDAR",
                                         fix: "an iCalendar file is BEGIN:VCALENDAR, VERSION:2.0, its VEVENTs, then END:VCALENDAR")
                } else if open.isEmpty {
                    throw ICalendarError(line, "a property after END:VCALENDAR", fix: "move it inside the calendar, or remove it")
                }
                if open.count == 2, event != nil {
                    try event?.take(line)
                } else if open.count == 1, line.name == "X-OVERDUE-REPLACE" {
                    replaces = try line.flag()
                }
            }
        }
        if let innermost = open.last {
            throw ICalendarError(innermost.line, "BEGIN:\(innermost.component) is never closed",
                                 fix: "add END:\(innermost.component) after its last line")
        }
        return ICalendarHolidays(added: added, removed: removed, replacesBundled: replaces)
    }
}

/// One VEVENT as its lines arrive; `days` turns it into dates at END:VEVENT.
struct EventDraft {
    let begin: ContentLine
    var start: (date: CalendarDate, line: ContentLine)?
    /// Days each occurrence lasts, with the DTEND or DURATION line that said so.
    var length: (days: Int, line: ContentLine)?
    var summary: String?
    var removes = false
    var rule: (rule: YearlyRule, line: ContentLine)?
    var extraStarts: [CalendarDate] = []
    var excludedStarts: Set<CalendarDate> = []
    /// DTEND waits for DTSTART, which may come after it.
    var endLine: ContentLine?

    init(begin: ContentLine) { self.begin = begin }

    mutating func take(_ line: ContentLine) throws {
        switch line.name {
        case "DTSTART":
            guard start == nil else { throw ICalendarError(line, "a second DTSTART in one VEVENT", fix: "give each holiday its own VEVENT") }
            start = (try line.date(), line)
        case "DTEND":
            guard length == nil, endLine == nil else {
                throw ICalendarError(line, "DTEND beside another DTEND or DURATION", fix: "keep one of them")
            }
            _ = try line.date()
            endLine = line
        case "DURATION":
            guard length == nil, endLine == nil else {
                throw ICalendarError(line, "DURATION beside another DURATION or DTEND", fix: "keep one of them")
            }
            length = (try line.wholeDays(), line)
        case "SUMMARY":
            summary = line.text.isEmpty ? nil : line.text
        case "STATUS":
            if line.value.trimmingCharacters(in: .whitespaces).uppercased() == "CANCELLED" { removes = true }
        case "X-OVERDUE-REMOVE":
            if try line.flag() { removes = true }
        case "RRULE":
            guard rule == nil else { throw ICalendarError(line, "a second RRULE in one VEVENT", fix: "give each rule its own VEVENT") }
            rule = (try YearlyRule(line), line)
        case "RDATE":
            extraStarts += try line.dates()
        case "EXDATE":
            excludedStarts.formUnion(try line.dates())
        case "EXRULE":
            throw ICalendarError(line, "EXRULE is not supported (RFC 5545 deprecates it)",
                                 fix: "list the dates to skip in EXDATE;VALUE=DATE:YYYYMMDD,YYYYMMDD")
        default:
            break  // UID, DTSTAMP, DESCRIPTION, CATEGORIES, ...: nothing a holiday's date depends on
        }
    }

    /// Every day of every occurrence: DTSTART, the rule's dates and RDATEs,
    /// less EXDATEs, each lasting the event's length.
    func days(through lastYear: Int) throws -> [CalendarDate] {
        guard let start else {
            throw ICalendarError(begin, "a VEVENT without DTSTART", fix: "give it the holiday's date, e.g. DTSTART;VALUE=DATE:20270524")
        }
        var days = length?.days ?? 1  // RFC 5545 3.6.1: a DATE start without an end lasts one day
        if let endLine {
            let end = try endLine.date()
            days = start.date.days(until: end)
            guard days >= 1 else {
                throw ICalendarError(endLine, "DTEND is not after DTSTART \(start.line.value)",
                                     fix: "DTEND is the day after the last holiday day: a one-day holiday on 20270524 ends 20270525")
            }
        }
        guard days <= 366 else {
            throw ICalendarError(endLine ?? length?.line ?? start.line, "an event of \(days) days",
                                 fix: "a holiday of over a year is likely a wrong end date; list long closures year by year")
        }
        var starts = rule.map { $0.rule.starts(from: start.date, through: lastYear) } ?? [start.date]
        starts += extraStarts
        return Set(starts).subtracting(excludedStarts).flatMap { first in (0..<days).map { first.adding(days: $0) } }
    }
}

extension ContentLine {
    /// TRUE or FALSE, as RFC 5545 writes booleans.
    func flag() throws -> Bool {
        switch value.trimmingCharacters(in: .whitespaces).uppercased() {
        case "TRUE": return true
        case "FALSE": return false
        default: throw ICalendarError(self, "\(name) is neither TRUE nor FALSE", fix: "write \(name):TRUE")
        }
    }

    /// A DURATION of whole days or weeks (`P1D`, `P2W`).
    func wholeDays() throws -> Int {
        var text = value.trimmingCharacters(in: .whitespaces).uppercased()
        if text.hasPrefix("+") { text.removeFirst() }
        let unit = text.last
        if text.hasPrefix("P"), unit == "D" || unit == "W", let count = Int(text.dropFirst().dropLast()), count >= 1 {
            return unit == "W" ? count * 7 : count
        }
        throw ICalendarError(self, "DURATION is not a whole number of days", fix: "a holiday lasts whole days: DURATION:P1D, or DTEND;VALUE=DATE")
    }
}
