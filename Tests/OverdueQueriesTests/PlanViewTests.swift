import Foundation
import OverdueConfig
import OverdueCore
@testable import OverdueQueries
import Testing

@Suite("plan: debtor-local times")
struct PlanViewTests {
    @Test("local time from the zone's offset at that instant, across DST and west of UTC", arguments: [
        ("2027-03-15T13:00:00Z", "America/New_York", "2027-03-15 09:00 America/New_York"),  // EDT, the day after the change
        ("2027-03-12T14:00:00Z", "America/New_York", "2027-03-12 09:00 America/New_York"),  // EST
        ("2027-01-29T00:00:00Z", "Asia/Tokyo", "2027-01-29 09:00 Asia/Tokyo"),
        ("2027-01-01T03:30:00Z", "America/Los_Angeles", "2026-12-31 19:30 America/Los_Angeles"),  // the day before in UTC terms
        ("2027-10-31T01:30:00Z", "Europe/London", "2027-10-31 01:30 Europe/London"),  // after the fall-back hour
        ("2027-07-01T12:00:00Z", "Asia/Kolkata", "2027-07-01 17:30 Asia/Kolkata"),
    ])
    func localTime(instant: String, zone: String, expected: String) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("overdue-planview-\(UUID().uuidString)")
        let config = try ConfigLoader.parse("[spool]\ndir = \"spool\"\n", path: root.appendingPathComponent("overdue.toml").path)
        let view = try PlanView(config: config, from: Date(), days: 1)
        let send = PlannedSend(time: try Date(instant, strategy: .iso8601), customer: "c", customerName: "C", channel: .email,
                               recipient: "r", stage: "s", final: false, policy: "p", timeZone: zone, items: [], key: "k")
        #expect(view.localTime(send) == expected)
    }
}

@Suite("What overdue shows of secrets and hostile names")
struct RedactionTests {
    @Test("a URL is shown without user:password and with its query as …", arguments: [
        ("https://user:pa55@crm.example/hooks/overdue?token=abc#x", "https://crm.example/hooks/overdue?…"),
        ("https://crm.example/hooks/overdue", "https://crm.example/hooks/overdue"),
        ("smtp://u:PASSWORD@mail.example.com:587", "smtp://mail.example.com:587"),
    ])
    func urls(url: String, shown: String) throws {
        #expect(URLLabel.redacted(url) == shown)
        guard url.hasPrefix("https") else { return }
        let config = try ConfigLoader.parse("[channels.webhook]\nurl = \"\(url)\"\nsecret_file = \"/x\"\n", path: "/tmp/overdue.toml")
        #expect(config.plannerSettings.webhookEndpoint == shown, "the recipient the planner, log and journal use")
    }

    @Test("hand-off CSV: a field a spreadsheet would run as a formula starts with '", arguments: [
        ("=HYPERLINK(\"http://evil\")", "\"'=HYPERLINK(\"\"http://evil\"\")\""), ("+1", "'+1"), ("@SUM(A1)", "'@SUM(A1)"), ("INV-1", "INV-1"),
    ])
    func formula(value: String, field: String) {
        #expect(HandoffBundle.csvField(value) == field)
    }
}
