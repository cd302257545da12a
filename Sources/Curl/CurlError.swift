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

    public init(code: CURLcode, osErrno: Int32 = 0, detail: String = "") {
        self.code = Int(code.rawValue)
        self.isMultiError = false
        self.osErrno = osErrno
        self.detail = detail
    }

    public init(multiCode: CURLMcode) {
        self.code = Int(multiCode.rawValue)
        self.isMultiError = true
        self.osErrno = 0
        self.detail = ""
    }

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
