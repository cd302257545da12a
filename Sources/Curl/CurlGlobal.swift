import CCurl

/// `curl_global_init` must run exactly once, before any other libcurl call and
/// while no other thread uses libcurl. A `static let` gives us Swift's
/// thread-safe lazy initialisation for free.
public enum CurlGlobal {
    private static let initResult: CURLcode = curl_global_init(Int(CURL_GLOBAL_ALL))

    /// Runs `curl_global_init` on first call; later calls are free.
    static func ensureInitialized() {
        precondition(initResult == CURLE_OK, "curl_global_init failed: \(initResult.rawValue)")
    }
}
