import CCurl
import Glibc

/// A failed libcurl call, with everything needed to explain it to a user:
/// the curl code and its text, the OS errno of the last socket call, and the
/// transfer's own error buffer (usually the most specific message).
public struct CurlError: Error, Sendable, CustomStringConvertible {
    /// `CURLcode` (or `CURLMcode` when `isMultiError`) as an integer.
    public let code: Int
    public let isMultiError: Bool
    /// `CURLINFO_OS_ERRNO` of the transfer, 0 when unknown.
    public let osErrno: Int32
    /// The `CURLOPT_ERRORBUFFER` text, empty when curl left none.
    public let detail: String
    /// The last response code the server sent (`CURLINFO_RESPONSE_CODE`):
    /// an SMTP reply such as 550, or an HTTP status; 0 if none came.
    public let responseCode: Int
    /// The server's reply lines (SMTP responses, HTTP header lines), for
    /// the exact reason such as "550 5.1.1 No such user here".
    public let serverLines: [String]
    /// Request body bytes sent before the failure (`CURLINFO_SIZE_UPLOAD_T`).
    public let bytesSent: Int
    /// How long the transfer ran before it failed (`CURLINFO_TOTAL_TIME_T`).
    public internal(set) var transferSeconds: Double = 0

    public init(code: CURLcode, osErrno: Int32 = 0, detail: String = "", responseCode: Int = 0, serverLines: [String] = [],
                bytesSent: Int = 0) {
        self.code = Int(code.rawValue)
        self.isMultiError = false
        self.osErrno = osErrno
        self.detail = detail
        self.responseCode = responseCode
        self.serverLines = serverLines
        self.bytesSent = bytesSent
    }

    public init(multiCode: CURLMcode) {
        self.code = Int(multiCode.rawValue)
        self.isMultiError = true
        self.osErrno = 0
        self.detail = ""
        self.responseCode = 0
        self.serverLines = []
        self.bytesSent = 0
    }

    /// Whether the transfer stopped because it took too long.
    public var isTimeout: Bool { !isMultiError && code == Int(CURLE_OPERATION_TIMEDOUT.rawValue) }

    // What a failure means for the caller, decided here once: the transports
    // ask these instead of comparing libcurl's codes themselves.

    private func isOne(of codes: CURLcode...) -> Bool { !isMultiError && codes.contains { Int($0.rawValue) == code } }

    /// The server refused the user and password (SMTP AUTH, IMAP LOGIN).
    public var isLoginDenied: Bool { isOne(of: CURLE_LOGIN_DENIED) }
    /// TLS was required (STARTTLS) and the server does not offer it.
    public var isTLSUnavailable: Bool { isOne(of: CURLE_USE_SSL_FAILED) }
    /// The TLS handshake or the server's certificate failed.
    public var isTLSFailure: Bool { isOne(of: CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CONNECT_ERROR) }
    /// No connection was made at all: nothing of the request can have arrived.
    public var neverConnected: Bool {
        isOne(of: CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_SSL_CONNECT_ERROR,
              CURLE_PEER_FAILED_VERIFICATION)
    }
    /// The connection broke or went quiet while waiting for the answer: a
    /// request fully sent may have been received.
    public var answerLost: Bool { isTimeout || isOne(of: CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE) }

    /// libcurl's generic text for the code, e.g. "Couldn't connect to server".
    public var summary: String {
        if isMultiError {
            return String(cString: curl_multi_strerror(CURLMcode(rawValue: Int32(code))))
        }
        return String(cString: curl_easy_strerror(CURLcode(rawValue: UInt32(code))))
    }

    public var description: String {
        var text = isMultiError ? "curl multi error \(code): \(summary)" : "curl error \(code): \(summary)"
        if !detail.isEmpty, detail != summary { text += " (\(detail))" }
        if osErrno != 0 { text += " [errno \(osErrno): \(String(cString: strerror(osErrno)))]" }
        return text
    }

    /// Errors where trying again later may succeed (network trouble, timeouts),
    /// as opposed to misconfiguration such as a malformed URL.
    public var isTransient: Bool {
        guard !isMultiError else { return false }
        switch CURLcode(rawValue: UInt32(code)) {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT,
             CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE,
             CURLE_SSL_CONNECT_ERROR, CURLE_AGAIN:
            return true
        default:
            return false
        }
    }
}

/// Throws a `CurlError` for anything but `CURLE_OK`.
@inline(__always)
func check(_ code: CURLcode) throws(CurlError) {
    if code != CURLE_OK { throw CurlError(code: code) }
}

@inline(__always)
func check(_ code: CURLMcode) throws(CurlError) {
    if code != CURLM_OK { throw CurlError(multiCode: code) }
}
