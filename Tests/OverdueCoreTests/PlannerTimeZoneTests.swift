import Foundation
import OverdueCalendar
@testable import OverdueCore
import Testing

@Suite("Planner: debtor-local time across DST, odd offsets and leap days")
struct PlannerTimeZoneTests {
    static let zones = ["America/New_York", "Europe/Berlin", "Australia/Sydney", "Asia/Kolkata", "Pacific/Chatham"]

    @Test("a year of reminders, invoices due every week: every send at 09:00 local on a business day", arguments: zones)
    func yearInZone(zone: String) {
        let holidays = ["2027-12-24", "2027-12-27", "2027-04-02"]
        let planner = Fixture.planner(Fixture.schedule(holidays: holidays))
        var ledger = Ledger()
        var due = CalendarDate(iso: "2027-01-04")!
        for week in 0..<52 {
            ledger.apply(Fixture.invoice("W-\(week)", customer: "c\(week % 4)", zone: zone, due: due.description))
            due = due.adding(days: 7)
        }
        // (How fast a timeline is planned is Benchmarks/scale.sh's to prove, with a baseline, not a timed unit test's.)
        let sends = planner.timeline(ledger: ledger, history: DeliveryHistory(),
                                     from: Fixture.instant("2026-12-01T00:00:00Z"), until: Fixture.instant("2028-03-01T00:00:00Z"))
        #expect(sends.count > 150)
        for send in sends {
            let local = Fixture.local(send.time, zone)
            #expect(local.contains(" 09:00 "), "\(local)")
            #expect(!local.hasSuffix("Sat") && !local.hasSuffix("Sun"), "\(local)")
            #expect(!holidays.contains(String(local.prefix(10))), "\(local)")
        }
        // Every week's invoice reached its final notice on e-mail.
        let finals = Set(sends.filter { $0.channel == .email }.flatMap(\.items).filter { $0.item.stage == "final" }.map(\.item.invoice))
        #expect(finals.count == 52)
    }

    @Test("business hours that start inside a DST gap or repeat: one send that day, at the first valid instant")
    func dstEdges() {
        let everyDay: Set<Weekday> = Set(Weekday.allCases)
        let onlyOverdue = Policy(name: "p", stages: [Stage(name: "overdue", offsetDays: 1, channels: [.email], template: "overdue", final: false)])
        // New York springs forward on Sun 2027-03-14 at 02:00 → 03:00.
        let spring = Fixture.planner(Fixture.schedule(hours: "02:30-17:00", days: everyDay), policies: [onlyOverdue])
        let springSends = spring.timeline(ledger: Fixture.ledger(Fixture.invoice("S", due: "2027-03-13")), history: DeliveryHistory(),
                                          from: Fixture.instant("2027-03-01T00:00:00Z"), until: Fixture.instant("2027-04-01T00:00:00Z"))
        #expect(springSends.map(\.time) == [Fixture.instant("2027-03-14T07:00:00Z")])  // 03:00 EDT, the gap's end
        // ... and falls back on Sun 2027-11-07 at 02:00 → 01:00: 01:30 happens twice.
        let fall = Fixture.planner(Fixture.schedule(hours: "01:30-17:00", days: everyDay), policies: [onlyOverdue])
        let fallSends = fall.timeline(ledger: Fixture.ledger(Fixture.invoice("F", due: "2027-11-06")), history: DeliveryHistory(),
                                      from: Fixture.instant("2027-11-01T00:00:00Z"), until: Fixture.instant("2027-12-01T00:00:00Z"))
        #expect(fallSends.map(\.time) == [Fixture.instant("2027-11-07T05:30:00Z")])  // 01:30 EDT, the first one
        // The day's window still holds later sends: a daemon that comes up at
        // 01:45 EST (the second 01:45) that day sends then, once.
        let late = fall.plan(ledger: Fixture.ledger(Fixture.invoice("F", due: "2027-11-06")), history: DeliveryHistory(),
                             now: Fixture.instant("2027-11-07T06:45:00Z"))
        #expect(late.due.count == 1)
    }

    @Test("Chatham (+12:45/+13:45) and Kolkata (+05:30): stage days are local days")
    func oddOffsets() {
        let planner = Fixture.planner()
        for (zone, expected) in [("Pacific/Chatham", "2027-03-26T20:15:00Z"), ("Asia/Kolkata", "2027-03-29T03:30:00Z")] {
            // Due Sat 2027-03-27 local: overdue on Sun → Mon 03-29 09:00 local.
            let ledger = Fixture.ledger(Fixture.invoice("X", zone: zone, due: "2027-03-27"))
            let overdue = planner.timeline(ledger: ledger, history: DeliveryHistory(), from: Fixture.instant("2027-03-01T00:00:00Z"),
                                           until: Fixture.instant("2027-06-01T00:00:00Z")).filter { $0.stage == "overdue" }
            #expect(overdue.count == 1)
            #expect(Fixture.local(overdue[0].time, zone) == "2027-03-29 09:00 Mon")
            if zone == "Asia/Kolkata" { #expect(overdue[0].time == Fixture.instant(expected)) }
        }
    }

    @Test("leap day: due 2028-02-29")
    func leapDay() {
        let ledger = Fixture.ledger(Fixture.invoice("L", zone: "Europe/Berlin", due: "2028-02-29"))
        // min_gap_days = 0 here, so only the date arithmetic decides (with the
        // default 3, the overdue notice would wait for Thu 03-02).
        let sends = Fixture.planner(Fixture.schedule(gap: 0), channels: [.email]).timeline(
            ledger: ledger, history: DeliveryHistory(), from: Fixture.instant("2028-01-01T00:00:00Z"), until: Fixture.instant("2028-06-01T00:00:00Z"))
        #expect(sends.map { Fixture.local($0.time, "Europe/Berlin") } == [
            "2028-02-28 09:00 Mon",  // -3 = Sat 02-26 → Mon
            "2028-03-01 09:00 Wed",  // +1, pay by Wed 03-08
            "2028-03-09 09:00 Thu",  // +8 is 03-08: the day after the overdue letter's deadline; pay by Thu 03-16
            "2028-03-17 09:00 Fri",  // +15 is 03-15: the day after the firm letter's deadline
        ])
    }

    @Test("debtors without a timezone use the schedule's")
    func defaultZone() {
        let ledger = Fixture.ledger(Fixture.invoice("D", zone: nil, due: "2027-07-02"))
        let sends = Fixture.planner(Fixture.schedule(zone: "Europe/London"), channels: [.email]).timeline(
            ledger: ledger, history: DeliveryHistory(), from: Fixture.instant("2027-06-01T00:00:00Z"), until: Fixture.instant("2027-08-01T00:00:00Z"))
        #expect(sends.first?.time == Fixture.instant("2027-06-29T08:00:00Z"))  // 09:00 BST
    }
}
