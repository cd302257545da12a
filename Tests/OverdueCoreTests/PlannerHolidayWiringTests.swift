import Foundation
import OverdueCalendar
@testable import OverdueCore
import Testing

/// Which country's holidays the planner skips for a debtor: the directory's
/// country, else the invoice's (`customer.country`, an e-invoice's BT-55),
/// else the country of the debtor's own timezone; and what `overdue plan`
/// says about a send a holiday moved.
@Suite("Debtor-country holidays wired into the planner")
struct PlannerHolidayWiringTests {
    static func planner(zoneCountries: [String: String] = ["Europe/Berlin": "DE", "Europe/Paris": "FR", "Asia/Kolkata": "IN",
                                                            "America/New_York": "US"]) -> Planner {
        var settings = PlannerSettings(policies: [PublicHolidayTests.dueDayPolicy], schedule: Fixture.schedule(), enabledChannels: [.email])
        settings.zoneCountries = zoneCountries
        return Planner(settings: settings)
    }

    static func firstSend(_ planner: Planner, _ ledger: Ledger, due: String) -> PlannedSend? {
        let start = Fixture.instant("\(CalendarDate(iso: due)!.adding(days: -5))T00:00:00Z")
        return planner.timeline(ledger: ledger, history: DeliveryHistory(), from: start, until: start.addingTimeInterval(20 * 86_400)).first
    }

    static func invoice(due: String, zone: String?, country: String? = nil) -> InboxRecord {
        .invoice(Invoice(id: "INV-1", customer: Customer(id: "acme", name: "Acme", email: "ap@acme.example", timezone: zone, country: country),
                         issued: CalendarDate(iso: due)!.adding(days: -30), due: CalendarDate(iso: due)!, currency: "EUR",
                         amount: 100, balance: 100))
    }

    @Test("without a stated country, the debtor's timezone names it", arguments: [
        ("Europe/Berlin", "2027-05-17", "2027-05-18 09:00 Tue"),   // Whit (Pentecost) Monday
        ("Europe/Paris", "2027-11-11", "2027-11-12 09:00 Fri"),    // Armistice Day
        ("Asia/Kolkata", "2027-01-26", "2027-01-27 09:00 Wed"),    // Republic Day
        ("America/New_York", "2027-07-05", "2027-07-06 09:00 Tue"),  // Independence Day (observed)
        ("Europe/Berlin", "2030-06-10", "2030-06-11 09:00 Tue"),   // Whit Monday 2030, a moving feast
    ])
    func zoneCountry(zone: String, due: String, expected: String) throws {
        let send = try #require(Self.firstSend(Self.planner(), Fixture.ledger(Self.invoice(due: due, zone: zone)), due: due))
        #expect(Fixture.local(send.time, zone) == expected)
        #expect(send.country == Self.planner().calendars.country(of: Customer(id: "x", name: "x", timezone: zone)))
    }

    @Test("a debtor without timezone or country gets only [schedule] holidays: the schedule's zone places the creditor")
    func noCountry() throws {
        let send = try #require(Self.firstSend(Self.planner(zoneCountries: ["Europe/London": "GB"]),
                                               Fixture.ledger(Self.invoice(due: "2027-03-29", zone: nil)), due: "2027-03-29"))
        #expect(Fixture.local(send.time, "Europe/London") == "2027-03-29 09:00 Mon" && send.country == nil)
    }

    @Test("the directory's country wins over the invoice's and the timezone's")
    func directoryCountry() throws {
        // Berlin time, but the debtor is French: Armistice Day is skipped, 3 October (German Unity) is not.
        var ledger = Fixture.ledger(Self.invoice(due: "2027-11-11", zone: "Europe/Berlin", country: "DE"))
        ledger.apply(.customer(CustomerRecord(id: "acme", country: "FR")))
        let armistice = try #require(Self.firstSend(Self.planner(), ledger, due: "2027-11-11"))
        #expect(Fixture.local(armistice.time, "Europe/Berlin") == "2027-11-12 09:00 Fri" && armistice.country == "FR")
        let planner = Self.planner()
        #expect(planner.calendars.holidays(from: CalendarDate(iso: "2027-11-11")!, until: CalendarDate(iso: "2027-11-12")!, country: "FR")
            .map(\.name) == ["Armistice Day (FR)"])
    }

    @Test("a user calendar (holiday_calendars) adds a day for the debtor's country, named by its SUMMARY")
    func userCalendar() throws {
        let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270527\r\nSUMMARY:Fronleichnam\\, Bayern\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        var settings = PlannerSettings(policies: [PublicHolidayTests.dueDayPolicy], schedule: Fixture.schedule(), enabledChannels: [.email])
        settings.schedule.debtorHolidays = DebtorHolidays(userCalendars: ["DE": try ICalendarHolidays.parse(text: ics)])
        let planner = Planner(settings: settings)
        let send = try #require(Self.firstSend(planner, Fixture.ledger(Self.invoice(due: "2027-05-27", zone: "Europe/Berlin", country: "DE")),
                                               due: "2027-05-27"))
        #expect(Fixture.local(send.time, "Europe/Berlin") == "2027-05-28 09:00 Fri")
        #expect(planner.calendars.holidays(from: CalendarDate(iso: "2027-05-27")!, until: CalendarDate(iso: "2027-05-28")!, country: "DE")
            .map(\.name) == ["Fronleichnam, Bayern (DE)"])
    }
}
