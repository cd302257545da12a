import Crypto
import Foundation
import OverdueCore

/// The delivery journal's replay saved at a line (`ledger/sent-snapshot.bin`),
/// as `LedgerSnapshot` saves the ledger's: a start folds only the lines
/// after it. What is saved is the replay's fold (`DeliveryJournal.Accumulator`:
/// every outcome with its line number, the last re-queue, outcome and
/// deferral per key), not its settled state, because a line after the
/// snapshot can still take back one before it.
///
///     magic | format version | journal offset | journal fingerprint (32)
///     | body length | body SHA-256 (32) | body
///
/// Anything that does not check out (magic, version, checksum, the journal
/// no longer the one it was taken of) is reported and the whole journal
/// replayed: never a wrong history.
public enum DeliverySnapshot {
    static let formatVersion: UInt64 = 2
    static let magic = Array("OVERDUE-DELIVERY-SNAPSHOT\n".utf8)
    static let headerLength = magic.count + 8 + 8 + 32 + 8 + 32

    static func url(_ spool: Spool) -> URL { spool.ledger.appendingPathComponent("sent-snapshot.bin") }

    /// Folds the journal (from the current snapshot on) and saves the fold.
    /// Returns the journal offset it covers.
    @discardableResult
    public static func write(spool: Spool) throws -> Int {
        let accumulator = try DeliveryJournal.replayAccumulated(spool: spool, usingSnapshot: true)
        let fingerprint = try LedgerSnapshot.fingerprint(journal: DeliveryJournal.url(spool), offset: accumulator.offset)
        var body = SnapshotWriter(reservingCapacity: accumulator.outcomes.count * 160)
        body.encode(accumulator)
        var header = SnapshotWriter()
        header.raw(magic)
        header.fixed64(formatVersion)
        header.fixed64(UInt64(accumulator.offset))
        header.raw(fingerprint)
        header.fixed64(UInt64(body.bytes.count))
        header.raw(Array(SHA256.hash(data: body.bytes)))
        try LedgerSnapshot.writeDurably([header.bytes, body.bytes], to: url(spool))
        return accumulator.offset
    }

    /// The header's fields, read from the first `headerLength` bytes.
    struct Header {
        var version: UInt64
        var offset: Int
        var fingerprint: [UInt8]
        var bodyLength: Int
        var checksum: [UInt8]

        init(_ bytes: [UInt8]) throws {
            guard bytes.count >= headerLength, Array(bytes[..<magic.count]) == magic else {
                throw LedgerSnapshot.Problem(reason: "not-a-snapshot", detail: "delivery snapshot: no header")
            }
            (version, offset, fingerprint, bodyLength, checksum) = try bytes.withUnsafeBufferPointer { buffer in
                var reader = SnapshotReader(buffer, from: magic.count, to: headerLength)
                return (try reader.fixed64(), Int(try reader.fixed64()), try reader.raw(32), Int(try reader.fixed64()), try reader.raw(32))
            }
        }

        /// Whether it is of this format and matches the journal as it is now.
        func fits(_ spool: Spool) throws -> Bool {
            guard version == formatVersion else {
                throw LedgerSnapshot.Problem(reason: "old-format", detail: "delivery snapshot format \(version), this overdue reads \(formatVersion)")
            }
            return try LedgerSnapshot.fingerprint(journal: DeliveryJournal.url(spool), offset: offset) == fingerprint
        }
    }

    /// The journal offset the snapshot covers, if its header is of this
    /// format and matches the journal (the body is neither read nor
    /// checked): what the daemon measures the journal's growth against.
    public static func coveredOffset(spool: Spool) -> Int? {
        guard let handle = try? FileHandle(forReadingFrom: url(spool)) else { return nil }
        defer { try? handle.close() }
        guard let bytes = try? handle.read(upToCount: headerLength), let header = try? Header(Array(bytes)),
              (try? header.fits(spool)) == true else { return nil }
        return header.offset
    }

    /// The fold the snapshot holds, if there is one and it checks out; nil
    /// (the problem reported) otherwise.
    static func restore(spool: Spool) -> DeliveryJournal.Accumulator? {
        let bytes: [UInt8]
        do {
            guard let read = try DurableIO.read(url(spool)) else { return nil }
            bytes = read
        } catch {
            LedgerSnapshot.report(LedgerSnapshot.Problem(reason: "unreadable", detail: "delivery snapshot: \(error)"))
            return nil
        }
        do {
            let header = try Header(bytes)
            guard bytes.count == headerLength + header.bodyLength,
                  Array(SHA256.hash(data: bytes[headerLength...])) == header.checksum else {
                throw LedgerSnapshot.Problem(reason: "checksum", detail: "delivery snapshot: the body does not match its checksum")
            }
            guard try header.fits(spool) else {
                throw LedgerSnapshot.Problem(reason: "journal-changed", detail: "delivery snapshot: the journal up to \(header.offset) is not the one it was taken of")
            }
            return try bytes.withUnsafeBufferPointer { buffer throws -> DeliveryJournal.Accumulator in
                var body = SnapshotReader(buffer, from: headerLength)
                var accumulator = try body.accumulator()
                accumulator.offset = header.offset
                return accumulator
            }
        } catch let problem as LedgerSnapshot.Problem {
            LedgerSnapshot.report(problem)
        } catch {
            LedgerSnapshot.report(LedgerSnapshot.Problem(reason: "undecodable", detail: "delivery snapshot: \(error)"))
        }
        return nil
    }
}

extension SnapshotWriter {
    mutating func encode(_ fold: DeliveryJournal.Accumulator) {
        uint(UInt64(fold.lines))  // line numbers as plain numbers: `count` checks a size against the bytes left
        array(fold.outcomes) { writer, entry in
            writer.uint(UInt64(entry.line))
            let message = entry.outcome.message
            writer.string(message.key)
            writer.string(message.customer)
            writer.channel(message.channel)
            writer.string(message.recipient)
            writer.string(message.stage)
            writer.array(message.items) { writer, item in
                writer.string(item.invoice)
                writer.optional(item.installment) { $0.int($1) }
                writer.string(item.stage)
            }
            writer.date(message.time)
            writer.bool(message.copy)
            writer.optional(message.payBy) { $0.calendarDate($1) }
            writer.string(entry.outcome.status.rawValue)
            writer.int(entry.outcome.code)
            writer.string(entry.outcome.detail)
        }
        lineIndex(fold.lastRequeue)
        lineIndex(fold.lastOutcome)
        array(fold.deferred.sorted { $0.key < $1.key }) { writer, pair in
            writer.string(pair.key)
            writer.uint(UInt64(pair.value.line))
            writer.uint(UInt64(pair.value.deferral.attempt))
            writer.date(pair.value.deferral.next)
            writer.date(pair.value.deferral.first)
        }
        array(fold.approvalLines) { writer, line in
            writer.bool(line.pending)
            writer.string(line.key)
            writer.date(line.time)
        }
        optional(fold.staleSince) { $0.date($1) }
    }

    private mutating func lineIndex(_ index: [String: Int]) {
        array(index.sorted { $0.key < $1.key }) { writer, pair in
            writer.string(pair.key)
            writer.uint(UInt64(pair.value))
        }
    }
}

extension SnapshotReader {
    mutating func accumulator() throws(SnapshotFormatError) -> DeliveryJournal.Accumulator {
        var fold = DeliveryJournal.Accumulator()
        fold.lines = Int(try uint())
        fold.outcomes = try array { reader throws(SnapshotFormatError) in
            let line = Int(try reader.uint())
            var message = SentMessage(
                key: try reader.string(), customer: try reader.string(), channel: try reader.channel(), recipient: try reader.string(),
                stage: try reader.string(),
                items: try reader.array { reader throws(SnapshotFormatError) in
                    ReminderItem(invoice: try reader.string(), installment: try reader.optional { reader throws(SnapshotFormatError) in try reader.int() },
                                 stage: try reader.string())
                },
                time: try reader.date())
            message.copy = try reader.bool()
            message.payBy = try reader.optional { reader throws(SnapshotFormatError) in try reader.calendarDate() }
            let statusName = try reader.string()
            guard let status = DeliveryStatus(rawValue: statusName) else { throw SnapshotFormatError("unknown status \(statusName)") }
            return (line, DeliveryJournal.Outcome(message: message, status: status, code: try reader.int(), detail: try reader.string()))
        }
        fold.lastRequeue = try lineIndex()
        fold.lastOutcome = try lineIndex()
        for (key, line, attempt, next, first) in try array({ reader throws(SnapshotFormatError) in
            (try reader.string(), Int(try reader.uint()), Int(try reader.uint()), try reader.date(), try reader.date())
        }) {
            fold.deferred[key] = (line, DeliveryJournal.Deferral(key: key, attempt: attempt, next: next, first: first))
        }
        fold.approvalLines = try array { reader throws(SnapshotFormatError) in (try reader.bool(), try reader.string(), try reader.date()) }
        fold.staleSince = try optional { reader throws(SnapshotFormatError) in try reader.date() }
        return fold
    }

    private mutating func lineIndex() throws(SnapshotFormatError) -> [String: Int] {
        var index: [String: Int] = [:]
        for (key, line) in try array({ reader throws(SnapshotFormatError) in (try reader.string(), Int(try reader.uint())) }) { index[key] = line }
        return index
    }
}
