import Foundation

/// The exact bytes of every message sent, the record of each communication:
/// `messages/YYYY-MM-DD.txt` (UTC days), each message preceded by a line
/// `=== KEY CHANNEL BYTES` and followed by a newline, so `less` and `grep`
/// read it. Appended a batch at a time with one fdatasync; one file per
/// message would make file creation, not the network, the bottleneck.
/// Used by the one pass that dispatches; not shared across threads.
public final class MessageArchive {
    public let directory: URL
    private var current: (day: String, journal: AppendJournal)?

    public init(directory: URL) {
        self.directory = directory
    }

    public struct Entry: Sendable {
        public var key: String
        public var channel: String
        public var bytes: [UInt8]

        public init(key: String, channel: String, bytes: [UInt8]) {
            self.key = key
            self.channel = channel
            self.bytes = bytes
        }
    }

    public func append(_ entries: [Entry], at time: Date) throws {
        guard !entries.isEmpty else { return }
        let day = Timestamp.utcDay(time)
        if current?.day != day {
            current = (day, try AppendJournal(url: directory.appendingPathComponent("\(day).txt")))
        }
        // Each entry is header line + body; AppendJournal adds the final newline.
        try current!.journal.append(entries.map { Array("=== \($0.key) \($0.channel) \($0.bytes.count)\n".utf8) + $0.bytes })
    }

    /// The bytes kept under `key`, searching the newest day first.
    public static func find(_ key: String, in directory: URL) throws -> [UInt8]? {
        try find(keys: [key], in: directory)[key]
    }

    /// The bytes kept under each of `keys` (the newest copy), in one pass
    /// over the archive.
    public static func find(keys: Set<String>, in directory: URL) throws -> [String: [UInt8]] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".txt") }.sorted(by: >)
        var found: [String: [UInt8]] = [:]
        for name in names where found.count < keys.count {
            guard let bytes = try DurableIO.read(directory.appendingPathComponent(name)) else { continue }
            var inFile: [String: [UInt8]] = [:]
            var offset = 0
            while offset < bytes.count {
                guard let newline = bytes[offset...].firstIndex(of: UInt8(ascii: "\n")) else { break }
                // "=== KEY CHANNEL BYTES"
                let fields = bytes[offset..<newline].split(separator: UInt8(ascii: " "))
                guard fields.count == 4, let length = Int(String(decoding: fields[3], as: UTF8.self)) else { break }
                let start = newline + 1
                let end = min(bytes.count, start + length)
                let key = String(decoding: fields[1], as: UTF8.self)
                if keys.contains(key), found[key] == nil { inFile[key] = Array(bytes[start..<end]) }  // the last in a file wins
                offset = end + 1
            }
            found.merge(inFile) { newer, _ in newer }
        }
        return found
    }
}
