import Foundation
import OverdueCore
#if canImport(Glibc)
import Glibc
#endif

/// What the journal says about one ingested inbox file.
public struct CommittedFile: Sendable {
    public var digest: String
    public var file: String
    public var time: String
    public var accepted: Int
    public var rejected: Int

    public init(digest: String, file: String, time: String, accepted: Int, rejected: Int) {
        self.digest = digest
        self.file = file
        self.time = time
        self.accepted = accepted
        self.rejected = rejected
    }
}

/// The ledger on disk: `ledger/journal.jsonl`, every accepted record in the
/// inbox format, in batches that each end with a commit line naming the
/// inbox file (by SHA-256) they came from. A batch is one write and one
/// fdatasync, so a file's records are in the ledger all together or not at
/// all, and a file seen again after a crash is recognised by its digest.
/// Not Sendable: owned by the pipeline on its one work queue, which the compiler checks.
public final class LedgerStore {
    private let journal: AppendJournal
    private let encoder = JSONEncoder.journalLine()

    public init(spool: Spool) throws {
        journal = try AppendJournal(url: spool.ledgerJournal)
    }

    /// The writer's start (the pipeline's, holding the spool lock): the
    /// ledger as of the last commit line, and the journal cut back to that
    /// line. Record lines after it belong to a batch a crash (or a power
    /// cut) stopped before its commit line: it was never acknowledged and
    /// its inbox file is still there to be taken again, so those lines must
    /// not stay for the next batch's commit line to take in (a payment
    /// applied twice, and a ledger in memory that differs from a replay).
    public static func openForWriting(spool: Spool) throws -> (store: LedgerStore, ledger: Ledger, files: [String: CommittedFile]) {
        let state = try replayState(spool: spool)
        let store = try LedgerStore(spool: spool)
        try store.journal.cutBack(to: state.committedOffset)
        return (store, state.ledger, state.files)
    }

    static let commitPrefix = Array(#"{"accepted":"#.utf8)
    /// Invoice records start so (sorted keys: "amount" comes first in the data).
    static let invoicePrefix = Array(#"{"data":{"amount":"#.utf8)

    struct RecordLine: Codable {
        var time: String
        var file: String
        var record: Int
        var data: JSONValue
    }

    struct CommitLine: Codable, Sendable {
        var time: String
        var commit: String
        var file: String
        var accepted: Int
        var rejected: Int
        /// A file that is payment data whatever it applied: written by the
        /// statements of earlier versions (now `statement_*`), still read so
        /// their journals replay as they were. Never written any more.
        var paymentData: Bool?
        /// A bank statement's account and the instant its credits are known
        /// up to (the end of its period, at most `time`): the guard's clock
        /// for that account. Absent in older lines and for other files.
        var statementAccount: String?
        var statementUntil: String?

        enum CodingKeys: String, CodingKey {
            case time, commit, file, accepted, rejected
            case paymentData = "payment_data"
            case statementAccount = "statement_account"
            case statementUntil = "statement_until"
        }
    }

    /// What a bank statement tells the stale feed guard: its account, and up to when.
    public struct StatementFreshness: Sendable {
        public var account: String
        public var until: Date
        public init(account: String, until: Date) {
            self.account = account
            self.until = until
        }
    }

    /// Durably appends one inbox file's accepted records and its commit line.
    public func commit(_ records: [(number: Int, record: InboxRecord)], file: String, digest: String,
                       rejected: Int, time: Date, statement: StatementFreshness? = nil) throws {
        let stamp = Timestamp.format(time)
        var lines: [[UInt8]] = []
        lines.reserveCapacity(records.count + 1)
        for (number, record) in records {
            // The same line as `RecordLine` through JSONEncoder, written directly (ingest's hot path).
            lines.append(JSONLine.bytes(.object([
                "data": .object(RecordEncoder.object(record)), "file": .string(file),
                "record": .number(Decimal(number)), "time": .string(stamp),
            ])))
        }
        let commit = CommitLine(time: stamp, commit: digest, file: file, accepted: records.count, rejected: rejected,
                                paymentData: nil, statementAccount: statement?.account,
                                statementUntil: statement.map { Timestamp.format($0.until) })
        lines.append(Array(try encoder.encode(commit)))
        try journal.append(lines)
    }

    /// The ledger as of the last commit, and the files committed so far:
    /// from the snapshot (`LedgerSnapshot`) and the journal after it when
    /// the snapshot checks out, else (or with `usingSnapshot` false) from
    /// the whole journal.
    public static func replay(spool: Spool, windowBytes: Int = JournalWindowReader.defaultWindowBytes, usingSnapshot: Bool = true) throws
        -> (ledger: Ledger, files: [String: CommittedFile]) {
        let state = try replayState(spool: spool, windowBytes: windowBytes, usingSnapshot: usingSnapshot)
        return (state.ledger, state.files)
    }

    /// `replay`, with the offset just past the last commit line applied.
    static func replayState(spool: Spool, windowBytes: Int = JournalWindowReader.defaultWindowBytes, usingSnapshot: Bool = true) throws
        -> ReplayState {
        var state = (usingSnapshot ? LedgerSnapshot.restore(spool: spool) : nil) ?? ReplayState()
        try replayJournal(spool: spool, into: &state, windowBytes: windowBytes)
        return state
    }

    /// What replaying the journal builds, and how far into it the last commit line ends.
    struct ReplayState {
        var ledger = Ledger()
        var files: [String: CommittedFile] = [:]
        /// The journal offset just past the last commit line applied.
        var committedOffset = 0
    }

    /// Applies the journal's committed batches from `state.committedOffset` on.
    /// The journal is read a window at a time (never whole). Decoding and
    /// validating a line is pure and most of the start-up time, so each
    /// window is decoded on every core while the one before it is applied;
    /// applying stays in journal order.
    static func replayJournal(spool: Spool, into state: inout ReplayState, windowBytes: Int) throws {
        guard let reader = try JournalWindowReader(url: spool.ledgerJournal, startOffset: state.committedOffset,
                                                   windowBytes: windowBytes) else { return }
        if state.committedOffset == 0, let size = try? FileManager.default.attributesOfItem(atPath: spool.ledgerJournal.path)[.size] as? Int {
            // About one line per invoice at this size; room up front spares the growth copies.
            state.ledger.reserveCapacity(size / 256)
        }
        var pending: [InboxRecord] = []
        var lineNumber = 0
        // A test's fault point: killed in the middle of replaying the tail after a snapshot (CrashTests).
        let killMidTail = state.committedOffset > 0 && ProcessInfo.processInfo.environment["OVERDUE_FAULT"] == "snapshot-tail-replay"
        func startDecoding() throws -> (window: JournalWindow, decoding: DecodingWindow)? {
            guard let window = try reader.next() else { return nil }
            return (window, DecodingWindow(window.lines[...]))
        }
        var upcoming = try startDecoding()
        while let (window, decoding) = upcoming {
            let chunks = decoding.wait()
            upcoming = try startDecoding()
            // Where each line ends in the file: the commit offset a snapshot covers.
            var lineIndex = 0
            for chunk in chunks {
                for line in chunk {
                    lineNumber += 1
                    defer { lineIndex += 1 }
                    switch line {
                    case .commit(let commit):
                        for record in pending { state.ledger.apply(record) }
                        // The stale feed guard's clock: when payment data last came.
                        // (A statement's payments are as current as its period, not as its commit.)
                        if let account = commit.statementAccount, let until = commit.statementUntil.flatMap(Timestamp.parse) {
                            state.ledger.noteStatement(account: account, until: until)
                        } else if commit.paymentData == true || pending.contains(where: \.isPaymentData), let time = Timestamp.parse(commit.time) {
                            state.ledger.notePaymentData(at: time)
                        }
                        pending.removeAll(keepingCapacity: true)
                        state.files[commit.commit] = CommittedFile(digest: commit.commit, file: commit.file, time: commit.time,
                                                                   accepted: commit.accepted, rejected: commit.rejected)
                        state.committedOffset = window.lines[lineIndex].endIndex + 1 + window.startOffset
                        if killMidTail { kill(getpid(), SIGKILL) }
                    case .record(let record):
                        pending.append(record)
                    case .damaged(let reason):
                        throw LedgerCorruption(path: spool.ledgerJournal.path, line: lineNumber, reason: reason)
                    }
                }
            }
        }
        // Records after the last commit line belong to a batch that never
        // completed; they were not acknowledged, so they are not applied.
    }

    enum DecodedLine: Sendable {
        case commit(CommitLine)
        case record(InboxRecord)
        case damaged(String)
    }

    /// One window of journal lines being decoded in the background, in
    /// chunks on all cores; `wait` gives the chunks in journal order.
    /// `@unchecked`: each chunk's slot is written by one worker, read after `wait`.
    final class DecodingWindow: @unchecked Sendable {
        private var chunks: [[DecodedLine]] = []  // written once before `group` leaves, read after `wait`
        private let group = DispatchGroup()

        init(_ lines: ArraySlice<ArraySlice<UInt8>>) {
            let chunkSize = 2048
            DispatchQueue.global().async(group: group) { [self] in
                chunks = parallelMap((lines.count + chunkSize - 1) / chunkSize) { chunk in
                    let decoder = JSONDecoder()
                    let recordDecoder = RecordDecoder()
                    let start = lines.startIndex + chunk * chunkSize
                    return lines[start..<min(start + chunkSize, lines.endIndex)].map {
                        LedgerStore.decodeLine($0, decoder: decoder, recordDecoder: recordDecoder)
                    }
                }
            }
        }

        func wait() -> [[DecodedLine]] {
            group.wait()
            return chunks
        }
    }

    static func decodeLine(_ line: ArraySlice<UInt8>, decoder: JSONDecoder, recordDecoder: RecordDecoder) -> DecodedLine {
        let data = Data(line)
        // Keys are written sorted, so a commit line starts with "accepted"
        // and a record line with "data"; checking saves a failed decode per line.
        if line.starts(with: Self.commitPrefix), let commit = try? decoder.decode(CommitLine.self, from: data) {
            return .commit(commit)
        }
        let object: [String: JSONValue]
        if line.starts(with: Self.invoicePrefix), let invoice = try? decoder.decode(JournalInvoiceLine.self, from: data) {
            object = invoice.object
        } else {
            let record: RecordLine
            do {
                record = try decoder.decode(RecordLine.self, from: data)
            } catch {
                return .damaged("\(error)")
            }
            guard case .object(let members) = record.data else { return .damaged("the record is not an object") }
            object = members
        }
        guard case .accepted(let decoded) = recordDecoder.decode(object) else {
            return .damaged("the record no longer validates")
        }
        return .record(decoded)
    }
}

public struct LedgerCorruption: Error, CustomStringConvertible {
    public var path: String
    public var line: Int
    public var reason: String
    public var description: String {
        "\(path): line \(line) cannot be read (\(reason)); the ledger journal was edited or damaged. Restore it from a backup, or move the line out and restart"
    }
}

extension LedgerCorruption: OverdueError {
    public var code: ErrorCode { .journalDamaged }
}
