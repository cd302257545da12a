import Foundation
import Testing
import TestSupport

/// The long-running `overdue run`: its timer fires for the next reminder,
/// a file moved into the inbox is picked up at once, SIGTERM stops it.
@Suite("overdue run: timer, inbox events, SIGTERM")
struct DaemonRunTests {
    static func invoice(_ id: String, customer: String, due: String) -> String {
        #"{"invoice": "\#(id)", "customer": {"id": "\#(customer)", "name": "\#(customer)", "email": "ap@\#(customer).example", "timezone": "Europe/London"}, "issued": "2027-02-01", "due": "\#(due)", "currency": "GBP", "amount": "50.00"}"#
    }

    func waitForMail(_ directory: URL, count: Int, seconds: Double = 15) -> [String] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            if names.count >= count { return names }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    }

    @Test("sends when the timer fires and when a file arrives; exits 0 on SIGTERM")
    func daemon() throws {
        let root = try TemporaryDirectory.make(prefix: "overdue-daemon")
        let config = root.appendingPathComponent("overdue.toml")
        try "[spool]\ndir = \"spool\"\n[schedule]\ntimezone = \"Europe/London\"\n".write(to: config, atomically: true, encoding: .utf8)
        let inbox = root.appendingPathComponent("spool/inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        // Due Fri 2027-04-09: the overdue notice is due Mon 04-12 09:00 BST = 08:00 UTC.
        // (Not 03-29: Easter Monday is a bank holiday of the debtor's country, GB.)
        try Self.invoice("A-1", customer: "alpha", due: "2027-04-09").write(to: inbox.appendingPathComponent("a.json"), atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = OverdueBinary.url
        // Three seconds before that window opens.
        process.arguments = ["--config", config.path, "run", "--now", "2027-04-12T07:59:57Z", "--log-level", "warning"]
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        let mail = root.appendingPathComponent("spool/mail/new")
        Thread.sleep(forTimeInterval: 1)
        #expect(waitForMail(mail, count: 1, seconds: 0).isEmpty, "sent before the window opened")
        #expect(waitForMail(mail, count: 1).count == 1, "the timer did not send the overdue notice")

        // A second debtor arrives while it sleeps: written under a .part name,
        // then renamed into place, as the README says.
        let part = inbox.appendingPathComponent("b.json.part")
        try Self.invoice("B-1", customer: "beta", due: "2027-03-10").write(to: part, atomically: true, encoding: .utf8)
        try FileManager.default.moveItem(at: part, to: inbox.appendingPathComponent("b.json"))
        let both = waitForMail(mail, count: 2)
        #expect(both.count == 2, "the inbox event did not lead to a send")

        process.terminate()  // SIGTERM
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        let status = try OverdueBinary.run(["--config", config.path, "status", "--json"])
        let json = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as! [String: Any]
        #expect((json["invoices"] as! [String: Any])["total"] as? Int == 2)
    }
}
