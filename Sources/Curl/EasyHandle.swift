import CCurl
import Foundation

/// One libcurl easy handle. Reusable: `configure` resets it for the next
/// request while keeping its open connections, so a loop of sends reuses one
/// SMTP session.
///
/// Not thread-safe: it is used by one thread at a time (the caller, or the
/// `MultiHandle`'s queue while it is added there), hence `@unchecked Sendable`.
public final class EasyHandle: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var recipientList: UnsafeMutablePointer<curl_slist>?

    // Transfer state touched by the C callbacks.
    private var uploadBody: [UInt8] = []
    private var uploadOffset = 0
    private var responseBody: [UInt8] = []
    private var responseHeaders: [(name: String, value: String)] = []
    private var serverLines: [String] = []
    private var maxResponseBytes = 1 << 20
    /// The configured URL without credentials, for the transfer's log line.
    public private(set) var redactedURL = ""

    public init() {
        CurlGlobal.ensureInitialized()
        guard let handle = curl_easy_init() else { fatalError("curl_easy_init returned NULL (out of memory)") }
        raw = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        curl_easy_cleanup(raw)
        curl_slist_free_all(headerList)
        curl_slist_free_all(recipientList)
        errorBuffer.deallocate()
    }

    /// Prepares the handle for `request`, replacing every earlier option.
    public func configure(_ request: CurlRequest) throws(CurlError) {
        curl_easy_reset(raw)
        curl_slist_free_all(headerList)
        curl_slist_free_all(recipientList)
        headerList = nil
        recipientList = nil
        errorBuffer[0] = 0
        uploadBody = request.body ?? []
        uploadOffset = 0
        responseBody = []
        responseHeaders = []
        serverLines = []
        maxResponseBytes = request.maxResponseBytes
        redactedURL = request.redactedURL

        let userdata = Unmanaged.passUnretained(self).toOpaque()
        try set(CURLOPT_ERRORBUFFER, pointer: errorBuffer)
        // Signals are not safe in a multi-threaded daemon; timeouts then rely on
        // the threaded resolver, which Debian's libcurl uses.
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_URL, request.url)
        try set(CURLOPT_PROTOCOLS_STR, request.allowedProtocols)
        try set(CURLOPT_FOLLOWLOCATION, 0)
        try set(CURLOPT_CONNECTTIMEOUT_MS, request.connectTimeoutMilliseconds)
        try set(CURLOPT_TIMEOUT_MS, request.timeoutMilliseconds)
        try set(CURLOPT_SSL_VERIFYPEER, request.verifyPeer ? 1 : 0)
        try set(CURLOPT_SSL_VERIFYHOST, request.verifyPeer ? 2 : 0)
        if let caFile = request.caFile { try set(CURLOPT_CAINFO, caFile) }
        switch request.tls {
        case .none: break
        case .required: try set(CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))
        }
        if let username = request.username { try set(CURLOPT_USERNAME, username) }
        if let password = request.password { try set(CURLOPT_PASSWORD, password) }

        try check(ccurl_easy_setopt_pointer(raw, CURLOPT_WRITEDATA, userdata))
        try check(ccurl_easy_setopt_data_callback(raw, CURLOPT_WRITEFUNCTION) { buffer, size, count, userdata in
            let handle = Unmanaged<EasyHandle>.fromOpaque(userdata!).takeUnretainedValue()
            return handle.received(buffer!, size * count)
        })
        try check(ccurl_easy_setopt_pointer(raw, CURLOPT_HEADERDATA, userdata))
        try check(ccurl_easy_setopt_data_callback(raw, CURLOPT_HEADERFUNCTION) { buffer, size, count, userdata in
            let handle = Unmanaged<EasyHandle>.fromOpaque(userdata!).takeUnretainedValue()
            handle.receivedHeader(buffer!, size * count)
            return size * count
        })

        if let body = request.body {
            try check(ccurl_easy_setopt_pointer(raw, CURLOPT_READDATA, userdata))
            try check(ccurl_easy_setopt_data_callback(raw, CURLOPT_READFUNCTION) { buffer, size, count, userdata in
                let handle = Unmanaged<EasyHandle>.fromOpaque(userdata!).takeUnretainedValue()
                return handle.send(into: buffer!, size * count)
            })
            if request.mailFrom != nil || request.url.hasPrefix("smtp") {
                try set(CURLOPT_UPLOAD, 1)
                try check(ccurl_easy_setopt_off_t(raw, CURLOPT_INFILESIZE_LARGE, curl_off_t(body.count)))
            } else {
                try set(CURLOPT_POST, 1)
                try check(ccurl_easy_setopt_off_t(raw, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
            }
        }
        if let method = request.method { try set(CURLOPT_CUSTOMREQUEST, method) }
        if let mailFrom = request.mailFrom { try set(CURLOPT_MAIL_FROM, mailFrom) }
        if !request.mailRecipients.isEmpty {
            for recipient in request.mailRecipients { recipientList = curl_slist_append(recipientList, recipient) }
            try check(ccurl_easy_setopt_slist(raw, CURLOPT_MAIL_RCPT, recipientList))
        }
        // "Expect:" stops curl from waiting for 100-continue on larger bodies.
        for line in request.headers + (request.body != nil && request.mailFrom == nil ? ["Expect:"] : []) {
            headerList = curl_slist_append(headerList, line)
        }
        if headerList != nil { try check(ccurl_easy_setopt_slist(raw, CURLOPT_HTTPHEADER, headerList)) }
    }

    /// Runs the configured transfer on the calling thread.
    public func perform() throws(CurlError) -> CurlResponse {
        let code = curl_easy_perform(raw)
        return try finish(code)
    }

    /// Turns the transfer's final code into a response or a rich error.
    func finish(_ code: CURLcode) throws(CurlError) -> CurlResponse {
        var status = 0
        var microseconds: curl_off_t = 0
        _ = ccurl_easy_getinfo_long(raw, CURLINFO_RESPONSE_CODE, &status)
        _ = ccurl_easy_getinfo_off_t(raw, CURLINFO_TOTAL_TIME_T, &microseconds)
        let seconds = Double(microseconds) / 1_000_000
        guard code == CURLE_OK else {
            var osErrno = 0
            var uploaded: curl_off_t = 0
            _ = ccurl_easy_getinfo_long(raw, CURLINFO_OS_ERRNO, &osErrno)
            _ = ccurl_easy_getinfo_off_t(raw, CURLINFO_SIZE_UPLOAD_T, &uploaded)
            var error = CurlError(code: code, osErrno: Int32(osErrno), detail: String(cString: errorBuffer), responseCode: status,
                                  serverLines: serverLines, bytesSent: Int(uploaded))
            error.transferSeconds = seconds
            throw error
        }
        return CurlResponse(statusCode: status, headers: responseHeaders, body: responseBody,
                            serverLines: serverLines, transferSeconds: seconds)
    }

    // MARK: option setters

    func set(_ option: CURLoption, _ value: Int) throws(CurlError) {
        try check(ccurl_easy_setopt_long(raw, option, value))
    }

    func set(_ option: CURLoption, _ value: String) throws(CurlError) {
        // CURLOPT string options are copied by libcurl (since 7.17.0).
        try check(ccurl_easy_setopt_string(raw, option, value))
    }

    func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) throws(CurlError) {
        try check(ccurl_easy_setopt_pointer(raw, option, pointer))
    }

    // MARK: callbacks

    private func received(_ buffer: UnsafeMutablePointer<CChar>, _ count: Int) -> Int {
        let room = max(0, maxResponseBytes - responseBody.count)
        buffer.withMemoryRebound(to: UInt8.self, capacity: count) {
            responseBody.append(contentsOf: UnsafeBufferPointer(start: $0, count: min(room, count)))
        }
        return count
    }

    static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> Slice<UnsafeBufferPointer<UInt8>> {
        func isSpace(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 || byte == 10 || byte == 13 }
        var start = bytes.startIndex, end = bytes.endIndex
        while start < end, isSpace(bytes[start]) { start += 1 }
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        return bytes[start..<end]
    }

    private func receivedHeader(_ buffer: UnsafeMutablePointer<CChar>, _ count: Int) {
        // Trimmed on bytes (CR, LF, space, tab): this runs for every
        // header line of every transfer, and Foundation's trimming is slow.
        let line = buffer.withMemoryRebound(to: UInt8.self, capacity: count) {
            String(decoding: Self.trimmed(UnsafeBufferPointer(start: $0, count: count)), as: UTF8.self)
        }
        if !line.isEmpty, serverLines.count < 200 { serverLines.append(line) }
        if line.hasPrefix("HTTP/") {
            responseHeaders = []  // a new response (after 100 Continue or a redirect)
        } else if let colon = line.utf8.firstIndex(of: UInt8(ascii: ":")) {
            let name = String(line[..<colon])
            let value = line.utf8[line.utf8.index(after: colon)...].withContiguousStorageIfAvailable {
                String(decoding: Self.trimmed($0), as: UTF8.self)
            } ?? String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            responseHeaders.append((name, value))
        }
    }

    private func send(into buffer: UnsafeMutablePointer<CChar>, _ capacity: Int) -> Int {
        let count = min(capacity, uploadBody.count - uploadOffset)
        guard count > 0 else { return 0 }
        uploadBody.withUnsafeBytes { bytes in
            UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress! + uploadOffset, byteCount: count)
        }
        uploadOffset += count
        return count
    }
}
