import Foundation
import Logging
@testable import OverdueTransports
import Testing
import TestSupport

/// At debug, each attempt is one line from curl and one from the transport,
/// with the facts as metadata and never a password, token or query string.
@Suite("Transports log each attempt at debug, without secrets")
struct DeliveryLogTests {
    @Test("SMTP with AUTH (credentials in the settings, and in the URL): the debug lines are there, the password is not")
    func smtp() async throws {
        let server = try LoopbackServer(.smtp, arguments: ["--tls", "--auth", "overdue:s3cret"])
        let ca = server.outputDirectory.appendingPathComponent("cert.pem").path
        let log = CapturedLog()
        let transport = SMTPTransport(settings: .init(url: "smtp://127.0.0.1:\(server.port)", requireTLS: true,
                                                      credentials: Credentials(user: "overdue", password: "s3cret"), caFile: ca),
                                      logger: log.logger)
        guard case .sent = await transport.send(mail(to: "ap@acme.example", key: "od1-logged")) else { Issue.record("not sent"); return }
        let inURL = SMTPTransport(settings: .init(url: "smtp://overdue:s3cret@127.0.0.1:\(server.port)", requireTLS: true, caFile: ca),
                                  logger: log.logger)
        guard case .sent = await inURL.send(mail(to: "ap@acme.example", key: "od1-url")) else { Issue.record("not sent"); return }

        let attempts = log.lines.filter { $0.hasPrefix("debug delivery attempt ") }
        #expect(attempts.count == 2, "\(log.lines)")
        let first = try #require(attempts.first)
        for field in ["delivery.key=od1-logged", "transport.channel=email", "transport.url=smtp://127.0.0.1:\(server.port)",
                      "smtp.code=250", "delivery.outcome=sent", "curl.code=0", "transfer.seconds="] {
            #expect(first.contains(field), "\(field) in \(first)")
        }
        #expect(log.lines.contains { $0.hasPrefix("debug curl transfer finished ") && $0.contains("curl.response_code=250") })
        #expect(!log.text.contains("s3cret"), "\(log.text)")
        #expect(!log.text.contains("overdue@") && !log.text.contains("overdue:"), "\(log.text)")
    }

    @Test("an SMS gateway with a bearer token and a key in the query: neither is logged")
    func sms() async throws {
        let server = try LoopbackServer(.http, arguments: ["--status", "202"])
        var gateway = SMSTransport.GenericGateway()
        gateway.auth = .bearer
        let log = CapturedLog()
        let transport = SMSTransport(settings: .init(gateway: .generic(gateway), url: "http://127.0.0.1:\(server.port)/v1/send?api_key=q5ecret",
                                                     from: nil, credentials: Credentials(user: "", password: "tok123")),
                                     logger: log.logger)
        let message = OutgoingMessage(key: "od1-sms-logged", recipient: "+4915112345678", payload: .sms(text: "Hello"))
        guard case .sent = await transport.send(message) else { Issue.record("not sent"); return }
        let attempt = try #require(log.lines.first { $0.hasPrefix("debug delivery attempt ") }, "\(log.lines)")
        #expect(attempt.contains("http.status=202") && attempt.contains("transport.channel=sms") && attempt.contains("delivery.key=od1-sms-logged"))
        // Keys are sorted, so the URL is the line's last field: nothing of the query may follow.
        #expect(attempt.hasSuffix("transport.url=http://127.0.0.1:\(server.port)/v1/send"), "\(attempt)")
        #expect(!log.text.contains("tok123") && !log.text.contains("q5ecret"), "\(log.text)")
    }
}

/// Log lines kept in memory as "level message key=value …" (keys sorted).
final class CapturedLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []

    var lines: [String] { lock.withLock { stored } }
    var text: String { lines.joined(separator: "\n") }

    var logger: Logger {
        var logger = Logger(label: "test") { _ in Handler(sink: self) }
        logger.logLevel = .debug
        return logger
    }

    struct Handler: LogHandler {
        let sink: CapturedLog
        var logLevel: Logger.Level = .debug
        var metadata: Logger.Metadata = [:]

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let fields = metadata.merging(event.metadata ?? [:]) { $1 }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            let line = (["\(event.level) \(event.message)"] + fields).joined(separator: " ")
            sink.lock.withLock { sink.stored.append(line) }
        }
    }
}
