import Foundation

/// Which missing invoice PDFs the log has already reported: a reminder sent
/// without the PDF its invoice names says so once, not at every stage.
/// `ledger/document-notices.jsonl`, one line per invoice and file name.
/// Not Sendable: owned by the dispatcher on the work queue.
public final class DocumentNotices {
    private let journal: AppendJournal
    private var told: Set<String>

    public static func url(_ spool: Spool) -> URL { spool.ledger.appendingPathComponent("document-notices.jsonl") }

    struct Line: Codable {
        var invoice: String
        var document: String
        var time: String
    }

    public init(spool: Spool) throws {
        let url = Self.url(spool)
        let decoder = JSONDecoder()
        told = Set(try AppendJournal.lines(of: url).compactMap { line in
            (try? decoder.decode(Line.self, from: Data(line))).map { "\($0.invoice)|\($0.document)" }
        })
        journal = try AppendJournal(url: url)
    }

    /// Of these (invoice, file name) pairs, the ones not reported before;
    /// they are recorded as reported.
    public func firstNotices(_ missing: [(invoice: String, name: String)], at time: Date) throws -> [(invoice: String, name: String)] {
        let fresh = missing.filter { !told.contains("\($0.invoice)|\($0.name)") }
        guard !fresh.isEmpty else { return [] }
        let encoder = JSONEncoder.journalLine()
        try journal.append(try fresh.map { Array(try encoder.encode(Line(invoice: $0.invoice, document: $0.name, time: Timestamp.format(time)))) })
        for notice in fresh { told.insert("\(notice.invoice)|\(notice.name)") }
        return fresh
    }
}
