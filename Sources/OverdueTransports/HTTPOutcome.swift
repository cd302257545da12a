import CCurl
import Curl
import Foundation

/// Shared reading of HTTP answers for webhooks and SMS gateways.
enum HTTPOutcome {
    /// `Retry-After` as seconds or an HTTP date (RFC 9110 §10.2.3).
    static func retryAfter(_ response: CurlResponse, now: Date = Date()) -> Date? {
        guard let value = response.header("Retry-After")?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Int(value) { return now.addingTimeInterval(Double(max(0, min(seconds, 86_400)))) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: value)
    }

    /// A curl failure before any answer: was the request possibly received?
    /// Connecting failed → certainly not; a timeout or broken connection
    /// after the body went out → maybe.
    static func requestMayHaveArrived(_ error: CurlError, bodySize: Int) -> Bool {
        let notConnected = [CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY,
                            CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION].map { Int($0.rawValue) }
        if notConnected.contains(error.code) { return false }
        return error.bytesSent >= bodySize && (error.isTimeout || error.code == Int(CURLE_RECV_ERROR.rawValue)
            || error.code == Int(CURLE_GOT_NOTHING.rawValue) || error.code == Int(CURLE_PARTIAL_FILE.rawValue))
    }

    static func bodyText(_ response: CurlResponse) -> String {
        String(decoding: response.body.prefix(500), as: UTF8.self).replacingOccurrences(of: "\n", with: " ")
    }
}
