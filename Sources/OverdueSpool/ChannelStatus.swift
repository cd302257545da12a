import Foundation

/// `run/channels.json`: the channels the delivery queue paused (credentials
/// refused, relay unreachable), as `overdue status` shows them; a channel
/// leaves it at its next accepted message.
public struct ChannelStatus: Codable, Sendable, Equatable {
    public struct Pause: Codable, Sendable, Equatable {
        public var since: Date
        public var until: Date
        public var reason: String

        public init(since: Date, until: Date, reason: String) {
            self.since = since
            self.until = until
            self.reason = reason
        }
    }

    /// By channel name ("email", "sms", "webhook").
    public var paused: [String: Pause] = [:]

    public init() {}

    public static func url(_ spool: Spool) -> URL { spool.run.appendingPathComponent("channels.json") }

    public static func read(_ spool: Spool) -> ChannelStatus {
        guard let data = try? Data(contentsOf: url(spool)) else { return ChannelStatus() }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return (try? decoder.decode(ChannelStatus.self, from: data)) ?? ChannelStatus()
    }

    public func write(_ spool: Spool) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try DurableIO.writeAtomically(Array(try encoder.encode(self)), to: Self.url(spool))
    }
}
