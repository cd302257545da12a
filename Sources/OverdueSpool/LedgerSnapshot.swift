import Crypto
import Foundation
import OverdueCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// `ledger/snapshot.bin`: the ledger and the committed files as of one
/// offset of `ledger/journal.jsonl`, so a start decodes the snapshot and
/// replays only the journal after it instead of every line since the first.
///
/// Layout (integers in the header fixed 8 bytes little-endian):
///
///     magic "OVERDUE-LEDGER-SNAPSHOT\n" | format version | journal offset covered
///     | journal fingerprint (32) | front length | front SHA-256 (32)
///     | front: the ledger's small parts, the committed files, the chunk table
///       (per chunk: entries, bytes, SHA-256)
///     | chunks: the entries, `entriesPerChunk` at a time
///
/// The entries are in chunks with their own checksum so that start-up
/// verifies and decodes them on every core at once. The fingerprint is the
/// SHA-256 of 4 KiB samples of the journal before the offset (its start,
/// fifteen spread over it, and the 4 KiB that end at the offset, which hold
/// the last commit line): a journal replaced, truncated, edited or restored
/// from a backup no longer matches, and the snapshot is ignored. (Hashing
/// all of it would read the whole journal, the work the snapshot saves.) Anything that does not check out (missing
/// file aside) is reported through `problemHandler` and the caller replays
/// the whole journal: a snapshot can make a start faster, never a ledger wrong.
public enum LedgerSnapshot {
    /// Bumped whenever the encoding of anything in it changes: an old file is then ignored, not misread.
    /// 3: customer records carry `consumer`; 4: and `salutation`; 5: unplaced bank credits;
    /// 6: settled bank credits and returned payments; 7: customer records carry `ibans` and `reference_scheme`;
    /// 8: how current each account's statements are; 9: unplaced credits carry their end-to-end id, and returns.
    public static let formatVersion: UInt64 = 9
    static let magic = Array("OVERDUE-LEDGER-SNAPSHOT\n".utf8)
    /// Magic, then version, offset, fingerprint, front length, front checksum.
    static let headerLength = magic.count + 8 + 8 + 32 + 8 + 32
    static let entriesPerChunk = 8192
    /// Bytes of each sample of the journal that the fingerprint covers, and how many samples.
    static let fingerprintSpan = 4096
    static let fingerprintSamples = 16

    public static func url(_ spool: Spool) -> URL { spool.ledger.appendingPathComponent("snapshot.bin") }

    /// Why a snapshot was not used: `reason` is a constant word for logs
    /// and tests, `detail` says what exactly.
    public struct Problem: Sendable, Error, CustomStringConvertible {
        public var reason: String
        public var detail: String
        public var description: String { "\(reason): \(detail)" }
    }

    /// Where problems are reported. The spool module has no logger; the CLI
    /// sets this once to log through its own (a constant message with
    /// `snapshot.reason`). Unset, problems are only acted upon (full replay).
    public static let problemHandler = Mutex<(@Sendable (Problem) -> Void)?>(nil)

    static func report(_ problem: Problem) {
        let handler = problemHandler.withLock { $0 }
        handler?(problem)
    }

    // MARK: Fingerprint

    /// The fingerprint of the journal's first `offset` bytes (see the type's comment).
    static func fingerprint(journal url: URL, offset: Int) throws(Problem) -> [UInt8] {
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Problem(reason: "journal-unreadable", detail: "open \(url.path): errno \(errno)") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw Problem(reason: "journal-unreadable", detail: "stat \(url.path): errno \(errno)") }
        guard Int(info.st_size) >= offset else {
            throw Problem(reason: "journal-changed", detail: "the journal is \(info.st_size) bytes, shorter than the \(offset) the snapshot covers")
        }
        var hasher = SHA256()
        withUnsafeBytes(of: UInt64(offset).littleEndian) { hasher.update(bufferPointer: $0) }
        let starts = (0..<fingerprintSamples).map { offset / fingerprintSamples * $0 } + [max(0, offset - fingerprintSpan)]
        for start in starts {
            let length = min(fingerprintSpan, offset - start)
            var bytes = [UInt8](repeating: 0, count: length)
            let read = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, length, off_t(start)) }
            guard read == length else { throw Problem(reason: "journal-unreadable", detail: "read \(url.path) at \(start)") }
            hasher.update(data: bytes)
        }
        return Array(hasher.finalize())
    }

    // MARK: Reading

    /// The journal offset an existing snapshot covers, if its header is of
    /// this format and matches the journal (the body is not checked): what
    /// the daemon measures the journal's growth against. Nil, the daemon
    /// writes a new snapshot after its first pass (one of an older format
    /// or of another journal would otherwise be ignored at every start).
    public static func coveredOffset(spool: Spool) -> Int? {
        let fd = open(url(spool).path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var header = [UInt8](repeating: 0, count: headerLength)
        guard header.withUnsafeMutableBytes({ pread(fd, $0.baseAddress, headerLength, 0) }) == headerLength,
              let parsed = try? Header(header), parsed.version == formatVersion,
              (try? fingerprint(journal: spool.ledgerJournal, offset: parsed.journalOffset)) == parsed.fingerprint
        else { return nil }
        return parsed.journalOffset
    }

    struct Header {
        var version: UInt64
        var journalOffset: Int
        var fingerprint: [UInt8]
        var frontLength: Int
        var frontChecksum: [UInt8]

        init(version: UInt64 = LedgerSnapshot.formatVersion, journalOffset: Int, fingerprint: [UInt8], frontLength: Int, frontChecksum: [UInt8]) {
            self.version = version
            self.journalOffset = journalOffset
            self.fingerprint = fingerprint
            self.frontLength = frontLength
            self.frontChecksum = frontChecksum
        }

        init(_ bytes: [UInt8]) throws(Problem) {
            guard bytes.count >= LedgerSnapshot.headerLength, bytes.starts(with: LedgerSnapshot.magic) else {
                throw Problem(reason: "not-a-snapshot", detail: "the file does not start with the snapshot's magic")
            }
            do {
                (version, journalOffset, fingerprint, frontLength, frontChecksum) = try bytes.withUnsafeBufferPointer { buffer throws(SnapshotFormatError) in
                    var reader = SnapshotReader(buffer, from: LedgerSnapshot.magic.count)
                    let version = try reader.fixed64()
                    let offset = Int(truncatingIfNeeded: try reader.fixed64())
                    let fingerprint = try reader.raw(32)
                    let frontLength = Int(truncatingIfNeeded: try reader.fixed64())
                    return (version, offset, fingerprint, frontLength, try reader.raw(32))
                }
            } catch {
                throw Problem(reason: "truncated", detail: "\(error)")
            }
        }

        var bytes: [UInt8] {
            var writer = SnapshotWriter(reservingCapacity: LedgerSnapshot.headerLength)
            writer.raw(LedgerSnapshot.magic)
            writer.fixed64(version)
            writer.fixed64(UInt64(journalOffset))
            writer.raw(fingerprint)
            writer.fixed64(UInt64(frontLength))
            writer.raw(frontChecksum)
            return writer.bytes
        }
    }

    /// The replay state the snapshot holds, if there is one and it checks
    /// out against the journal; nil (the problem reported) otherwise. The
    /// entries get room for the invoices the journal's tail may still add.
    static func restore(spool: Spool) -> LedgerStore.ReplayState? {
        let file = url(spool)
        let bytes: [UInt8]
        do {
            guard let read = try DurableIO.read(file) else { return nil }
            bytes = read
        } catch {
            report(Problem(reason: "unreadable", detail: "\(error)"))
            return nil
        }
        do {
            let header = try Header(bytes)
            guard header.version == formatVersion else {
                throw Problem(reason: "old-format", detail: "format version \(header.version), this overdue reads \(formatVersion)")
            }
            guard try fingerprint(journal: spool.ledgerJournal, offset: header.journalOffset) == header.fingerprint else {
                throw Problem(reason: "journal-changed", detail: "the journal up to offset \(header.journalOffset) is not the one the snapshot was taken of")
            }
            let journalSize = (try? FileManager.default.attributesOfItem(atPath: spool.ledgerJournal.path)[.size] as? Int) ?? nil
            return try decode(bytes, header: header, tailBytes: max(0, (journalSize ?? 0) - header.journalOffset))
        } catch let problem as Problem {
            report(problem)
            return nil
        } catch {
            report(Problem(reason: "undecodable", detail: "\(error)"))
            return nil
        }
    }
}

/// A pointer shared by the workers of a parallel decode, each writing only its own range.
struct SharedSlots<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
}
