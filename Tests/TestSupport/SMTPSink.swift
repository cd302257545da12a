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
        port = try FreePort.find()
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.path)
        // As root smtp-sink must drop privileges (-u).
        process.arguments = (getuid() == 0 ? ["-u", "nobody"] : []) + flags + ["127.0.0.1:\(port)", "64"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Bounded wait until it accepts connections.
        for _ in 0..<100 {
            if FreePort.accepts(port) { return }
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
}
