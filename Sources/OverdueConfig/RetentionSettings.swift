import Foundation

/// `[retention]`: how many days each spool directory keeps its files, per
/// directory; a key left out keeps them for ever (the default). Applied
/// once a day by the daemon and by every `run --once`.
///
/// There is no key for the ledger journal or the delivery journal: they are
/// the record (every invoice, payment and letter, which tax law and a
/// dispute in court may need for years) and the state a restart replays;
/// pruning them would change what the daemon decides. `overdue forget`
/// erases one customer's data from them instead.
public struct RetentionSettings: Sendable, Equatable {
    /// `messages/YYYY-MM-DD.txt`: the exact bytes of each message sent.
    public var messagesDays: Int?
    /// `mail/`: the embedded Maildir (by each file's modification time).
    public var mailDays: Int?
    /// `log/YYYY-MM-DD.jsonl`: the delivery log.
    public var logDays: Int?
    /// `archive/`: inbox files after they were read (by the day in their name).
    public var archiveDays: Int?
    /// `rejected/`: refused files and records with their `.error` (by modification time).
    public var rejectedDays: Int?

    public init() {}

    public var isEmpty: Bool { [messagesDays, mailDays, logDays, archiveDays, rejectedDays].allSatisfy { $0 == nil } }
}

extension ConfigSections {
    /// Days from 1 to 36500 (a hundred years: the longest a country keeps
    /// books is 10); absent, kept for ever.
    func readRetention(_ table: TableReader) -> RetentionSettings {
        var settings = RetentionSettings()
        func days(_ name: String) -> Int? {
            let days = table.int(name, default: 0, range: 1...36_500,
                                 expected: "days from 1 to 36500; leave it out to keep these files for ever")
            return days > 0 ? days : nil
        }
        settings.messagesDays = days("messages_days")
        settings.mailDays = days("mail_days")
        settings.logDays = days("log_days")
        settings.archiveDays = days("archive_days")
        settings.rejectedDays = days("rejected_days")
        table.finish()
        return settings
    }
}
