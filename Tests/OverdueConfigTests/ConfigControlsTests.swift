import Foundation
import OverdueCalendar
import OverdueConfig
import OverdueCore
import Testing

@Suite("Configuration of the controls: approval, min_amount, promises, stale feed, holiday calendars")
struct ConfigControlsTests {
    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("overdue-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static let policy = """
        [[policy]]
        name = "standard"
        min_amount = { EUR = "10.00", GBP = "5" }
        promise_grace_days = 3
        interest_during_dispute = false
        stages = [
          { name = "overdue", offset_days = 1, channels = ["email"] },
          { name = "final", offset_days = 15, channels = ["email"], final = true, approve = true },
        ]
        """

    @Test("the keys are read into the schedule and the policy; the guard is off and approval expires after 14 days by default")
    func keys() throws {
        let config = try ConfigLoader.parse("[schedule]\npayments_stale_after_hours = 36\napproval_expires_days = 5\n" + Self.policy,
                                            path: "/tmp/overdue.toml")
        #expect(config.schedule.paymentsStaleAfterHours == 36 && config.schedule.approvalExpiresDays == 5)
        let policy = config.policies[0]
        #expect(policy.minAmount == ["EUR": Decimal(string: "10.00")!, "GBP": 5] && policy.promiseGraceDays == 3)
        #expect(!policy.interestDuringDispute)
        #expect(policy.stages.map(\.approve) == [false, true])
        let defaults = try ConfigLoader.parse("[schedule]\ntimezone = \"UTC\"\n", path: "/tmp/overdue.toml")
        #expect(defaults.schedule.paymentsStaleAfterHours == nil && defaults.schedule.approvalExpiresDays == 14)
        #expect(defaults.policies[0].promiseGraceDays == nil && defaults.policies[0].minAmount.isEmpty)
        #expect(defaults.policies[0].interestDuringDispute)
    }

    @Test("mistakes name the key", arguments: [
        ("[schedule]\npayments_stale_after_hours = 0\n", "schedule.payments_stale_after_hours", "hours from 1"),
        ("[[policy]]\nname = \"p\"\nmin_amount = { EURO = \"10\" }\nstages = [{ name = \"a\", offset_days = 1, channels = [\"email\"] }]\n",
         "policy[1].min_amount.EURO", "ISO 4217"),
        ("[[policy]]\nname = \"p\"\nmin_amount = { EUR = 10.5 }\nstages = [{ name = \"a\", offset_days = 1, channels = [\"email\"] }]\n",
         "policy[1].min_amount.EUR", "not exact"),
        ("[[policy]]\nname = \"p\"\npromise_grace_days = 365\nstages = [{ name = \"a\", offset_days = 1, channels = [\"email\"] }]\n",
         "policy[1].promise_grace_days", "days from 0 to 90"),
        ("[schedule]\nholiday_calendars = { XX1 = \"a.ics\" }\n", "schedule.holiday_calendars.XX1", "not a country"),
    ])
    func mistakes(text: String, key: String, hint: String) {
        do {
            _ = try ConfigLoader.parse(text, path: "/tmp/overdue.toml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.problems.contains { $0.key == key && $0.problem.contains(hint) }, "\(error)")
        }
    }

    @Test("holiday calendars are read from their files (relative to the config); a bad file names the config line and the file's line")
    func holidayCalendars() throws {
        let dir = try Self.directory()
        try """
            BEGIN:VCALENDAR
            VERSION:2.0
            BEGIN:VEVENT
            DTSTART;VALUE=DATE:20270106
            SUMMARY:Heilige Drei Könige
            END:VEVENT
            END:VCALENDAR
            """.write(to: dir.appendingPathComponent("de-by.ics"), atomically: true, encoding: .utf8)
        let good = "[schedule]\ntimezone = \"Europe/Berlin\"\nholiday_calendars = { DE = \"de-by.ics\" }\n"
        try good.write(to: dir.appendingPathComponent("overdue.toml"), atomically: true, encoding: .utf8)
        let config = try ConfigLoader.load(path: dir.appendingPathComponent("overdue.toml").path)
        let epiphany = CalendarDate(iso: "2027-01-06")!
        #expect(config.schedule.debtorHolidays.calendar(for: "DE")?.name(on: epiphany) == "Heilige Drei Könige")
        #expect(config.schedule.debtorHolidays.holidays(for: "DE").contains(CalendarDate(iso: "2027-10-03")!))  // the bundled days stay

        try "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nDTSTART:2027-01-06\nEND:VEVENT\nEND:VCALENDAR\n"
            .write(to: dir.appendingPathComponent("bad.ics"), atomically: true, encoding: .utf8)
        let bad = "[schedule]\ntimezone = \"Europe/Berlin\"\n\nholiday_calendars = { DE = \"bad.ics\", FR = \"missing.ics\" }\n"
        try bad.write(to: dir.appendingPathComponent("overdue.toml"), atomically: true, encoding: .utf8)
        do {
            _ = try ConfigLoader.load(path: dir.appendingPathComponent("overdue.toml").path)
            Issue.record("a bad calendar file was accepted")
        } catch {
            let text = "\(error)"
            #expect(text.contains("schedule.holiday_calendars.DE: line 4: \(dir.path)/bad.ics: line 4:"), "\(text)")
            #expect(text.contains("schedule.holiday_calendars.FR: line 4: \(dir.path)/missing.ics cannot be read"), "\(text)")
        }
    }
}
