import Curl
import Logging

extension Logger {
    /// Every transport's debug line for one delivery attempt: a constant
    /// message, the facts as dotted metadata. Never a credential: the URL is
    /// `CurlRequest.redacted` (no user, password or query); bodies and
    /// headers, where tokens travel, are not logged.
    /// - Parameter codeKey: the peer's answer, by protocol: "smtp.code" or "http.status".
    func deliveryAttempt(_ message: OutgoingMessage, channel: String, url: String, codeKey: String,
                         result: Result<CurlResponse, CurlError>, outcome: DeliveryOutcome) {
        let (curlCode, answer, seconds) = switch result {
        case .success(let response): (0, response.statusCode, response.transferSeconds)
        case .failure(let error): (error.code, error.responseCode, error.transferSeconds)
        }
        debug("delivery attempt", metadata: [
            "delivery.key": "\(message.key)", "transport.channel": "\(channel)", "transport.url": "\(CurlRequest.redacted(url))",
            "delivery.outcome": "\(outcome.event)", "\(codeKey)": "\(answer)", "curl.code": "\(curlCode)",
            "transfer.seconds": "\(seconds)",
        ])
    }
}

extension Logger {
    /// The logger a transport built without one gets (tests, tools): the
    /// process-wide swift-log handler under "overdue.transport".
    public static var transportDefault: Logger { Logger(label: "overdue.transport") }
}
