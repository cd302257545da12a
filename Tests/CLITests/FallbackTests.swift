import Foundation
import Testing
import TestSupport

@Suite("Channel fallback and suppression")
struct FallbackTests {
    @Test("an opted-out SMS recipient gets the fallback e-mail; a gateway STOP (21610) does too, once")
    func fallback() throws {
        let smtp = try LoopbackServer(.smtp)
        let twilio = try LoopbackServer(.http, arguments: ["--mode", "twilio", "--stop-number", "+15550001111"])
        let test = try TestSpool(prefix: "overdue-fallback", config: "")
        try test.writeSMSFirstConfig(smtpPort: smtp.port, smsPort: twilio.port)
        let (config, inbox) = (test.config, test.inbox)
        try """
            {"invoice": "O-1", "customer": {"id": "opted", "name": "Opted Ltd", "email": "ap@opted.example", "phone": "+4915112345678"}, "issued": "2027-02-01", "due": "2027-03-01", "currency": "EUR", "amount": "10.00"}
            {"invoice": "S-1", "customer": {"id": "stop", "name": "Stop Ltd", "email": "ap@stop.example", "phone": "+15550001111"}, "issued": "2027-02-01", "due": "2027-03-01", "currency": "EUR", "amount": "20.00"}
            {"invoice": "H-1", "customer": {"id": "happy", "name": "Happy Ltd", "email": "ap@happy.example", "phone": "+447700900123"}, "issued": "2027-02-01", "due": "2027-03-01", "currency": "EUR", "amount": "30.00"}
            {"event": "optout", "address": "+4915112345678", "channel": "sms"}
            """.write(to: inbox.appendingPathComponent("i.jsonl"), atomically: true, encoding: .utf8)

        let run = try OverdueBinary.run(["--config", config.path, "run", "--once", "--now", "2027-03-02T10:00:00Z"])
        #expect(run.status == 0, "\(run.stderr)")
        let log = try OverdueBinary.run(["--config", config.path, "log", "--json"]).stdout.split(separator: "\n")
            .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
            .filter { ["sent", "suppressed"].contains($0["event"] as? String) }
        func events(_ customer: String) -> [String] {
            log.filter { $0["customer"] as? String == customer }.map { "\($0["event"]!) \($0["channel"]!)" }
        }
        #expect(events("opted") == ["suppressed sms", "sent email"], "\(events("opted"))")
        #expect(events("stop") == ["suppressed sms", "sent email"], "\(events("stop"))")
        #expect(events("happy") == ["sent sms"], "\(events("happy"))")
        let opted = log.first { $0["customer"] as? String == "opted" && $0["event"] as? String == "suppressed" }
        #expect((opted?["detail"] as? String)?.contains("opted out of sms") == true)
        let fallbackMail = log.first { $0["customer"] as? String == "stop" && $0["channel"] as? String == "email" }
        #expect(fallbackMail?["fallback_from"] as? String == "sms")
        #expect(smtp.received(withExtension: "eml", atLeast: 2).count == 2)
        // The gateway's STOP became an opt-out; nothing more is sent on a second run.
        let list = try OverdueBinary.run(["--config", config.path, "optout", "list"]).stdout
        #expect(list.contains("+15550001111"))
        let again = try OverdueBinary.run(["--config", config.path, "run", "--once", "--now", "2027-03-02T11:00:00Z"])
        #expect(again.stdout.contains("sent 0 message(s)"), "\(again.stdout)")
    }
}

@Suite("Suppression list")
struct SuppressionTests {
    @Test("550 5.1.1 puts the address on the suppression list; the next stage is suppressed with the reason and falls back")
    func bounce() throws {
        let smtp = try LoopbackServer(.smtp, arguments: ["--reject-rcpt", "gone"])
        let sms = try LoopbackServer(.http, arguments: ["--mode", "twilio"])
        let test = try TestSpool(prefix: "overdue-bounce", config: "")
        try ("""
            [spool]
            dir = "spool"
            [schedule]
            timezone = "Europe/London"
            min_gap_days = 0
            [[policy]]
            name = "p"
            fallback = ["sms"]
            stages = [
              { name = "overdue", offset_days = 1, channels = ["email"] },
              { name = "firm", offset_days = 8, channels = ["email"] },
            ]
            """ + "\n" + TestSpool.smtpChannel(port: smtp.port) + test.twilioChannel(port: sms.port))
            .write(to: test.config, atomically: true, encoding: .utf8)
        let (config, inbox) = (test.config, test.inbox)
        try #"{"invoice": "B-1", "customer": {"id": "gone", "name": "Gone Ltd", "email": "gone@acme.example", "phone": "+447700900123"}, "issued": "2027-02-01", "due": "2027-03-01", "currency": "EUR", "amount": "10.00"}"#
            .write(to: inbox.appendingPathComponent("b.json"), atomically: true, encoding: .utf8)
        // Overdue stage: the e-mail bounces (550 5.1.1) and the stage falls back to SMS.
        _ = try OverdueBinary.run(["--config", config.path, "run", "--once", "--now", "2027-03-02T10:00:00Z"])
        let list = try OverdueBinary.run(["--config", config.path, "optout", "list", "--json"]).stdout
        let entries = try JSONSerialization.jsonObject(with: Data(list.utf8)) as! [[String: String]]
        #expect(entries.count == 1)
        #expect(entries.first?["kind"] == "bounce")
        #expect(entries.first?["reason"]?.contains("5.1.1") == true)
        // Firm stage the day after the SMS's deadline (pay by 03-09): e-mail
        // is suppressed with the reason, SMS goes instead.
        _ = try OverdueBinary.run(["--config", config.path, "run", "--once", "--now", "2027-03-10T10:00:00Z"])
        let log = try OverdueBinary.run(["--config", config.path, "log", "--json"]).stdout.split(separator: "\n")
            .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
            .filter { $0["stage"] != nil && $0["channel"] != nil }
            .map { "\($0["stage"]!) \($0["event"]!) \($0["channel"]!)" }
        #expect(log == ["overdue failed email", "overdue sent sms", "firm suppressed email", "firm sent sms"], "\(log)")
    }
}
