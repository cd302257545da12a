import Foundation
import OverdueCore

/// One line of the delivery log.
public struct LogEntry: Sendable {
    public var time: Date
    /// `ingested`, `rejected`, `sent`, `deferred`, `failed`, `suppressed`, `paid`, …
    public var event: String
    /// Everything else: `file`, `record`, `invoice`, `customer`, `key`, `channel`, …
    public var fields: [String: JSONValue]

    public init(time: Date, event: String, fields: [String: JSONValue] = [:]) {
        self.time = time
        self.event = event
        self.fields = fields
    }
}

/// The delivery log: `log/YYYY-MM-DD.jsonl` (UTC days), one JSON object a
/// line with `time` and `event` first, readable with `less` and `jq`.
/// Appends are group-committed: one fdatasync per day file per batch.
/// Not Sendable: owned by the pipeline on its one work queue, which the compiler checks.
public final class EventLog {
    public let directory: URL
    private var journals: [String: AppendJournal] = [:]
    private let lock = NSLock()

    public init(directory: URL) {
        self.directory = directory
    }

    public func append(_ entries: [LogEntry]) throws {
        guard !entries.isEmpty else { return }
        lock.lock()
        defer { lock.unlock() }
        var byDay: [String: [[UInt8]]] = [:]
        for entry in entries {
            byDay[Timestamp.utcDay(entry.time), default: []].append(line(entry))
        }
        for (day, lines) in byDay.sorted(by: { $0.key < $1.key }) {
            try journal(for: day).append(lines)
        }
    }

    func line(_ entry: LogEntry) -> [UInt8] {
        var fields = entry.fields
        fields["time"] = nil
        fields["event"] = nil
        // "time" and "event" first, so a person reading the file sees them first.
        var out = Array(#"{"time":"\#(Timestamp.format(entry.time))","event":"#.utf8)
        JSONLine.writeString(entry.event, into: &out)
        if !fields.isEmpty { out.append(UInt8(ascii: ",")) }
        JSONLine.writeMembers(fields, into: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }

    private func journal(for day: String) throws -> AppendJournal {
        if let journal = journals[day] { return journal }
        let journal = try AppendJournal(url: directory.appendingPathComponent("\(day).jsonl"))
        journals = [day: journal]  // keep only the current day's file open
        return journal
    }

    /// Every entry in the log, oldest first, as JSON objects.
    public static func read(directory: URL, sinceDay: String? = nil) throws -> [[String: JSONValue]] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".jsonl") && !$0.hasPrefix(".") }
            .filter { sinceDay == nil || $0 >= sinceDay! + ".jsonl" }
            .sorted()
        let decoder = JSONDecoder()
        var entries: [[String: JSONValue]] = []
        for name in names {
            for line in try AppendJournal.lines(of: directory.appendingPathComponent(name)) {
                if case .object(let object) = try decoder.decode(JSONValue.self, from: Data(line)) { entries.append(object) }
            }
        }
        return entries
    }
}
