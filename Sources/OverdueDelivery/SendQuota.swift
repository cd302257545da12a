import Foundation
import OverdueCore

/// When a channel may start its next transfer under its `RateLimits`. Pure:
/// it is told the instant and what was started; it never sleeps. The
/// dispatcher asks `nextStart`, arms a timer for it if it is later, and
/// calls `record` when it starts a transfer.
///
/// Per second: evenly spaced starts (1/rate apart), so a relay never sees a
/// burst. Per minute and per hour: a sliding window of start times. Per
/// day: the calendar day in the spool's timezone, seeded at start from the
/// delivery journal so a restart does not grant a fresh quota.
public struct SendQuota: Sendable {
    public let limits: RateLimits
    private let calendar: Calendar
    private var nextSpaced: Date?
    /// Start times within the last hour (only kept when a minute or hour limit is set).
    private var recent: [Date] = []
    private var day: DateComponents?
    private var dayCount = 0

    public init(limits: RateLimits, timeZone: TimeZone, sentToday: [Date] = []) {
        self.limits = limits
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
        for time in sentToday.sorted() { record(time) }
    }

    /// The earliest instant at or after `now` a transfer may start.
    public func nextStart(after now: Date) -> Date {
        var earliest = now
        if let spaced = nextSpaced { earliest = max(earliest, spaced) }
        for (limit, window) in [(limits.perMinute, 60.0), (limits.perHour, 3600.0)] where limit > 0 {
            let inWindow = recent.filter { $0 > earliest.addingTimeInterval(-window) }
            if inWindow.count >= limit {
                // The oldest start that keeps the window full must leave it.
                earliest = max(earliest, inWindow[inWindow.count - limit].addingTimeInterval(window))
            }
        }
        if limits.perDay > 0, dayCount >= limits.perDay, let day, dayKey(earliest) == day,
           let tomorrow = calendar.date(byAdding: .day, value: 1, to: calendar.startOfDay(for: earliest)) {
            earliest = max(earliest, tomorrow)
        }
        return earliest
    }

    /// A transfer started at `time`.
    public mutating func record(_ time: Date) {
        if limits.perSecond > 0 {
            nextSpaced = max(time, nextSpaced ?? time).addingTimeInterval(1 / Double(limits.perSecond))
        }
        if limits.perMinute > 0 || limits.perHour > 0 {
            recent.append(time)
            let horizon = time.addingTimeInterval(limits.perHour > 0 ? -3600 : -60)
            if let first = recent.firstIndex(where: { $0 > horizon }), first > 0 { recent.removeFirst(first) }
        }
        if limits.perDay > 0 {
            let key = dayKey(time)
            if key != day {
                day = key
                dayCount = 0
            }
            dayCount += 1
        }
    }

    private func dayKey(_ time: Date) -> DateComponents { calendar.dateComponents([.year, .month, .day], from: time) }
}
