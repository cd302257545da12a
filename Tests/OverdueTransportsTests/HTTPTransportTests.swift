import Foundation
@testable import OverdueTransports
import Testing
import TestSupport

@Suite("Webhooks and SMS gateways against HTTP receivers on 127.0.0.1")
struct HTTPTransportTests {
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    @Test("the Standard Webhooks test vector")
    func testVector() throws {
        let key = try WebhookTransport.key(fromSecret: Self.secret)
        let signature = WebhookTransport.signature(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330,
                                                   body: Array(#"{"test": 2432232314}"#.utf8), key: key)
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    func webhook(_ server: LoopbackServer, timeout: Int = 10) throws -> WebhookTransport {
        try WebhookTransport(settings: .init(url: "http://127.0.0.1:\(server.port)/hooks/overdue", secret: Self.secret,
                                             timeoutSeconds: timeout))
    }

    func payload(_ key: String) -> OutgoingMessage {
        OutgoingMessage(key: key, recipient: "crm", payload: .webhook(json: #"{"type": "overdue.reminder", "key": "\#(key)"}"#))
    }

    @Test("200: sent, and the independent standardwebhooks package verifies the signature; the id is stable on retry")
    func verified() async throws {
        let server = try LoopbackServer(.http, arguments: ["--webhook-secret", Self.secret])
        let transport = try webhook(server)
        #expect(await transport.send(payload("od1-abc")).event == "sent")
        #expect(await transport.send(payload("od1-abc")).event == "sent")
        let records = try server.received(withExtension: "json", atLeast: 2).map {
            try JSONSerialization.jsonObject(with: Data(contentsOf: $0)) as! [String: Any]
        }
        #expect(records.allSatisfy { $0["signature"] as? String == "valid" }, "\(records.map { $0["signature"] ?? "" })")
        let ids = records.map { ($0["headers"] as! [String: String])["webhook-id"] }
        #expect(ids == ["od1-abc", "od1-abc"])
    }

    @Test("a wrong secret is refused by the receiver (401): the channel pauses, the delivery waits (never a dead letter)")
    func wrongSecret() async throws {
        let server = try LoopbackServer(.http, arguments: ["--webhook-secret", "whsec_" + Data(repeating: 7, count: 24).base64EncodedString()])
        let outcome = try await webhook(server).send(payload("od1-x"))
        #expect(outcome.code == 401)
        #expect(outcome.event == "deferred" && outcome.status == nil)
    }

    @Test("410 disables the endpoint: later sends make no request")
    func gone() async throws {
        let server = try LoopbackServer(.http, arguments: ["--status", "410"])
        let transport = try webhook(server)
        guard case .disabled(410, _) = await transport.send(payload("od1-1")) else { Issue.record("not disabled"); return }
        guard case .disabled = await transport.send(payload("od1-2")) else { Issue.record("not disabled"); return }
        #expect(server.received(withExtension: "json", atLeast: 1, timeout: 1).count == 1)
    }

    @Test("429 with Retry-After: transient, not before then")
    func retryAfter() async throws {
        let server = try LoopbackServer(.http, arguments: ["--status", "429", "--retry-after", "120"])
        let before = Date()
        guard case .transient(429, _, let notBefore?) = try await webhook(server).send(payload("od1-1")) else {
            Issue.record("no Retry-After"); return
        }
        #expect(notBefore.timeIntervalSince(before) > 110 && notBefore.timeIntervalSince(before) < 130)
    }

    @Test("Retry-After is clamped to a day, as seconds and as a date: 9999-12-31 parks nothing for ever; 401 pauses the channel",
          arguments: ["Fri, 31 Dec 9999 23:59:59 GMT", "99999999999"])
    func retryAfterClamped(value: String) async throws {
        let now = Date()
        let until = try #require(HTTPOutcome.retryAfter(value, now: now))
        #expect(until.timeIntervalSince(now) == HTTPOutcome.maxRetryAfter)
        #expect(HTTPOutcome.retryAfter("Thu, 01 Jan 1970 00:00:00 GMT", now: now) == now, "a date in the past: at once")
        let server = try LoopbackServer(.http, arguments: ["--status", "429", "--retry-after", value])
        guard case .transient(429, _, let notBefore?) = try await webhook(server).send(payload("od1-1")) else {
            Issue.record("no Retry-After"); return
        }
        #expect(notBefore.timeIntervalSince(now) <= HTTPOutcome.maxRetryAfter + 5)
        let refused = try LoopbackServer(.http, arguments: ["--status", "401"])
        guard case .channelDown(401, _) = try await webhook(refused).send(payload("od1-2")) else { Issue.record("401 not channel-wide"); return }
    }

    @Test("SMS URL placeholders: one pass, query-escaped; a {key} inside the text stays text, an &to= cannot add a parameter")
    func placeholders() {
        let values = ["to": "+4915112345678&to=+4470000", "text": "pay {key} now", "key": "od1-abc"]
        let url = SMSTransport.fill("https://sms.example/send?to={to}&msg={text}&id={key}", values.mapValues(SMSTransport.formEscape))
        #expect(url == "https://sms.example/send?to=%2B4915112345678%26to%3D%2B4470000&msg=pay%20%7Bkey%7D%20now&id=od1-abc")
        #expect(SMSTransport.fill("{unknown} {to", ["to": "x"]) == "{unknown} {to")
    }

    @Test("a gateway's answer goes into the log as one short line of text")
    func bodyFiltered() {
        let body = Array(("line one\r\n\u{1B}[31mred\u{7}" + String(repeating: "x", count: 400)).utf8)
        let text = HTTPOutcome.bodyText(body)
        #expect(!text.contains("\n") && !text.contains("\u{1B}") && text.count <= 200, "\(text)")
        #expect(text.hasPrefix("line one [31mred xxx") && text.hasSuffix("x…"), "\(text)")
        #expect(HTTPOutcome.bodyText(Array("  a \t\r\n  b\u{7}  ".utf8)) == "a b")
        #expect(HTTPOutcome.bodyText([]) == "" && HTTPOutcome.bodyText(Array("{\"ok\":true}".utf8)) == "{\"ok\":true}")
    }

    @Test("500 and a slow answer are transient; a redirect is not followed")
    func failures() async throws {
        let failing = try LoopbackServer(.http, arguments: ["--status", "500"])
        #expect(try await webhook(failing).send(payload("od1-1")).event == "deferred")
        let slow = try LoopbackServer(.http, arguments: ["--delay", "3"])
        guard case .transient(_, let detail, _) = try await webhook(slow, timeout: 1).send(payload("od1-2")) else {
            Issue.record("slow answer not transient"); return
        }
        #expect(detail.contains("28"))
        let moved = try LoopbackServer(.http, arguments: ["--status", "302"])
        guard case .permanent(302, let why) = try await webhook(moved).send(payload("od1-3")) else { Issue.record("redirect"); return }
        #expect(why.contains("redirects are not followed"))
    }

    func sms(_ to: String) -> OutgoingMessage {
        OutgoingMessage(key: "od1-sms", recipient: to, payload: .sms(text: "Northwind: invoice INV-1 (€12.00) is overdue. Reply STOP to opt out"))
    }

    @Test("Twilio: 201 with the sid; error 21610 is an opt-out; 500 is ambiguous; 429 transient")
    func twilio() async throws {
        let server = try LoopbackServer(.http, arguments: ["--mode", "twilio", "--stop-number", "+15550001111"])
        let settings = SMSTransport.Settings(gateway: .twilio(account: "AC0123", messagingServiceSID: nil),
                                             url: "http://127.0.0.1:\(server.port)", from: "+447700900000",
                                             credentials: Credentials(user: "AC0123", password: "token"))
        let transport = SMSTransport(settings: settings)
        guard case .sent(201, let sid?, _) = await transport.send(sms("+4915112345678")) else { Issue.record("not sent"); return }
        #expect(sid.hasPrefix("SM"))
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: server.received(withExtension: "json", atLeast: 1)[0])) as! [String: Any]
        #expect(record["path"] as? String == "/2010-04-01/Accounts/AC0123/Messages.json")
        #expect((record["body"] as? String)?.contains("To=%2B4915112345678") == true)
        #expect((record["body"] as? String)?.contains("From=%2B447700900000") == true)
        guard case .optedOut(21610, _) = await transport.send(sms("+15550001111")) else { Issue.record("STOP not an opt-out"); return }

        let down = try LoopbackServer(.http, arguments: ["--mode", "twilio", "--status", "500"])
        var downSettings = settings
        downSettings.url = "http://127.0.0.1:\(down.port)"
        #expect(await SMSTransport(settings: downSettings).send(sms("+4915112345678")).event == "ambiguous")
        let busy = try LoopbackServer(.http, arguments: ["--mode", "twilio", "--status", "429", "--retry-after", "5"])
        downSettings.url = "http://127.0.0.1:\(busy.port)"
        #expect(await SMSTransport(settings: downSettings).send(sms("+4915112345678")).event == "deferred")
    }

    @Test("Vonage: HTTP 200 with a per-message status")
    func vonage() async throws {
        let server = try LoopbackServer(.http, arguments: ["--mode", "vonage", "--stop-number", "+15550001111"])
        let transport = SMSTransport(settings: .init(gateway: .vonage, url: "http://127.0.0.1:\(server.port)", from: "Northwind",
                                                     credentials: Credentials(user: "key", password: "secret")))
        guard case .sent(0, let id?, _) = await transport.send(sms("+4915112345678")) else { Issue.record("not sent"); return }
        #expect(id.hasPrefix("V"))
        guard case .permanent(6, let detail) = await transport.send(sms("+15550001111")) else { Issue.record("status 6"); return }
        #expect(detail.contains("Unroutable"))
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: server.received(withExtension: "json", atLeast: 1)[0])) as! [String: Any]
        #expect(record["path"] as? String == "/sms/json")
        #expect((record["body"] as? String)?.contains("to=4915112345678") == true)
    }

    @Test("a generic HTTP gateway: JSON body from the configured fields, bearer auth, id from the answer")
    func generic() async throws {
        let server = try LoopbackServer(.http, arguments: ["--status", "202"])
        var gateway = SMSTransport.GenericGateway()
        gateway.body = .json
        gateway.fields = ["recipient": "{to}", "message": "{text}", "ref": "{key}"]
        gateway.auth = .bearer
        gateway.idField = "received"
        let transport = SMSTransport(settings: .init(gateway: .generic(gateway), url: "http://127.0.0.1:\(server.port)/v1/send",
                                                     from: nil, credentials: Credentials(user: "", password: "tok123")))
        guard case .sent(202, "1", _) = await transport.send(sms("+4915112345678")) else { Issue.record("not sent"); return }
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: server.received(withExtension: "json", atLeast: 1)[0])) as! [String: Any]
        let body = try JSONSerialization.jsonObject(with: Data((record["body"] as! String).utf8)) as! [String: String]
        #expect(body["recipient"] == "+4915112345678")
        #expect(body["ref"] == "od1-sms")
        #expect((record["headers"] as? [String: String])?["authorization"] == "Bearer tok123")
    }
}
