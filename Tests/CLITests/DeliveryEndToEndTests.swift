import Foundation
import Testing
import TestSupport

/// `run --once` with every channel configured against real servers on
/// 127.0.0.1: SMTP (aiosmtpd), a webhook receiver that verifies signatures
/// with the independent `standardwebhooks` package, and a Twilio-shaped
/// gateway that reports one recipient as opted out.
@Suite("Delivery end to end: SMTP, signed webhooks, SMS")
struct DeliveryEndToEndTests {
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    @Test("every channel delivers; mail parses strictly with every header; a STOP becomes an opt-out")
    func allChannels() throws {
        let smtp = try LoopbackServer(.smtp)
        let hooks = try LoopbackServer(.http, arguments: ["--webhook-secret", Self.secret])
        let twilio = try LoopbackServer(.http, arguments: ["--mode", "twilio", "--stop-number", "+15550001111"])
        let root = try TemporaryDirectory.make(prefix: "overdue-e2e")
        try Self.secret.writeSecret(to: root.appendingPathComponent("webhook.secret"))
        try "AC0123:token".writeSecret(to: root.appendingPathComponent("twilio.credentials"))
        let config = root.appendingPathComponent("overdue.toml")
        try """
            [spool]
            dir = "spool"
            [brand]
            name = "Northwind Supplies Ltd"
            from = "Northwind Accounts <accounts@northwind.example>"
            reply_to = "ar@northwind.example"
            unsubscribe_url = "https://northwind.example/optout"
            [schedule]
            timezone = "Europe/London"
            [[policy]]
            name = "standard"
            stages = [
              { name = "overdue", offset_days = 1, channels = ["email", "sms", "webhook"] },
            ]
            [channels.email]
            url = "smtp://127.0.0.1:\(smtp.port)"
            starttls = "off"
            [channels.sms]
            gateway = "twilio"
            url = "http://127.0.0.1:\(twilio.port)"
            account = "AC0123"
            credentials_file = "\(root.path)/twilio.credentials"
            from = "+447700900000"
            [channels.webhook]
            url = "http://127.0.0.1:\(hooks.port)/hooks"
            secret_file = "\(root.path)/webhook.secret"
            """.write(to: config, atomically: true, encoding: .utf8)
        let inbox = root.appendingPathComponent("spool/inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        try """
            {"invoice": "A-1", "customer": {"id": "acme", "name": "Acme Café GmbH", "email": "ap@acme.example", "phone": "+4915112345678", "language": "de"}, "issued": "2027-02-01", "due": "2027-03-01", "currency": "EUR", "amount": "1200.00", "payment_url": "https://pay.example/A-1"}
            {"invoice": "B-1", "customer": {"id": "stopper", "name": "Stopper Ltd", "email": "ap@stopper.example", "phone": "+15550001111"}, "issued": "2027-02-01", "due": "2027-03-01", "currency": "GBP", "amount": "10.00"}
            """.write(to: inbox.appendingPathComponent("invoices.jsonl"), atomically: true, encoding: .utf8)

        // Tue 2027-03-02 10:00 London: the overdue stage of both is due.
        let run = try OverdueBinary.run(["--config", config.path, "run", "--once", "--now", "2027-03-02T10:00:00Z"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("sent 5 message(s)"), "\(run.stdout)")

        // Mail: two messages, parsed by Python's email with policy.strict.
        let mails = smtp.received(withExtension: "eml", atLeast: 2)
        #expect(mails.count == 2)
        let parsed = try CheckedMail.parse(mails)
        #expect(parsed.count == 2)
        for message in parsed {
            #expect((message["problems"] as? [String])?.isEmpty == true, "\(message["problems"] ?? "")")
            #expect((message["defects"] as? [String])?.isEmpty == true, "\(message["defects"] ?? "")")
            let names = Set(message["header_names"] as? [String] ?? [])
            for header in ["Date", "From", "To", "Reply-To", "Subject", "Message-ID", "MIME-Version", "List-Unsubscribe"] {
                #expect(names.contains(header), "missing \(header)")
            }
            #expect(!names.contains("Bcc"))
            #expect(message["content_type"] as? String == "multipart/alternative")
            let parts = message["parts"] as? [[String: Any]] ?? []
            #expect(parts.map { $0["type"] as? String } == ["text/plain", "text/html"])
            let headers = message["headers"] as? [String: String] ?? [:]
            #expect(headers["Message-ID"]?.hasPrefix("<od1-") == true)
            #expect(headers["List-Unsubscribe"]?.contains("https://northwind.example/optout") == true)
        }
        let german = parsed.first { ($0["headers"] as? [String: String])?["To"] == "ap@acme.example" }
        #expect((german?["headers"] as? [String: String])?["Subject"]?.contains("Zahlungserinnerung") == true)
        #expect(((german?["parts"] as? [[String: Any]])?.first?["text"] as? String)?.contains("1.200,00") == true)

        // Webhooks: two, both verified by standardwebhooks.
        let webhooks = try hooks.received(withExtension: "json", atLeast: 2).map {
            try JSONSerialization.jsonObject(with: Data(contentsOf: $0)) as! [String: Any]
        }
        #expect(webhooks.count == 2)
        #expect(webhooks.allSatisfy { $0["signature"] as? String == "valid" })

        // SMS: one delivered, one opted out and recorded as such.
        let log = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("spool/log").path)
            .flatMap { try String(contentsOf: root.appendingPathComponent("spool/log/\($0)"), encoding: .utf8).split(separator: "\n") }
            .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        let smsLines = log.filter { $0["channel"] as? String == "sms" }
        #expect(Set(smsLines.compactMap { $0["event"] as? String }) == ["sent", "suppressed"])
        #expect(smsLines.contains { ($0["gateway_id"] as? String)?.hasPrefix("SM") == true })
        let status = try OverdueBinary.run(["--config", config.path, "status", "--json"])
        let json = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as! [String: Any]
        #expect(json["optouts"] as? Int == 1)

        // The exact bytes of each message are kept; nothing is sent twice.
        let kept = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("spool/messages").path)
            .map { try String(contentsOf: root.appendingPathComponent("spool/messages/\($0)"), encoding: .utf8) }.joined()
        #expect(kept.split(separator: "\n").filter { $0.hasPrefix("=== od1-") }.count == 6)
        let again = try OverdueBinary.run(["--config", config.path, "run", "--once", "--now", "2027-03-02T11:00:00Z"])
        #expect(again.stdout.contains("sent 0 message(s)"), "\(again.stdout)")
        #expect(smtp.received(withExtension: "eml", atLeast: 3, timeout: 1).count == 2)
    }
}
