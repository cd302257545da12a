import Foundation
import OverdueCore

/// Every message that went out, one JSON line each, in
/// `ledger/sent.jsonl`: the planner's "what was already sent". Appended a
/// batch at a time (one fdatasync), replayed into a `DeliveryHistory` at start.
public final class SentJournal: @unchecked Sendable {
    private let journal: AppendJournal
    private let encoder = JSONEncoder.journalLine()

    public static func url(_ spool: Spool) -> URL { spool.ledger.appendingPathComponent("sent.jsonl") }

    public init(spool: Spool) throws {
        journal = try AppendJournal(url: Self.url(spool))
    }

    struct Line: Codable {
        var key: String
        var customer: String
        var channel: String
        var recipient: String
        var stage: String
        var items: [ReminderItem]
        var time: String
    }

    public func append(_ messages: [SentMessage]) throws {
        try journal.append(messages.map { message in
            Array(try encoder.encode(Line(
                key: message.key, customer: message.customer, channel: message.channel.rawValue,
                recipient: message.recipient, stage: message.stage, items: message.items,
                time: Timestamp.format(message.time))))
        })
    }

    public static func replay(spool: Spool) throws -> DeliveryHistory {
        var history = DeliveryHistory()
        let decoder = JSONDecoder()
        for (index, line) in try AppendJournal.lines(of: url(spool)).enumerated() {
            guard let decoded = try? decoder.decode(Line.self, from: Data(line)),
                  let channel = Channel(rawValue: decoded.channel), let time = Timestamp.parse(decoded.time)
            else {
                throw LedgerCorruption(path: url(spool).path, line: index + 1, reason: "not a sent-message record")
            }
            history.record(SentMessage(key: decoded.key, customer: decoded.customer, channel: channel,
                                       recipient: decoded.recipient, stage: decoded.stage, items: decoded.items, time: time))
        }
        return history
    }
}
