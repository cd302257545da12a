import Foundation
import Testing
import TestSupport

/// `overdue plan` with debtor-country holidays: the config's iCalendar file
/// is read (relative to the config), and a send a holiday moved says so.
@Suite("Debtor-country holidays in overdue plan")
struct HolidayPlanTests {
    @Test("Whit Monday (bundled) and a Bavarian Corpus Christi (the user's .ics) move sends, and plan names them")
    func planNamesHolidays() throws {
        let test = try TestSpool(prefix: "overdue-holidays", config: """
            [spool]
            dir = "spool"
            [schedule]
            timezone = "Europe/London"
            holiday_calendars = { DE = "de-by.ics" }
            [[policy]]
            name = "standard"
            stages = [{ name = "due", offset_days = 0, channels = ["email"], template = "overdue", label = { en = "reminder", de = "Erinnerung", fr = "rappel", es = "recordatorio", it = "sollecito", nl = "herinnering", pl = "przypomnienie", pt = "lembrete" } }]
            """)
        try "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270527\r\nSUMMARY:Fronleichnam (Bayern)\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
            .write(to: test.root.appendingPathComponent("de-by.ics"), atomically: true, encoding: .utf8)
        try test.drop("""
            {"invoice": "W-1", "customer": {"id": "munich", "name": "München GmbH", "email": "ap@munich.example", "timezone": "Europe/Berlin", "country": "DE"}, "issued": "2027-04-17", "due": "2027-05-17", "currency": "EUR", "amount": "100.00"}
            {"invoice": "C-1", "customer": {"id": "augsburg", "name": "Augsburg GmbH", "email": "ap@augsburg.example", "timezone": "Europe/Berlin", "country": "DE"}, "issued": "2027-04-27", "due": "2027-05-27", "currency": "EUR", "amount": "100.00"}
            {"invoice": "L-1", "customer": {"id": "leeds", "name": "Leeds Ltd", "email": "ap@leeds.example"}, "issued": "2027-04-19", "due": "2027-05-19", "currency": "GBP", "amount": "100.00"}
            """, as: "invoices.jsonl")
        try Controls.pass(test.config, at: "2027-05-01T08:00:00Z")  // ingest only: nothing is due yet
        let plan = try Controls.json(test.config, ["plan", "--from", "2027-05-10T00:00:00Z", "--days", "30"]) as! [[String: Any]]
        func send(_ customer: String) -> [String: Any]? { plan.first { $0["customer"] as? String == customer } }
        #expect((send("munich")?["local_time"] as? String)?.hasPrefix("2027-05-18 09:00") == true)
        #expect(send("munich")?["moved"] as? String == "moved from 2027-05-17: 2027-05-17 Pentecost Monday (DE)")
        #expect((send("augsburg")?["local_time"] as? String)?.hasPrefix("2027-05-28 09:00") == true)
        #expect(send("augsburg")?["moved"] as? String == "moved from 2027-05-27: 2027-05-27 Fronleichnam (Bayern) (DE)")
        #expect(send("leeds")?["moved"] is NSNull)  // on its own day
        let table = try Controls.run(test.config, ["plan", "--from", "2027-05-10T00:00:00Z", "--days", "30"]).stdout
        #expect(table.contains("Pentecost Monday (DE)") && table.contains("Fronleichnam (Bayern) (DE)"), "\(table)")
    }
}
