import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A datagram socket standing in for systemd's notify socket: collects what
/// the daemon sends to `$NOTIFY_SOCKET`. `abstract` binds in the abstract
/// namespace ("@name"), else at a path.
public final class NotifySocket: @unchecked Sendable {
    public let address: String
    private let fd: Int32
    private let lock = NSLock()
    private var received: [(Date, String)] = []
    private var reader: Thread?

    public init(abstract: Bool) throws {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        self.fd = fd
        var socketAddress = sockaddr_un()
        socketAddress.sun_family = sa_family_t(AF_UNIX)
        let name = abstract ? "@overdue-test-\(UUID().uuidString.prefix(8))"
            : FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(UUID().uuidString.prefix(8)).sock").path
        var bytes = Array(name.utf8)
        if abstract { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &socketAddress.sun_path) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = byte }
        }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + bytes.count + (abstract ? 0 : 1))
        address = name
        let result = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard result == 0 else { throw LoopbackServer.ServerError(message: "bind notify socket: errno \(errno)") }
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let thread = Thread { [unowned self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !Thread.current.isCancelled {
                let count = buffer.withUnsafeMutableBytes { recv(self.fd, $0.baseAddress, $0.count, 0) }
                if count > 0 {
                    let text = String(decoding: buffer[..<count], as: UTF8.self)
                    self.lock.withLock { self.received.append((Date(), text)) }
                }
            }
        }
        reader = thread
        thread.start()
    }

    deinit {
        reader?.cancel()
        Thread.sleep(forTimeInterval: 0.15)
        close(fd)
    }

    public var messages: [(time: Date, text: String)] { lock.withLock { received } }

    /// Waits (bounded) until a message satisfying `match` arrived.
    @discardableResult
    public func wait(for match: (String) -> Bool, timeout: TimeInterval = 10) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if messages.contains(where: { match($0.text) }) { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }
}
