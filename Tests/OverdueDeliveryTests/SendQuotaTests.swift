import Foundation
import OverdueCore
@testable import OverdueDelivery
import Testing

/// A channel's quotas on a fake clock: the dispatcher starts a transfer at
/// `nextStart` each time, as its lanes do.
@Suite("Send quotas: per second, minute, hour and day")
struct SendQuotaTests {
    let start = Date(timeIntervalSince1970: 1_796_000_000)  // 2026-11-29
    let london = TimeZone(identifier: "Europe/London")!

    /// Start `count` transfers as early as the quota allows; their start times.
    func starts(_ quota: inout SendQuota, count: Int, from: Date) -> [Date] {
        var now = from
        var times: [Date] = []
        for _ in 0..<count {
            now = quota.nextStart(after: now)
            quota.record(now)
            times.append(now)
        }
        return times
    }

    @Test("rate_per_second = 4: starts evenly 250 ms apart, no burst")
    func perSecond() {
        var quota = SendQuota(limits: RateLimits(perSecond: 4), timeZone: london)
        let times = starts(&quota, count: 60, from: start)
        for (a, b) in zip(times, times.dropFirst()) { #expect(abs(b.timeIntervalSince(a) - 0.25) < 1e-6) }
        #expect(abs(times.last!.timeIntervalSince(start) - 59 * 0.25) < 1e-6)
    }

    @Test("rate_per_minute = 30 over two minutes and more: never more than 30 in any 60 s")
    func perMinute() {
        var quota = SendQuota(limits: RateLimits(perMinute: 30), timeZone: london)
        let times = starts(&quota, count: 95, from: start)
        for (index, time) in times.enumerated() {
            let window = times[index...].prefix { $0 < time.addingTimeInterval(60) }
            #expect(window.count <= 30, "\(window.count) starts in the minute from \(time)")
        }
        // 95 messages at 30 a minute: the 91st can only go in the fourth minute.
        #expect(times[89].timeIntervalSince(start) < 180 && times[90].timeIntervalSince(start) >= 180)
    }

    @Test("per second and per hour together: the stricter one rules")
    func combined() {
        var quota = SendQuota(limits: RateLimits(perSecond: 10, perHour: 20), timeZone: london)
        let times = starts(&quota, count: 21, from: start)
        #expect(abs(times[19].timeIntervalSince(start) - 1.9) < 1e-6)
        #expect(times[20].timeIntervalSince(start) >= 3600)
    }

    @Test("rate_per_day: the spool's calendar day, counted across a restart")
    func perDay() {
        // 23:00 London on the day of `start`... the quota of 3 a day is spent by earlier sends.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = london
        let evening = calendar.date(bySettingHour: 22, minute: 0, second: 0, of: start)!
        let earlier = [evening.addingTimeInterval(-3600), evening.addingTimeInterval(-1800), evening.addingTimeInterval(-60)]
        let restarted = SendQuota(limits: RateLimits(perDay: 3), timeZone: london, sentToday: earlier)
        let next = restarted.nextStart(after: evening)
        #expect(next == calendar.startOfDay(for: evening.addingTimeInterval(86_400)), "\(next)")
        // Yesterday's sends do not count today.
        let fresh = SendQuota(limits: RateLimits(perDay: 3), timeZone: london, sentToday: earlier.map { $0.addingTimeInterval(-86_400) })
        #expect(fresh.nextStart(after: evening) == evening)
    }

    @Test("no limits: now")
    func unlimited() {
        var quota = SendQuota(limits: RateLimits(), timeZone: london)
        #expect(starts(&quota, count: 1000, from: start).allSatisfy { $0 == start })
    }
}
