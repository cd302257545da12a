import Foundation

/// The daemon's own log (stderr, swift-log's stream format:
/// `… level overdue : key=value … [Module] message`), written to a file by
/// a test and read back in order, so a test asserts what happened before
/// what instead of how long it took.
public struct DaemonLog {
    public let file: URL

    public init(directory: URL) {
        file = directory.appendingPathComponent("daemon.log")
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
    }

    /// Where the daemon's stderr goes.
    public func handle() throws -> FileHandle { try FileHandle(forWritingTo: file) }

    /// The lines so far, in the order they were written.
    public var lines: [String] {
        ((try? String(contentsOf: file, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// The message of a line: what follows the source module (the last
    /// "] ": the daemon's messages hold none, metadata values might).
    public static func message(_ line: String) -> String {
        line.range(of: "] ", options: .backwards).map { String(line[$0.upperBound...]) } ?? line
    }

    /// The indices of the lines whose message is `message` (and that hold
    /// every one of `fields`, e.g. "pass.reason=start").
    public func indices(_ message: String, _ fields: String...) -> [Int] {
        let lines = lines
        return lines.indices.filter { index in
            Self.message(lines[index]) == message && fields.allSatisfy { lines[index].contains($0) }
        }
    }

    /// A graceful shutdown's lines: `stopping`, and `stopped` once the sends
    /// in flight are done (there is none when the grace period ran out).
    public var shutdown: (stopping: Int, stopped: Int)? {
        guard let stopping = indices("stopping: finishing the sends in flight").first, let stopped = indices("stopped").first else { return nil }
        return (stopping, stopped)
    }

    /// The environment that keeps the daemon on the stream format (not the journal's).
    public static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        environment["JOURNAL_STREAM"] = nil
        return environment
    }
}
