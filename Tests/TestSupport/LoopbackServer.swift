import Foundation
import Synchronization

/// A real server on 127.0.0.1, run from one of the Python scripts in
/// `servers/` for the length of a test. It records what it receives into
/// `outputDirectory` and stops when this object goes away (its stdin closes).
public final class LoopbackServer: @unchecked Sendable {
    public let port: Int
    public let outputDirectory: URL
    private let process: Process
    private let stdin: Pipe

    public enum Kind: String { case smtp = "smtp_server.py", http = "http_server.py" }

    public init(_ kind: Kind, arguments: [String] = []) throws {
        let script = Bundle.module.url(forResource: "servers/\(kind.rawValue)", withExtension: nil)!
        outputDirectory = try TemporaryDirectory.make(prefix: "overdue-\(kind)")
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = TestPython.arguments([script.path, outputDirectory.path] + arguments)
        stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        // Bounded wait for the "PORT n" line.
        var line = ""
        let handle = stdout.fileHandleForReading
        while !line.hasSuffix("\n") {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            line += String(decoding: chunk, as: UTF8.self)
        }
        guard line.hasPrefix("PORT "), let port = Int(line.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            process.terminate()
            throw ServerError(message: "\(kind.rawValue) did not start (is aiosmtpd installed? run scripts/test.sh): \(line)")
        }
        self.port = port
    }

    deinit { stop() }

    public func stop() {
        guard process.isRunning else { return }
        try? stdin.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    /// Files the server wrote with this extension, sorted by name; waits up to
    /// `timeout` for at least `count` of them.
    public func received(withExtension ext: String, atLeast count: Int = 0, timeout: TimeInterval = 10) -> [URL] {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let files = ((try? FileManager.default.contentsOfDirectory(at: outputDirectory, includingPropertiesForKeys: nil)) ?? [])
                .filter { $0.pathExtension == ext }
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
            if files.count >= count || Date() > deadline { return files }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    public struct ServerError: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }
}

/// The helper scripts next to the servers (e.g. check_mail.py).
public enum TestScripts {
    public static func url(_ name: String) -> URL {
        Bundle.module.url(forResource: "servers/\(name)", withExtension: nil)!
    }
}

/// Directories for one test run, removed when the test process exits
/// (set OVERDUE_KEEP_TEST_DIRS=1 to keep them for a look after a failure).
public enum TemporaryDirectory {
    public static func make(prefix: String = "overdue-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        made.withLock { list in
            if list.isEmpty, ProcessInfo.processInfo.environment["OVERDUE_KEEP_TEST_DIRS"] == nil {
                atexit { TemporaryDirectory.removeAll() }
            }
            list.append(url.path)
        }
        return url
    }

    private static let made = Mutex<[String]>([])

    static func removeAll() {
        for path in made.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: path) }
    }
}
