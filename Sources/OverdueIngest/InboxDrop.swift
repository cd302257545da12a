import Foundation
import OverdueConfig
import OverdueCore
import OverdueSpool

/// How the CLI records a decision (opt-out, call made, hand-off): it drops
/// events into the inbox exactly as a file from the accounting system would,
/// so one writer, the daemon, changes the ledger; a running daemon applies
/// them at once, otherwise the next `overdue run` does, before it plans.
public enum InboxDrop {
    public struct NoInbox: Error, CustomStringConvertible {
        public var path: String
        public var description: String { "no inbox at \(path); run `overdue run --once` once to create the spool" }
    }

    /// Writes the events as JSON Lines under a dot-name, then renames the
    /// file into the inbox, so the daemon never sees half a file. Returns
    /// the file's name.
    @discardableResult
    public static func drop(_ events: [LedgerEvent], kind: String, spool: Spool, name chosen: String? = nil) throws -> String {
        try drop(events.map(InboxRecord.event), kind: kind, spool: spool, name: chosen)
    }

    /// `drop` for any inbox records (approvals, customer records); `name`
    /// fixes the file's name (the feedback reader's, derived from content).
    @discardableResult
    public static func drop(_ records: [InboxRecord], kind: String, spool: Spool, name chosen: String? = nil) throws -> String {
        guard FileManager.default.fileExists(atPath: spool.inbox.path) else { throw NoInbox(path: spool.inbox.path) }
        let encoder = JSONEncoder.journalLine()
        var bytes: [UInt8] = []
        for record in records {
            bytes += try encoder.encode(JSONValue.object(RecordEncoder.object(record)))
            bytes.append(UInt8(ascii: "\n"))
        }
        let name = chosen ?? "cli-\(kind)-\(UUID().uuidString.prefix(8).lowercased()).jsonl"
        let temp = spool.inbox.appendingPathComponent(".\(name)")
        try DurableIO.writeAtomically(bytes, to: temp)
        try DurableIO.move(temp, to: spool.inbox.appendingPathComponent(name))
        return name
    }

    /// How the CLI drops: as the spool's owner (root switches to it; the
    /// finance team's group, which may drop, stays itself), into the spool
    /// the configuration names. Returns the file's name.
    @discardableResult
    public static func dropAsSpoolOwner(_ records: [InboxRecord], kind: String, config: Config) throws -> String {
        try SpoolOwnership.adopt(spoolDirectory: config.spool.dir, othersMayDrop: true)
        return try drop(records, kind: kind, spool: Spool(root: config.spool.dir))
    }
}

extension InboxDrop.NoInbox: OverdueError {
    public var code: ErrorCode { .spoolNoInbox }
}
