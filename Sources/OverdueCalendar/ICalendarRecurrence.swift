import Foundation

/// The one recurrence a holiday file needs: `RRULE:FREQ=YEARLY`, optionally
/// with INTERVAL, COUNT or UNTIL, BYMONTH and BYMONTHDAY (positive values,
/// comma lists allowed). Fixed-date holidays are exactly this; holidays that
/// move (Easter, "fourth Thursday") are listed year by year instead, which is
/// what calendar programs export for them anyway.
struct YearlyRule: Equatable {
    var interval = 1
    var count: Int?
    var until: CalendarDate?
    var months: [Int]?
    var monthDays: [Int]?

    init(_ line: ContentLine) throws {
        var frequency: String?
        for part in line.value.split(separator: ";") {
            let pieces = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
            guard pieces.count == 2, !pieces[1].isEmpty else {
                throw ICalendarError(line, "RRULE part \(part) is not NAME=VALUE", fix: "write it like RRULE:FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=3")
            }
            let (key, value) = (pieces[0], pieces[1])
            switch key {
            case "FREQ":
                guard value == "YEARLY" else { throw Self.unsupported(line, "FREQ=\(value)") }
                frequency = value
            case "INTERVAL":
                interval = try Self.numbers(value, in: 1...1000, line, key)[0]
            case "COUNT":
                count = try Self.numbers(value, in: 1...10_000, line, key)[0]
            case "UNTIL":
                // A date, or a date-time whose day is the bound: only the day matters for a whole-day holiday.
                guard let date = ContentLine.basicDate(value.prefix(8)), value.count == 8 || value.dropFirst(8).hasPrefix("T") else {
                    throw ICalendarError(line, "RRULE UNTIL=\(value) is not a date", fix: "write UNTIL=YYYYMMDD, e.g. UNTIL=20301231")
                }
                until = date
            case "BYMONTH":
                months = try Self.numbers(value, in: 1...12, line, key)
            case "BYMONTHDAY":
                monthDays = try Self.numbers(value, in: 1...31, line, key)
            case "WKST":
                break  // the week start matters only to weekly and BYDAY rules, which are refused
            default:
                throw Self.unsupported(line, key)
            }
        }
        guard frequency != nil else {
            throw ICalendarError(line, "RRULE without FREQ", fix: "write RRULE:FREQ=YEARLY, or list each date in its own VEVENT")
        }
        if count != nil, until != nil {
            throw ICalendarError(line, "RRULE with both COUNT and UNTIL (RFC 5545 allows one)", fix: "keep COUNT or UNTIL")
        }
    }

    /// The start of every occurrence from `start` (always the first, as RFC
    /// 5545 counts it) through `lastYear`, UNTIL or COUNT, whichever comes
    /// first. Dates a year does not have (Feb 29, Apr 31) are skipped, as RFC 5545 says.
    func starts(from start: CalendarDate, through lastYear: Int) -> [CalendarDate] {
        var result = [start]
        let limitYear = min(lastYear, until?.year ?? lastYear)
        guard start.year <= limitYear else { return result }
        // Without BYMONTH, BYMONTHDAY means that day of every month (RFC 5545's
        // expansion table); without either, DTSTART's month and day.
        let everyMonth = months ?? (monthDays == nil ? [start.month] : Array(1...12))
        let everyDay = monthDays ?? [start.day]
        for year in stride(from: start.year, through: limitYear, by: interval) {
            for month in everyMonth.sorted() {
                for day in everyDay.sorted() {
                    guard let date = CalendarDate(year: year, month: month, day: day), date > start else { continue }
                    if let until, date > until { return result }
                    if let count, result.count >= count { return result }
                    result.append(date)
                }
            }
        }
        return result
    }

    private static func numbers(_ value: String, in range: ClosedRange<Int>, _ line: ContentLine, _ key: String) throws -> [Int] {
        let items = value.split(separator: ",").map { Int($0) }
        guard !items.isEmpty, items.allSatisfy({ $0.map(range.contains) ?? false }) else {
            throw ICalendarError(line, "RRULE \(key)=\(value) is not a number from \(range.lowerBound) to \(range.upperBound)",
                                 fix: "e.g. RRULE:FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=3")
        }
        if key == "INTERVAL" || key == "COUNT", items.count != 1 {
            throw ICalendarError(line, "RRULE \(key) holds a list", fix: "give one number, e.g. \(key)=2")
        }
        return items.compactMap { $0 }
    }

    private static func unsupported(_ line: ContentLine, _ part: String) -> ICalendarError {
        ICalendarError(line, "RRULE \(part) is not supported: only FREQ=YEARLY with INTERVAL, COUNT, UNTIL, BYMONTH and BYMONTHDAY",
                       fix: "list the dates of a holiday that moves year by year in their own VEVENTs or in RDATE;VALUE=DATE")
    }
}
