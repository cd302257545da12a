import Crypto
import Foundation
import OverdueCore
#if canImport(Glibc)
import Glibc
#endif

/// Applies an `Erasure` to every file of a spool (`overdue forget`). The
/// caller holds the spool lock: the journals are rewritten, not appended to,
/// which only the single writer may do.
///
/// Order, so that a run stopped anywhere (kill -9, full disk) and started
/// again finishes the job: the ledger journal, from which the erasure is
/// worked out, is written to a temp file first (every line checked to still
/// decode) but renamed over the old one last; everything else is rewritten
/// in between, each file by temp file, fsync and rename (`DurableIO`). The
/// tombstone is the same in every run (keyed by `keys/forget.key`), and the
/// delivery journal's lines already rewritten are found again by it.
public struct SpoolEraser {
    public let spool: Spool
    public private(set) var erasure: Erasure
    /// Files rewritten (or removed) per spool directory, for the command's summary.
    public private(set) var changed: [String: Int] = [:]

    public init(spool: Spool, erasure: Erasure) {
        self.spool = spool
        self.erasure = erasure
    }

    /// `forgotten-<12 hex>`: an HMAC of the id under the spool's own secret
    /// (`keys/forget.key`, made on first use, 0600), so the tombstone of a
    /// guessed id cannot be computed by someone reading the spool, and a
    /// second run names the customer as the first did.
    public static func tombstone(for id: String, spool: Spool) throws -> String {
        let file = spool.keys.appendingPathComponent("forget.key")
        var secret = try DurableIO.read(file).flatMap { FeedbackKeyStore.bytes(hex: String(decoding: $0, as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)) }
        if secret?.count != 32 {
            var random = SystemRandomNumberGenerator()
            let made = (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }
            try DurableIO.writeAtomically(Array((Hex.lowercase(made) + "\n").utf8), to: file, mode: 0o600)
            secret = made
        }
        let mac = HMAC<SHA256>.authenticationCode(for: Array(id.utf8), using: SymmetricKey(data: secret!))
        return "forgotten-" + Hex.lowercase(mac).prefix(12)
    }

    /// Erases the customer from the whole spool; `now` dates the ledger's
    /// record of it. Returns the journal line numbers dropped (opt-outs of
    /// forgotten addresses) for the summary.
    public mutating func run(now: Date) throws {
        erasure.keys = try deliveryKeys()
        try collectFreeTexts()
        let scrubber = erasure.scrubber
        let journal = try rewriteLedgerJournal(with: scrubber)
        do {
            try rewriteDeliveryJournal(with: scrubber)
            try rewriteLog(with: scrubber)
            try rewriteMessages(with: scrubber)
            try rewriteMaildir(with: scrubber)
            for directory in [spool.archive, spool.rejected] { try rewriteKeptFiles(in: directory, with: scrubber) }
            try removeDocuments()
            try rewriteOtherFiles(with: scrubber)
        } catch {
            unlink(journal.path)
            throw error
        }
        try journal.commit()
        count(spool.ledger)
        try recordTombstone(now: now)
        try rewriteLedgerSnapshot()
    }

    mutating func count(_ directory: URL, _ files: Int = 1) {
        guard files > 0 else { return }
        changed[directory.lastPathComponent, default: 0] += files
    }

    // MARK: The journals

    /// The keys of the customer's deliveries: the delivery journal's lines
    /// naming one of its ids (or the tombstone, after a run that stopped).
    func deliveryKeys() throws -> Set<String> {
        var keys: Set<String> = []
        let decoder = JSONDecoder()
        try AppendJournal.forEachLine(of: DeliveryJournal.url(spool)) { line in
            guard case .object(let object)? = try? decoder.decode(JSONValue.self, from: Data(line)),
                  case .string(let customer)? = object["customer"], erasure.ids.contains(customer),
                  case .string(let key)? = object["key"] else { return }
            keys.insert(key)
        }
        return keys
    }

    /// The free text people wrote about the customer (notes, reasons), which
    /// archived files hold too: read from the ledger journal before any file
    /// is scrubbed.
    mutating func collectFreeTexts() throws {
        let decoder = JSONDecoder()
        try AppendJournal.forEachLine(of: spool.ledgerJournal) { line in
            guard !line.starts(with: LedgerStore.commitPrefix), !line.starts(with: LedgerStore.invoicePrefix),
                  case .object(let object)? = try? decoder.decode(JSONValue.self, from: Data(line)),
                  case .object(let data)? = object["data"] else { return }
            erasure.noteFreeTexts(of: data)
        }
    }

    /// The ledger journal with every record scrubbed, in a temp file beside
    /// it: each rewritten record must still decode, or nothing is changed.
    /// Opt-outs of forgotten addresses are left out (with the commit line's
    /// count of accepted records lowered to match).
    func rewriteLedgerJournal(with scrubber: Erasure.TextScrubber) throws -> StreamingRewrite {
        let output = try StreamingRewrite(replacing: spool.ledgerJournal)
        let decoder = JSONDecoder()
        let records = RecordDecoder()
        var lineNumber = 0
        var dropped = 0
        do {
            try AppendJournal.forEachLine(of: spool.ledgerJournal) { line in
                lineNumber += 1
                guard case .object(let object)? = try? decoder.decode(JSONValue.self, from: Data(line)) else {
                    throw LedgerCorruption(path: spool.ledgerJournal.path, line: lineNumber, reason: "not JSON; forget changed nothing")
                }
                if line.starts(with: LedgerStore.commitPrefix) {
                    var scrubbed = erasure.scrubLine(object, with: scrubber)
                    if dropped > 0, case .number(let accepted)? = object["accepted"] { scrubbed["accepted"] = .number(accepted - Decimal(dropped)) }
                    dropped = 0
                    return try output.write(scrubbed == object ? Array(line) : JSONLine.bytes(.object(scrubbed)))
                }
                guard case .object(let data)? = object["data"] else {
                    throw LedgerCorruption(path: spool.ledgerJournal.path, line: lineNumber, reason: "a record line without data; forget changed nothing")
                }
                guard let newData = erasure.scrubRecord(data, with: scrubber) else {
                    dropped += 1
                    return
                }
                var newObject = object
                newObject["data"] = .object(newData)
                if let file = object["file"] { newObject["file"] = erasure.scrubValue(file, with: scrubber) }
                guard newObject != object else { return try output.write(Array(line)) }
                guard case .accepted = records.decode(newData) else {
                    throw LedgerCorruption(path: spool.ledgerJournal.path, line: lineNumber,
                                           reason: "the record with the customer erased would not decode; forget changed nothing (please report this)")
                }
                try output.write(JSONLine.bytes(.object(newObject)))
            }
            try output.finish()
        } catch {
            output.abandon()
            throw error
        }
        return output
    }

    /// `ledger/sent.jsonl`: the customer's outcomes keep their keys, stages,
    /// invoices and times; customer and recipient become the tombstone. The
    /// delivery snapshot holds the old lines, so it is written again.
    mutating func rewriteDeliveryJournal(with scrubber: Erasure.TextScrubber) throws {
        let url = DeliveryJournal.url(spool)
        guard FileManager.default.fileExists(atPath: url.path) else { return }
        let output = try StreamingRewrite(replacing: url)
        let decoder = JSONDecoder()
        var rewritten = 0
        do {
            try AppendJournal.forEachLine(of: url) { line in
                guard case .object(let object)? = try? decoder.decode(JSONValue.self, from: Data(line)) else { return try output.write(Array(line)) }
                let scrubbed = erasure.scrubLine(object, with: scrubber)
                if scrubbed == object { return try output.write(Array(line)) }
                rewritten += 1
                try output.write(JSONLine.bytes(.object(scrubbed)))
            }
            try output.finish()
        } catch {
            output.abandon()
            throw error
        }
        guard rewritten > 0 else { return output.abandon() }
        let snapshot = DeliverySnapshot.url(spool)
        let hadSnapshot = FileManager.default.fileExists(atPath: snapshot.path)
        // The old snapshot goes first: it holds the lines as they were.
        if hadSnapshot { try Self.remove(snapshot) }
        try output.commit()
        count(spool.ledger)
        if hadSnapshot { try DeliverySnapshot.write(spool: spool) }
    }

    /// The ledger snapshot holds the old records: removed, and written again
    /// from the rewritten journal when there was one (its fingerprint is of
    /// the new journal, so the next start uses it).
    func rewriteLedgerSnapshot() throws {
        let snapshot = LedgerSnapshot.url(spool)
        guard FileManager.default.fileExists(atPath: snapshot.path) else { return }
        try Self.remove(snapshot)
        let state = try LedgerStore.replayState(spool: spool, usingSnapshot: false)
        try LedgerSnapshot.write(spool: spool, ledger: state.ledger, files: state.files, journalOffset: state.committedOffset)
    }

    /// The tombstone's directory record, excluded, appended as a batch of
    /// its own: the ledger says when the customer was forgotten, and nothing
    /// is planned for the invoices that stay (without it they would wait
    /// as "no contact yet", asking for an address).
    func recordTombstone(now: Date) throws {
        let kept = erasure.keptRecordFields
        func text(_ field: String) -> String? { if case .string(let value)? = kept[field] { value } else { nil } }
        let record = CustomerRecord(id: erasure.tombstone, name: erasure.tombstone, language: text("language"), timezone: text("timezone"),
                                    country: text("country"), policy: text("policy"), exclude: true, note: erasure.freeText)
        let digest = Hex.lowercase(SHA256.hash(data: Array("overdue forget|\(erasure.tombstone)|\(Timestamp.format(now))".utf8)))
        try LedgerStore(spool: spool).commit([(1, .customer(record))], file: "overdue forget", digest: digest, rejected: 0, time: now)
    }

    static func remove(_ url: URL) throws {
        guard unlink(url.path) == 0 || errno == ENOENT else { throw SpoolIOError(operation: "remove", path: url.path, errno: errno) }
        try DurableIO.syncDirectory(url.deletingLastPathComponent().path)
    }
}

/// A file written anew line by line beside the one it replaces (temp name
/// `.tmp-…`, which a start removes), fsynced, and renamed over it only by
/// `commit`: a journal too large to hold in memory is rewritten as durably
/// as `DurableIO.writeAtomically` writes a small file.
final class StreamingRewrite {
    let target: URL
    let path: String
    private let fd: Int32
    private var open = true
    private var buffer: [UInt8] = []

    init(replacing target: URL) throws {
        self.target = target
        var info = stat()
        let mode = stat(target.path, &info) == 0 ? info.st_mode & 0o777 : 0o640
        path = target.deletingLastPathComponent().path + "/.tmp-forget-\(getpid())-" + target.lastPathComponent
        unlink(path)
        fd = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw SpoolIOError(operation: "create", path: path, errno: errno) }
    }

    func write(_ line: [UInt8]) throws {
        buffer += line
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws {
        try DurableIO.writeAll(fd, buffer, path: path)
        buffer.removeAll(keepingCapacity: true)
    }

    func finish() throws {
        try flush()
        guard fsync(fd) == 0 else { throw SpoolIOError(operation: "fsync", path: path, errno: errno) }
        close(fd)
        open = false
    }

    func commit() throws {
        guard rename(path, target.path) == 0 else { throw SpoolIOError(operation: "rename to", path: target.path, errno: errno) }
        try DurableIO.syncDirectory(target.deletingLastPathComponent().path)
    }

    func abandon() {
        if open { close(fd) }
        open = false
        unlink(path)
    }
}
