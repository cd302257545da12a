import Crypto
import Curl
import Foundation
import Logging
import OverdueCore

/// Signed webhooks per Standard Webhooks: `webhook-id` (the delivery's
/// idempotency key, the same on every retry), `webhook-timestamp`, and
/// `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">` with
/// the `whsec_` secret. 2xx only is success; redirects are not followed;
/// `Retry-After` is honoured; 410 turns the endpoint off until a reload.
/// `@unchecked`: swift-crypto's SymmetricKey is immutable but not marked Sendable; `gone` is guarded by `lock`.
public final class WebhookTransport: Transport, @unchecked Sendable {
    public struct Settings: Sendable {
        public var url: String
        public var secret: String
        public var timeoutSeconds: Int
        public var maxConnections: Int
        public var caFile: String?

        public init(url: String, secret: String, timeoutSeconds: Int = 15, maxConnections: Int = 8, caFile: String? = nil) {
            self.url = url
            self.secret = secret
            self.timeoutSeconds = timeoutSeconds
            self.maxConnections = maxConnections
            self.caFile = caFile
        }
    }

    let settings: Settings
    let key: SymmetricKey
    let multi: MultiHandle
    let clock: @Sendable () -> Date
    let logger: Logger
    private let lock = NSLock()
    private var gone: DeliveryOutcome?

    public init(settings: Settings, clock: @escaping @Sendable () -> Date = { Date() },
                logger: Logger = .transportDefault) throws {
        self.settings = settings
        key = try Self.key(fromSecret: settings.secret)
        multi = MultiHandle(label: "overdue.webhook", maxConnectionsPerHost: settings.maxConnections, logger: logger)
        self.clock = clock
        self.logger = logger
    }

    public struct SecretProblem: Error, CustomStringConvertible {
        public var description: String
    }

    /// "whsec_" + base64 of the key bytes.
    public static func key(fromSecret secret: String) throws -> SymmetricKey {
        let encoded = secret.hasPrefix("whsec_") ? String(secret.dropFirst(6)) : secret
        guard let bytes = Data(base64Encoded: encoded), !bytes.isEmpty else {
            throw SecretProblem(description: "the webhook secret is not \"whsec_\" followed by base64")
        }
        return SymmetricKey(data: bytes)
    }

    /// "v1,<base64 HMAC-SHA256(key, "id.timestamp.body")>".
    public static func signature(id: String, timestamp: Int, body: [UInt8], key: SymmetricKey) -> String {
        var signed = Array("\(id).\(timestamp).".utf8)
        signed += body
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: key)
        return "v1," + Data(mac).base64EncodedString()
    }

    public func start(_ message: OutgoingMessage, completion: @escaping @Sendable (DeliveryOutcome) -> Void) {
        guard case .webhook(let json) = message.payload else {
            completion(.permanent(code: 0, detail: "not a webhook payload"))
            return
        }
        if let gone = lock.withLock({ gone }) {
            completion(gone)
            return
        }
        let body = Array(json.utf8)
        let timestamp = Int(clock().timeIntervalSince1970)
        let easy = EasyHandle()
        do {
            try easy.configure(CurlRequest(
                url: settings.url, headers: [
                    "Content-Type: application/json",
                    "webhook-id: \(message.key)",
                    "webhook-timestamp: \(timestamp)",
                    "webhook-signature: \(Self.signature(id: message.key, timestamp: timestamp, body: body, key: key))",
                    "User-Agent: overdue",
                ], body: body, caFile: settings.caFile,
                connectTimeoutMilliseconds: min(settings.timeoutSeconds, 10) * 1000,
                timeoutMilliseconds: settings.timeoutSeconds * 1000))
        } catch {
            completion(.permanent(code: 0, detail: "cannot set up the request: \(error)"))
            return
        }
        multi.add(easy) { [self] result in
            let outcome = Self.classify(result, now: clock())
            logger.deliveryAttempt(message, channel: "webhook", url: settings.url, codeKey: "http.status", result: result, outcome: outcome)
            if case .disabled = outcome { lock.withLock { gone = outcome } }
            completion(outcome)
        }
    }

    static func classify(_ result: Result<CurlResponse, CurlError>, now: Date) -> DeliveryOutcome {
        switch result {
        case .failure(let error):
            // Receivers drop duplicates by webhook-id, so even a request that
            // may have arrived is safe to send again.
            return .transient(code: error.responseCode, detail: error.description, notBefore: nil)
        case .success(let response):
            let code = response.statusCode
            let detail = "HTTP \(code) \(HTTPOutcome.bodyText(response))".trimmingCharacters(in: .whitespaces)
            switch code {
            case 200..<300: return .sent(code: code, id: nil, detail: detail)
            case 401: return .channelDown(code: code, detail: "the endpoint refused our credentials (401): check [channels.webhook] url and secret_file; webhooks are paused and sent again once it accepts")
            case 410: return .disabled(code: code, detail: "the endpoint answered 410 Gone; webhooks are off until the configuration is reloaded")
            case 429, 408, 500..<600:
                return .transient(code: code, detail: detail, notBefore: HTTPOutcome.retryAfter(response, now: now))
            case 300..<400:
                return .permanent(code: code, detail: "redirects are not followed: point [channels.webhook].url at \(response.header("Location") ?? "the final address")")
            default: return .permanent(code: code, detail: detail)
            }
        }
    }
}

extension WebhookTransport.SecretProblem: OverdueError {
    public var code: ErrorCode { .webhookSecretInvalid }
}
