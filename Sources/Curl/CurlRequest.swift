import Foundation

/// What one transfer should do. A plain value, so transports can build it on
/// any thread and hand it to an `EasyHandle`.
public struct CurlRequest: Sendable {
    /// How TLS is required on protocols that upgrade (SMTP STARTTLS).
    public enum TLSUpgrade: Sendable {
        case none, required
    }

    public var url: String
    /// Schemes this transfer may use (`CURLOPT_PROTOCOLS_STR`, libcurl ≥ 7.85).
    public var allowedProtocols: String
    /// HTTP method; `nil` means GET, or POST when `body` is set.
    public var method: String?
    /// Raw header lines, e.g. "Content-Type: application/json".
    public var headers: [String]
    /// Request body: the POST body for HTTP, the message for SMTP.
    public var body: [UInt8]?
    /// SMTP envelope.
    public var mailFrom: String?
    public var mailRecipients: [String]
    public var username: String?
    public var password: String?
    public var tls: TLSUpgrade
    public var caFile: String?
    public var verifyPeer: Bool
    public var connectTimeoutMilliseconds: Int
    public var timeoutMilliseconds: Int
    /// Response bodies beyond this are dropped, so a hostile peer cannot make us
    /// buffer without bound.
    public var maxResponseBytes: Int

    public init(
        url: String,
        allowedProtocols: String = "http,https",
        method: String? = nil,
        headers: [String] = [],
        body: [UInt8]? = nil,
        mailFrom: String? = nil,
        mailRecipients: [String] = [],
        username: String? = nil,
        password: String? = nil,
        tls: TLSUpgrade = .none,
        caFile: String? = nil,
        verifyPeer: Bool = true,
        connectTimeoutMilliseconds: Int = 10_000,
        timeoutMilliseconds: Int = 30_000,
        maxResponseBytes: Int = 1 << 20
    ) {
        self.url = url
        self.allowedProtocols = allowedProtocols
        self.method = method
        self.headers = headers
        self.body = body
        self.mailFrom = mailFrom
        self.mailRecipients = mailRecipients
        self.username = username
        self.password = password
        self.tls = tls
        self.caFile = caFile
        self.verifyPeer = verifyPeer
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
        self.timeoutMilliseconds = timeoutMilliseconds
        self.maxResponseBytes = maxResponseBytes
    }

    /// The URL as logs may show it: no user, password, query or fragment
    /// (where a gateway's token or a webhook's signature key may sit).
    public var redactedURL: String { Self.redacted(url) }

    public static func redacted(_ url: String) -> String {
        guard var parts = URLComponents(string: url) else { return "(unparsable URL)" }
        parts.user = nil
        parts.password = nil
        parts.query = nil
        parts.fragment = nil
        return parts.string ?? "(unparsable URL)"
    }
}

/// What came back. For SMTP `statusCode` is the last server reply code
/// (`CURLINFO_RESPONSE_CODE`), e.g. 250 after a delivered message.
public struct CurlResponse: Sendable {
    public var statusCode: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Every line the server sent outside the body: HTTP status and header
    /// lines, or for SMTP each server reply ("250 2.0.0 OK: queued as …").
    public var serverLines: [String] = []
    /// How long the transfer took, connecting included (`CURLINFO_TOTAL_TIME_T`).
    public var transferSeconds: Double = 0

    /// The first header of that name (case-insensitive), if any.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}
