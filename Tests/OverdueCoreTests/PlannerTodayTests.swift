import Foundation
import OverdueCalendar
@testable import OverdueCore
import PropertyBased
import Testing

/// One "today": the creditor's day is the schedule's zone's, and the day a
/// statement's period ends (`endOfDay`) is counted by the same clock.
@Suite("The planner's today and the end of a day, in the schedule's zone")
struct PlannerTodayTests {
    static let zones = ["UTC", "Europe/Berlin", "America/Los_Angeles", "Pacific/Auckland", "Asia/Kolkata", "Pacific/Chatham"]

    @Test("an instant is in day D exactly when it is before the end of D and not before the end of the day before")
    func endOfDayAgreesWithToday() async {
        // Seconds over 2027, so both DST changes of every zone are drawn.
        await propertyCheck(count: 400, input: Gen.int(in: 0...(365 * 86_400)), Gen.int(in: 0...(Self.zones.count - 1))) { second, zone in
            let schedule = Fixture.schedule(zone: Self.zones[zone])
            let now = Date(timeIntervalSince1970: 1_798_761_600 + Double(second))  // 2027-01-01T00:00:00Z
            let day = Planner.today(at: now, schedule: schedule)
            #expect(now < Planner.endOfDay(day, schedule: schedule), "\(now) in \(Self.zones[zone]): after the end of its day \(day)")
            #expect(now >= Planner.endOfDay(day.adding(days: -1), schedule: schedule), "\(now) in \(Self.zones[zone]): before \(day) began")
        }
    }

    @Test("the creditor's day is the schedule's, not UTC's: 20:00Z on 1 March is 2 March in Auckland and ends at 11:00Z")
    func scheduleZone() {
        let schedule = Fixture.schedule(zone: "Pacific/Auckland")
        let now = Fixture.instant("2027-03-01T20:00:00Z")
        #expect(Planner.today(at: now, schedule: schedule) == CalendarDate(iso: "2027-03-02")!)
        #expect(Planner.endOfDay(CalendarDate(iso: "2027-03-02")!, schedule: schedule) == Fixture.instant("2027-03-02T11:00:00Z"))
        #expect(Planner.endOfDay(CalendarDate(iso: "2027-03-02")!, schedule: Fixture.schedule(zone: "UTC")) == Fixture.instant("2027-03-03T00:00:00Z"))
    }
}
