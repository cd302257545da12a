import CCurl
import Dispatch
import Foundation
import Logging

/// Many concurrent transfers on one curl multi handle, driven by Dispatch:
/// a read/write `DispatchSource` per socket curl asks us to watch and one
/// timer for curl's timeouts (the design of swift-corelibs-foundation's
/// `MultiHandle.swift`). Connections are pooled by the multi handle, so
/// consecutive transfers to one server reuse them.
///
/// Every libcurl call happens on `queue`, which is what makes the
/// `@unchecked Sendable` sound.
public final class MultiHandle: @unchecked Sendable {
    public typealias Completion = @Sendable (Result<CurlResponse, CurlError>) -> Void

    private let raw: UnsafeMutableRawPointer
    private let queue: DispatchQueue
    /// One timer for the multi's life, re-scheduled rather than re-created:
    /// curl moves its deadline several times per transfer, and creating and
    /// cancelling a source each time was a visible share of dispatch's CPU.
    private var timer: DispatchSourceTimer?
    private var sockets: [curl_socket_t: SocketSources] = [:]
    private var transfers: [UnsafeMutableRawPointer: (easy: EasyHandle, completion: Completion)] = [:]
    private let logger: Logger

    /// - Parameter maxConnectionsPerHost: 0 = unlimited; transfers beyond the
    ///   limit wait in curl's queue.
    /// - Parameter logger: each finished transfer is logged to it at debug.
    public init(label: String = "overdue.curl.multi", maxConnectionsPerHost: Int = 0, logger: Logger = Logger(label: "overdue.curl")) {
        CurlGlobal.ensureInitialized()
        self.logger = logger
        guard let handle = curl_multi_init() else { fatalError("curl_multi_init returned NULL (out of memory)") }
        raw = handle
        queue = DispatchQueue(label: label)
        let userdata = Unmanaged.passUnretained(self).toOpaque()
        _ = ccurl_multi_setopt_pointer(raw, CURLMOPT_SOCKETDATA, userdata)
        _ = ccurl_multi_setopt_socket_callback(raw) { _, socket, what, userdata, _ in
            let multi = Unmanaged<MultiHandle>.fromOpaque(userdata!).takeUnretainedValue()
            multi.watch(socket: socket, what: what)
            return 0
        }
        _ = ccurl_multi_setopt_pointer(raw, CURLMOPT_TIMERDATA, userdata)
        _ = ccurl_multi_setopt_timer_callback(raw) { _, timeoutMilliseconds, userdata in
            let multi = Unmanaged<MultiHandle>.fromOpaque(userdata!).takeUnretainedValue()
            multi.armTimer(milliseconds: timeoutMilliseconds)
            return 0
        }
        if maxConnectionsPerHost > 0 {
            _ = ccurl_multi_setopt_long(raw, CURLMOPT_MAX_HOST_CONNECTIONS, maxConnectionsPerHost)
        }
    }

    deinit {
        // Transfers hold no reference to the multi, so nothing is in flight here
        // unless the owner dropped it mid-transfer; clean up what is left.
        for (pointer, _) in transfers { curl_multi_remove_handle(raw, pointer) }
        for (_, sources) in sockets { sources.cancel() }
        timer?.cancel()
        curl_multi_cleanup(raw)
    }

    /// Starts `easy` (already configured) and calls `completion` on the
    /// multi's queue when it ends. The multi keeps `easy` alive until then.
    public func add(_ easy: EasyHandle, completion: @escaping Completion) {
        queue.async {
            self.transfers[easy.raw] = (easy, completion)
            let code = curl_multi_add_handle(self.raw, easy.raw)
            if code != CURLM_OK {
                self.transfers[easy.raw] = nil
                completion(.failure(CurlError(multiCode: code)))
            }
            // curl now calls the timer callback with 0 to kick the transfer off.
        }
    }

    /// Runs one configured transfer to completion.
    func perform(_ easy: EasyHandle) async throws(CurlError) -> CurlResponse {
        let result = await withCheckedContinuation { continuation in
            add(easy) { continuation.resume(returning: $0) }
        }
        return try result.get()
    }

    /// Number of transfers not yet completed.
    public var activeTransfers: Int {
        queue.sync { transfers.count }
    }

    // MARK: driving curl (all on `queue`)

    private func socketAction(_ socket: curl_socket_t, _ events: Int32) {
        var running: Int32 = 0
        _ = curl_multi_socket_action(raw, socket, events, &running)
        collectFinished()
    }

    private func collectFinished() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(raw, &remaining) {
            guard ccurl_msg_kind(message) == CURLMSG_DONE, let pointer = ccurl_msg_easy(message) else { continue }
            let code = ccurl_msg_result(message)
            curl_multi_remove_handle(raw, pointer)
            guard let transfer = transfers.removeValue(forKey: pointer) else { continue }
            let result = Result { () throws(CurlError) in try transfer.easy.finish(code) }
            log(result, url: transfer.easy.redactedURL)
            transfer.completion(result)
        }
    }

    /// One line per transfer, whatever the protocol; the transport that asked
    /// for it logs what the answer means.
    private func log(_ result: Result<CurlResponse, CurlError>, url: String) {
        let (curlCode, responseCode, seconds) = switch result {
        case .success(let response): (0, response.statusCode, response.transferSeconds)
        case .failure(let error): (error.code, error.responseCode, error.transferSeconds)
        }
        logger.debug("curl transfer finished", metadata: [
            "transport.url": "\(url)", "curl.code": "\(curlCode)", "curl.response_code": "\(responseCode)",
            "transfer.seconds": "\(seconds)",
        ])
    }

    /// CURLMOPT_SOCKETFUNCTION: curl tells us which events it wants on a socket.
    private func watch(socket: curl_socket_t, what: Int32) {
        if what == CURL_POLL_REMOVE {
            sockets.removeValue(forKey: socket)?.cancel()
            return
        }
        let sources = sockets[socket] ?? SocketSources()
        sockets[socket] = sources
        let wantsRead = what == CURL_POLL_IN || what == CURL_POLL_INOUT
        let wantsWrite = what == CURL_POLL_OUT || what == CURL_POLL_INOUT
        sources.update(
            socket: socket, read: wantsRead, write: wantsWrite, queue: queue,
            onRead: { [unowned self] in self.socketAction(socket, CURL_CSELECT_IN) },
            onWrite: { [unowned self] in self.socketAction(socket, CURL_CSELECT_OUT) }
        )
    }

    /// CURLMOPT_TIMERFUNCTION: -1 = no timeout, 0 = act now (but not from
    /// inside this callback), > 0 = call back after that many milliseconds.
    private func armTimer(milliseconds: Int) {
        let source: DispatchSourceTimer
        if let timer {
            source = timer
        } else {
            source = DispatchSource.makeTimerSource(queue: queue)
            source.setEventHandler { [unowned self] in
                self.timer?.schedule(deadline: .distantFuture)
                self.socketAction(CURL_SOCKET_TIMEOUT, 0)
            }
            timer = source
            source.schedule(deadline: .distantFuture)
            source.resume()
        }
        source.schedule(deadline: milliseconds >= 0 ? .now() + .milliseconds(milliseconds) : .distantFuture)
    }
}

/// The Dispatch sources watching one socket for curl.
private final class SocketSources {
    private var read: (any DispatchSourceProtocol)?
    private var write: (any DispatchSourceProtocol)?

    func update(
        socket: curl_socket_t, read wantsRead: Bool, write wantsWrite: Bool, queue: DispatchQueue,
        onRead: @escaping () -> Void, onWrite: @escaping () -> Void
    ) {
        Self.reconcile(&read, wanted: wantsRead, handler: onRead) {
            DispatchSource.makeReadSource(fileDescriptor: socket, queue: queue)
        }
        Self.reconcile(&write, wanted: wantsWrite, handler: onWrite) {
            DispatchSource.makeWriteSource(fileDescriptor: socket, queue: queue)
        }
    }

    /// Starts a source if it is wanted and missing; cancels it if unwanted.
    private static func reconcile(
        _ source: inout (any DispatchSourceProtocol)?, wanted: Bool, handler: @escaping () -> Void,
        make: () -> any DispatchSourceProtocol
    ) {
        if wanted, source == nil {
            let made = make()
            made.setEventHandler(handler: handler)
            made.resume()
            source = made
        } else if !wanted, let existing = source {
            existing.cancel()
            source = nil
        }
    }

    func cancel() {
        read?.cancel()
        write?.cancel()
        read = nil
        write = nil
    }
}
