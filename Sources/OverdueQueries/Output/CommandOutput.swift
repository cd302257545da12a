import Foundation
import OverdueCore

/// What a CLI command prints on standard output. The library makes it, so a
/// command in `Sources/overdue` only parses its options, calls one function
/// and prints this (docs/ARCHITECTURE.md, "A CLI command").
public struct CommandOutput: Sendable {
    /// Lines for standard output, each printed with a newline.
    public var lines: [String]
    /// Exact bytes written instead of lines (`preview --raw`): no newline added.
    public var raw: [UInt8]?
    /// Problems printed on standard error after the lines; any makes the
    /// command exit 1 (`check` lists every problem, `handoff` the debtors it
    /// could not hand off, after the ones it did).
    public var failures: [CommandFailure]

    public init(lines: [String] = [], raw: [UInt8]? = nil, failures: [CommandFailure] = []) {
        self.lines = lines
        self.raw = raw
        self.failures = failures
    }

    public mutating func append(_ line: String) { lines.append(line) }

    /// `--json` output: one document.
    public static func json(_ value: JSONValue) throws -> CommandOutput {
        CommandOutput(lines: [try value.prettyPrinted()])
    }
}

/// A command that cannot do what was asked, for a reason the person can fix
/// (a key nobody waits under, a spool not made yet). The CLI prints it with
/// its code and exits 1.
public struct CommandFailure: OverdueError {
    public var code: ErrorCode
    public var description: String

    public init(code: ErrorCode, _ description: String) {
        self.code = code
        self.description = description
    }

    /// Any error as a failure to print after output already made: its own
    /// code when it has one.
    public init(_ error: any Error) {
        self.init(code: (error as? any OverdueError)?.code ?? .failed, "\(error)")
    }
}

extension JSONValue {
    /// The `--json` form: pretty, keys sorted, slashes as they are.
    public func prettyPrinted() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
