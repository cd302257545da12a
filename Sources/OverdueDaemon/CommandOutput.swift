import Foundation
import OverdueCore

/// What a CLI command prints on standard output. The library makes it, so a
/// command in `Sources/overdue` only parses its options, calls one function
/// and prints this (docs/ARCHITECTURE.md, "A CLI command").
public struct CommandOutput: Sendable, Equatable {
    /// Lines for standard output, each printed with a newline.
    public var lines: [String]
    /// Exact bytes written instead of lines (`preview --raw`): no newline added.
    public var raw: [UInt8]?

    public init(lines: [String] = [], raw: [UInt8]? = nil) {
        self.lines = lines
        self.raw = raw
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
    /// See `OverdueError` for the codes in use.
    public var code: String
    public var description: String

    public init(code: String, _ description: String) {
        self.code = code
        self.description = description
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
