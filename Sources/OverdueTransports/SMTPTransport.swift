import Curl
import Foundation
import Logging

/// E-mail over SMTP through libcurl: `smtp://` with STARTTLS required or
/// off, or `smtps://`. One recipient per transfer so each gets its own
/// result; transfers share the multi handle's connection cache, so
/// consecutive messages reuse one session.
public final class SMTPTransport: Transport, Sendable {
    public struct Settings: Sendable {
        public var url: String
        public var requireTLS: Bool
        public var credentials: Credentials?
        public var caFile: String?
        public var verifyPeer: Bool
        public var timeoutSeconds: Int
        public var maxConnections: Int

        public init(url: String, requireTLS: Bool, credentials: Credentials? = nil, caFile: String? = nil,
                    verifyPeer: Bool = true, timeoutSeconds: Int = 30, maxConnections: Int = 4) {
            self.url = url
            self.requireTLS = requireTLS
            self.credentials = credentials
            self.caFile = caFile
            self.verifyPeer = verifyPeer
            self.timeoutSeconds = timeoutSeconds
            self.maxConnections = maxConnections
        }
    }

    let settings: Settings
    let multi: MultiHandle
    let logger: Logger

    public init(settings: Settings, logger: Logger = .transportDefault) {
        self.settings = settings
        self.logger = logger
        multi = MultiHandle(label: "overdue.smtp", maxConnectionsPerHost: settings.maxConnections, logger: logger)
    }

    public func start(_ message: OutgoingMessage, completion: @escaping @Sendable (DeliveryOutcome) -> Void) {
        guard case .mail(let bytes, let envelopeFrom) = message.payload else {
            completion(.permanent(code: 0, detail: "not an e-mail"))
            return
        }
        let easy = EasyHandle()
        let request = CurlRequest(
            url: settings.url, allowedProtocols: "smtp,smtps", body: bytes, mailFrom: "<\(envelopeFrom)>",
            mailRecipients: ["<\(message.recipient)>"], username: settings.credentials?.user,
            password: settings.credentials?.password, tls: settings.requireTLS && settings.url.hasPrefix("smtp://") ? .required : .none,
            caFile: settings.caFile, verifyPeer: settings.verifyPeer,
            connectTimeoutMilliseconds: min(settings.timeoutSeconds, 30) * 1000,
            timeoutMilliseconds: settings.timeoutSeconds * 1000)
        do {
            try easy.configure(request)
        } catch {
            completion(.permanent(code: 0, detail: "cannot set up the transfer: \(error)"))
            return
        }
        let size = bytes.count
        multi.add(easy) { [logger, settings] result in
            let outcome = Self.classify(result, messageSize: size)
            logger.deliveryAttempt(message, channel: "email", url: settings.url, codeKey: "smtp.code", result: result, outcome: outcome)
            completion(outcome)
        }
    }

    /// SMTP outcomes (RFC 5321 §4.2.1): 2yz sent, 4yz try again, 5yz never;
    /// a connection that failed before the message went is transient; one
    /// that broke after every byte was sent, with no final reply, may have
    /// delivered it.
    static func classify(_ result: Result<CurlResponse, CurlError>, messageSize: Int) -> DeliveryOutcome {
        switch result {
        case .success(let response):
            let line = lastReply(response.serverLines) ?? "\(response.statusCode)"
            return .sent(code: response.statusCode, id: queueID(line), detail: line)
        case .failure(let error):
            let reply = lastReply(error.serverLines)
            // The code is the reply that decided; a failure no reply decided
            // has none (the TLS failures below log 0, not the last greeting's).
            let code = reply == nil ? 0 : error.responseCode
            let detail = reply.map { "\($0) (\(error.summary))" } ?? error.description
            // Our own configuration or the relay is wrong for every message:
            // the channel pauses, and retrying after a fix works, so these
            // are never dead letters.
            if error.isLoginDenied {
                return .channelDown(code: error.responseCode, detail: "authentication failed: check the user and password in credentials_file (\(detail))")
            }
            if error.isTLSUnavailable {
                return .channelDown(code: 0, detail: "the server does not offer STARTTLS, which starttls = \"required\" demands (\(error.summary))")
            }
            if error.isTLSFailure {
                return .channelDown(code: 0, detail: "TLS with the relay failed (certificate or handshake; see ca_file): \(error.description)")
            }
            // 454 4.7.0 (TLS or authentication temporarily unavailable), 530
            // (authentication or STARTTLS required): about the session, not the message.
            if code == 530 || (code == 454 && reply?.contains("4.7.0") == true) {
                return .channelDown(code: code, detail: "the relay refused the session: \(detail)")
            }
            switch code {
            case 400..<500: return .transient(code: code, detail: detail, notBefore: nil)
            case 550...553 where [550, 551, 553].contains(code) && reply.map(Self.isUnknownMailbox) == true:
                return .noSuchRecipient(code: code, detail: detail)
            case 500..<600 where reply != nil: return .permanent(code: code, detail: detail)
            default: break
            }
            if error.bytesSent >= messageSize, messageSize > 0, error.answerLost {
                return .ambiguous(code: code, detail: "the message was sent but the server's final answer never came: \(error.description)")
            }
            return .transient(code: code, detail: error.description, notBefore: nil)
        }
    }

    /// RFC 3463: 5.1.1 bad destination mailbox, 5.1.0 other address status,
    /// 5.1.10 null MX. (A 550 for policy or content keeps the address.)
    static func isUnknownMailbox(_ reply: String) -> Bool {
        let words = reply.dropFirst(4).split(separator: " ")
        return words.first.map { ["5.1.1", "5.1.0", "5.1.10"].contains(String($0)) } ?? false
    }

    /// The last server reply that is not the goodbye to QUIT.
    static func lastReply(_ lines: [String]) -> String? {
        lines.last { line in
            line.count >= 3 && line.prefix(3).allSatisfy(\.isNumber) && !line.hasPrefix("221") && line.dropFirst(3).first != "-"
        }
    }

    /// Postfix and most servers say "queued as ID" in the final reply.
    static func queueID(_ line: String) -> String? {
        guard let range = line.range(of: "queued as ") else { return nil }
        return line[range.upperBound...].split(separator: " ").first.map(String.init)
    }
}
