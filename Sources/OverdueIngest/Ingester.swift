import Crypto
import Foundation
import Logging
import OverdueConfig
import OverdueCore
import OverdueSpool

/// What one pass over the inbox did.
public struct IngestSummary: Sendable, Equatable {
    public var files = 0
    public var accepted = 0
    public var rejected = 0
    public var duplicateFiles = 0
    /// Files left in the inbox because the spool could not be written
    /// (disk full, permissions): the next pass tries them again.
    public var failedFiles = 0
    /// Inbox files the daemon cannot read (permissions): they wait for a
    /// person, are logged once each, and are not retried every 15 s.
    public var unreadable: [StuckInboxFile] = []
    /// `retry` events accepted in this pass (nil: every failed delivery),
    /// for the pipeline to re-queue in the delivery journal.
    public var retries: [String?] = []
    /// Deliveries a signed delivery report says bounced after the relay
    /// accepted them (key, reason): the pass journals them as `bounced`.
    public var bouncedDeliveries: [BouncedDelivery] = []
}

/// inbox → ledger. Reads each complete inbox file, applies the good records
/// to the ledger, writes the bad ones to `rejected/` with reasons, archives
/// the original, and logs one line per record.
///
/// Crash safety, in the order of the steps: rejected records are written
/// first under names derived from the file's digest (rewriting them is
/// harmless); then the accepted records and a commit line go to the ledger
/// journal in one fsync; then the log; then the file leaves the inbox. A file
/// found in the inbox whose digest is already committed was interrupted after
/// its commit and is only archived, so nothing is applied twice.
public final class Ingester {
    let spool: Spool
    let config: Config
    package let store: LedgerStore
    let log: EventLog
    let logger: Logger
    let clock: OverdueClock
    public internal(set) var ledger: Ledger
    var committed: [String: CommittedFile]
    package var committedFiles: [String: CommittedFile] { committed }
    let parser: InboxFileParser
    let documents: DocumentStore
    /// Unreadable inbox files already logged ("name|mtime").
    private var reportedStuck: Set<String> = []
    /// Called with each inbox file's URL just before it is opened: where a
    /// test renames a symlink, a FIFO or a huge file over the listed name.
    package var beforeOpening: ((URL) -> Void)?
    /// Called with each inbox file's URL once its bytes are read: where a
    /// test replaces the file before it is moved out of the inbox.
    package var afterReading: ((URL) -> Void)?

    public init(spool: Spool, config: Config, store: LedgerStore, ledger: Ledger, committed: [String: CommittedFile],
                log: EventLog, logger: Logger, clock: OverdueClock) {
        self.spool = spool
        self.config = config
        self.store = store
        self.ledger = ledger
        self.committed = committed
        self.log = log
        self.logger = logger
        self.clock = clock
        parser = InboxFileParser(defaultTermsDays: config.schedule.defaultTermsDays)
        documents = DocumentStore(spool: spool)
    }

    /// Reads every file now in the inbox. A file that cannot be processed
    /// because of an I/O error stays in the inbox for the next pass.
    public func ingestInbox(skipping beingWritten: Set<String> = []) -> IngestSummary {
        var summary = IngestSummary()
        var spoolInfo = stat()
        let owner = stat(spool.root.path, &spoolInfo) == 0 ? (uid: spoolInfo.st_uid, gid: spoolInfo.st_gid) : nil
        for entry in InboxFiles.list(spool.inbox) where !beingWritten.contains(entry.name) {
            if let owner, let reason = InboxFiles.unreadable(entry, ownerUID: owner.uid, spoolGID: owner.gid) {
                let stuck = StuckInboxFile(name: entry.name, since: entry.modified, reason: reason)
                summary.unreadable.append(stuck)
                reportOnce(stuck)
                continue
            }
            do {
                if let stuck = try ingest(entry, owner: owner, into: &summary) {
                    summary.unreadable.append(stuck)
                    reportOnce(stuck)
                } else {
                    summary.files += 1
                }
            } catch {
                summary.failedFiles += 1
                logger.error("could not process inbox file; it stays in the inbox for the next pass",
                             metadata: ["inbox.file": "\(entry.name)", "error.detail": "\(error)"])
            }
        }
        return summary
    }

    /// One log line per unreadable file (and version of it), not one a pass.
    private func reportOnce(_ stuck: StuckInboxFile) {
        guard reportedStuck.insert("\(stuck.name)|\(stuck.since.timeIntervalSince1970)").inserted else { return }
        logger.error("inbox file cannot be read; it waits in the inbox", metadata: ["inbox.file": "\(stuck.name)", "inbox.reason": "\(stuck.reason)"])
        try? log.append([LogEntry(time: clock.now(), event: "unreadable", fields: [
            "file": .string(stuck.name), "field": .string("file"), "detail": .string(stuck.reason),
        ])])
    }

    /// The records a pass would take from the files now in the inbox, in
    /// its order, without touching anything: `overdue preview` shows what
    /// the daemon would send after reading them. Files already read (by
    /// digest), too large or unreadable give nothing.
    package static func peek(spool: Spool, config: Config, committed: [String: CommittedFile]) -> (files: Int, records: [InboxRecord]) {
        let parser = InboxFileParser(defaultTermsDays: config.schedule.defaultTermsDays)
        var files = 0
        var records: [InboxRecord] = []
        for entry in InboxFiles.list(spool.inbox) where entry.isRegular {
            // The daemon's own bounded read: no link followed, no FIFO waited on, nothing past the size limit.
            guard case .read(let bytes, _)? = try? InboxFileReader.read(entry, limit: config.inbox.maxFileBytes, owner: nil),
                  committed[sha256(bytes)] == nil else { continue }
            let parsed: [ParsedRecord]
            if InboxPDF.isPDF(name: entry.name, bytes: bytes) {
                guard case .einvoice(_, _, let records) = InboxPDF.read(bytes, fileName: entry.name, parser: parser) else { continue }
                parsed = records
            } else {
                guard case .records(_, _, let records) = parser.parse(bytes, fileName: entry.name) else { continue }
                parsed = records
            }
            files += 1
            let numbers = InvoiceNumbersInFile(parsed)
            for (index, record) in parsed.enumerated() {
                // As a pass takes them: rows sharing a number with other fields are rejected, a repeated row taken once.
                guard case .accepted(let accepted) = record.outcome, numbers.conflict(at: index) == nil,
                      numbers.earlierRow(repeatedAt: index) == nil else { continue }
                if let policy = accepted.policyName, !config.definesPolicy(policy) { continue }
                records.append(accepted)
            }
        }
        return (files, records)
    }

    /// One inbox file; a file the daemon may not read is returned, not read.
    private func ingest(_ listed: InboxFiles.Entry, owner: (uid: uid_t, gid: gid_t)?,
                        into summary: inout IngestSummary) throws -> StuckInboxFile? {
        let now = clock.now()
        var entry = listed
        beforeOpening?(entry.url)
        let bytes: [UInt8]
        switch try InboxFileReader.read(entry, limit: config.inbox.maxFileBytes, owner: owner) {
        case .vanished:
            return nil  // taken away meanwhile
        case .stuck(let reason):
            return StuckInboxFile(name: entry.name, since: entry.modified, reason: reason)
        case .refused(let reason, let seen):
            // Named by what was found, so the same refusal rewrites the same files.
            let digest = Self.sha256(Array("\(entry.name)|\(seen.mode)|\(seen.size)|\(entry.modified.timeIntervalSince1970)".utf8))
            try rejectWholeFile(seen, digest: digest, reason: reason, now: now)
            summary.rejected += 1
            return nil
        case .read(let read, let seen):
            bytes = read
            entry = seen  // the file as its descriptor describes it: the one to move
            afterReading?(entry.url)
        }
        let digest = Self.sha256(bytes)
        if let earlier = committed[digest] {
            try take(entry, to: archiveURL(for: entry.name, digest: digest, now: now), now: now)
            try log.append([LogEntry(time: now, event: "duplicate", fields: [
                "file": .string(entry.name), "sha256": .string(digest),
                "detail": .string("same content as \(earlier.file), ingested at \(earlier.time); nothing applied again"),
            ])])
            logger.notice("inbox file is a copy of one already ingested; archived without applying it again",
                          metadata: ["inbox.file": "\(entry.name)", "ingested.first": "\(earlier.time)"])
            summary.duplicateFiles += 1
            return nil
        }

        if InboxPDF.isPDF(name: entry.name, bytes: bytes) {
            try ingestPDF(entry, bytes: bytes, digest: digest, now: now, summary: &summary)
            return nil
        }
        switch parser.parse(bytes, fileName: entry.name) {
        case .unreadable(let reason):
            try rejectWholeFile(entry, digest: digest, reason: reason, now: now)
            summary.rejected += 1
        case .records(let format, let header, let records):
            try ingestRecords(records, format: format, header: header, entry: entry, digest: digest, now: now,
                              summary: &summary)
        case .statement(let statement):
            try ingestStatement(statement, entry: entry, digest: digest, now: now, summary: &summary)
        }
        return nil
    }

    /// The bad records in the file's own format, and a `.error` naming each
    /// record, field and fix. Names come from the digest, so a redo after a
    /// crash rewrites the same files.
    func writeRejectedRecords(_ rejected: [(record: ParsedRecord, problems: [FieldProblem])], of total: Int,
                                      format: InboxFormat, header: String?, entry: InboxFiles.Entry, digest: String,
                                      now: Date) throws {
        guard !rejected.isEmpty else { return }
        let name = InboxFiles.spoolName(digest: digest, original: entry.name)
        // Written back in the form they came in, so the fixed file reads
        // as the original did: one object stays an object, an array an
        // array, JSON Lines lines, CSV rows under their header.
        let singleObject = format == .json && total == 1 && rejected.first?.record.line == 1
        let recordsName = rejectedRecordsName(name, format: format)
        let body: String = switch format {
        case .json where singleObject: rejected[0].record.raw
        case .json: "[\n" + rejected.map(\.record.raw).joined(separator: ",\n") + "\n]"
        default: ((header.map { [$0] } ?? []) + rejected.map(\.record.raw)).joined(separator: "\n")
        }
        try DurableIO.writeAtomically(Array((body.hasSuffix("\n") ? body : body + "\n").utf8),
                                      to: spool.rejected.appendingPathComponent(recordsName))
        let accepted = total - rejected.count
        var report = "overdue did not accept \(rejected.count) of the \(total) record\(total == 1 ? "" : "s") in \(entry.name) (sha256 \(digest)), at \(Timestamp.format(now)).\n"
        if accepted > 0 { report += "The other \(accepted) record\(accepted == 1 ? " was" : "s were") accepted. " }
        report += "The rejected record\(rejected.count == 1 ? " is" : "s are") in \(recordsName) beside this file:\n"
        report += "fix \(rejected.count == 1 ? "it" : "them") there and move that file into the inbox again.\n\n"
        for (record, problems) in rejected {
            // "line 7 (record 6)" where the two differ and say something; a
            // one-record file needs no record number.
            let place = total == 1 || record.position == "record \(record.number)" ? record.position
                : "\(record.position) (record \(record.number))"
            for problem in problems { report += "\(entry.name): \(place): \(problem)\n" }
        }
        try DurableIO.writeAtomically(Array(report.utf8), to: spool.rejected.appendingPathComponent(name + ".error"))
    }

    /// What the ledger changed since the last call (the incremental planner's input).
    package func takeLedgerChanges() -> LedgerChanges { ledger.takeChanges() }

    /// Records events that did not come from the inbox (a gateway's opt-out
    /// report) the same durable way: one ledger batch and its log lines.
    public func record(_ events: [LedgerEvent], source: String) throws {
        let now = clock.now()
        var undo = Ledger.Undo()
        var accepted: [(number: Int, record: InboxRecord)] = []
        for (index, event) in events.enumerated() where ledger.apply(.event(event), undo: &undo) == nil {
            accepted.append((index + 1, .event(event)))
        }
        let digest = Self.sha256(Array("\(source)|\(Timestamp.format(now))|\(events)".utf8))
        do {
            try store.commit(accepted, file: source, digest: digest, rejected: 0, time: now)
        } catch {
            ledger.revert(undo)
            throw error
        }
        try log.append(accepted.map { _, record in
            LogEntry(time: now, event: "ingested", fields: [
                "file": .string(source), "record_type": .string(Self.recordType(record)), "detail": .string("\(record)"),
            ])
        })
    }

    /// The whole file goes to `rejected/` with a `.error` beside it.
    func rejectWholeFile(_ entry: InboxFiles.Entry, digest: String, reason: String, now: Date) throws {
        let name = InboxFiles.spoolName(digest: digest, original: entry.name)
        let report = "overdue did not accept \(entry.name), at \(Timestamp.format(now)): \(reason).\n"
            + "The file is \(name) beside this one; fix it and move it into the inbox again.\n"
        try DurableIO.writeAtomically(Array(report.utf8), to: spool.rejected.appendingPathComponent(name + ".error"))
        try log.append([LogEntry(time: now, event: "rejected", fields: [
            "file": .string(entry.name), "field": .string("file"), "detail": .string(reason),
        ])])
        try take(entry, to: spool.rejected.appendingPathComponent(name), now: now)
        logger.warning("rejected inbox file", metadata: ["inbox.file": "\(entry.name)", "inbox.reason": "\(reason)"])
    }

    private func rejectedRecordsName(_ name: String, format: InboxFormat) -> String {
        let base = (name as NSString).deletingPathExtension
        let ext = switch format {
        case .csv: "csv"
        case .xml: "xml"
        case .json: "json"
        case .jsonLines: "jsonl"
        }
        return "\(base).rejected.\(ext)"
    }

    func archiveURL(for original: String, digest: String, now: Date) -> URL {
        let stamp = Timestamp.format(now).prefix(19).replacingOccurrences(of: ":", with: "")
        return spool.archive.appendingPathComponent("\(stamp)Z-\(InboxFiles.spoolName(digest: digest, original: original))")
    }

    static func sha256(_ bytes: [UInt8]) -> String {
        Hex.lowercase(SHA256.hash(data: bytes))
    }
}
