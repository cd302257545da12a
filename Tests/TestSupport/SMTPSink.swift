import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Postfix's `smtp-sink` on 127.0.0.1, with its fault flags (e.g. ["-r",
/// "RCPT"] for 4xx on RCPT, ["-Q", "DATA"] for 421 and a disconnect). Needs
/// Debian's `postfix` package (scripts/setup-deps.sh installs it).
public final class SMTPSink: @unchecked Sendable {
    public let port: Int
    private let process: Process

    public static let path = "/usr/sbin/smtp-sink"
    public static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: path) }

    public init(flags: [String] = []) throws {
        port = Self.freePort()
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.path)
        // As root smtp-sink must drop privileges (-u).
        process.arguments = (getuid() == 0 ? ["-u", "nobody"] : []) + flags + ["127.0.0.1:\(port)", "64"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Bounded wait until it accepts connections.
        for _ in 0..<100 {
            if Self.canConnect(port) { return }
            Thread.sleep(forTimeInterval: 0.02)
        }
        kill(process.processIdentifier, SIGKILL)
        throw LoopbackServer.ServerError(message: "smtp-sink did not start on port \(port)")
    }

    deinit {
        // smtp-sink ignores SIGTERM: stop it for good.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func canConnect(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}
