import Foundation
import Logging

/// Log lines for journald: under systemd (`$JOURNAL_STREAM` set) stderr is
/// read by journald, which takes a "<N>" syslog priority prefix as the
/// line's level; the timestamp is left to the journal. Otherwise swift-log's
/// stream handler is used unchanged.
struct JournalLogHandler: LogHandler {
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    let label: String

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let text = "<\(Self.priority(event.level))>\(event.message)\(fields.isEmpty ? "" : " " + fields)"
            .replacingOccurrences(of: "\n", with: " ") + "\n"
        FileHandle.standardError.write(Data(text.utf8))
    }
}
