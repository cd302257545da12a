import Foundation

/// `run/feedback.json`: the mailbox's last poll, as `overdue status` shows it.
public struct FeedbackStatus: Codable, Sendable {
    public var lastPoll: Date
    public var lastSuccess: Date?
    public var error: String?
    public var failures = 0
    public var nextPoll: Date?
    public var read = 0
    public var unmatched = 0

    package init(lastPoll: Date) { self.lastPoll = lastPoll }

    public static func url(_ spool: Spool) -> URL { spool.run.appendingPathComponent("feedback.json") }

    public static func read(_ url: URL) -> FeedbackStatus? {
        guard let data = try? Data(contentsOf: url) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(FeedbackStatus.self, from: data)
    }

    package func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try DurableIO.writeAtomically(Array(try encoder.encode(self)), to: url)
    }
}
