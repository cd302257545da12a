import Curl
import Foundation

/// Shared reading of HTTP answers for webhooks and SMS gateways.
enum HTTPOutcome {
    /// The longest wait a peer's `Retry-After` may ask for: a gateway that
    /// says "9999-12-31" must not park a delivery for ever; after this the
    /// delivery is tried again, and `retry_lifetime_hours` ends it.
    static let maxRetryAfter: TimeInterval = 86_400

    /// `Retry-After` as seconds or an HTTP date (RFC 9110 §10.2.3), clamped
    /// to between now and `maxRetryAfter` from now.
    static func retryAfter(_ response: CurlResponse, now: Date = Date()) -> Date? {
        guard let value = response.header("Retry-After")?.trimmingCharacters(in: .whitespaces) else { return nil }
        return retryAfter(value, now: now)
    }

    static func retryAfter(_ value: String, now: Date) -> Date? {
        let clamp = { (wait: TimeInterval) in now.addingTimeInterval(max(0, min(wait, maxRetryAfter))) }
        if let seconds = Double(value), seconds.isFinite { return clamp(seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: value).map { clamp($0.timeIntervalSince(now)) }
    }

    /// A curl failure before any answer: was the request possibly received?
    /// Connecting failed → certainly not; a timeout or broken connection
    /// after the body went out → maybe.
    static func requestMayHaveArrived(_ error: CurlError, bodySize: Int) -> Bool {
        if error.neverConnected { return false }
        return error.bytesSent >= bodySize && error.answerLost
    }

    /// The start of an answer's body for the log's `detail`: one line of
    /// printable text, at most 200 characters (a gateway's body may echo
    /// tokens or the whole request; the log needs only the error).
    static func bodyText(_ response: CurlResponse) -> String { bodyText(response.body) }

    /// One pass over the scalars (it runs for every answer, so no regex):
    /// controls and runs of white space become one space, none at the ends.
    static func bodyText(_ body: [UInt8]) -> String {
        guard !body.isEmpty else { return "" }
        var scalars = String.UnicodeScalarView()
        var space = false
        for scalar in String(decoding: body.prefix(800), as: UTF8.self).unicodeScalars {
            if scalar.properties.isWhitespace || scalar.properties.generalCategory == .control {
                space = !scalars.isEmpty
                continue
            }
            if space { scalars.append(" ") }
            space = false
            scalars.append(scalar)
        }
        let text = String(scalars)
        return text.count > 200 ? String(text.prefix(199)) + "…" : text
    }
}
