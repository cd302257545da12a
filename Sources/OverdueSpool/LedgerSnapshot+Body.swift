import Crypto
import Foundation
import OverdueCore
#if canImport(Glibc)
import Glibc
#endif

extension LedgerSnapshot {
    // MARK: Writing

    /// Writes the snapshot of `ledger` and `files`, which must be exactly
    /// what the journal's first `journalOffset` bytes replay to: temp file,
    /// fsync, rename, fsync of the directory, like `DurableIO.writeAtomically`
    /// (a crash leaves the old snapshot or the new one, and a `.tmp-` file
    /// the next start removes). Encoding runs on every core; the file is
    /// written piece by piece, never assembled in memory.
    public static func write(spool: Spool, ledger: Ledger, files: [String: CommittedFile], journalOffset: Int) throws {
        let fingerprint = try fingerprint(journal: spool.ledgerJournal, offset: journalOffset)
        let values = ledger.entries.values
        let chunkCount = (values.count + entriesPerChunk - 1) / entriesPerChunk
        let chunks: [[UInt8]] = parallelMap(chunkCount) { chunk in
            var writer = SnapshotWriter(reservingCapacity: entriesPerChunk * 160)
            for entry in values[(chunk * entriesPerChunk)..<min(values.count, (chunk + 1) * entriesPerChunk)] { writer.entry(entry) }
            return writer.bytes
        }
        var front = encodeFront(ledger: ledger, files: files)
        front.count(values.count)
        front.count(chunks.count)
        for (index, chunk) in chunks.enumerated() {
            front.count(min(entriesPerChunk, values.count - index * entriesPerChunk))
            front.count(chunk.count)
            front.raw(Array(SHA256.hash(data: chunk)))
        }
        let header = Header(journalOffset: journalOffset, fingerprint: fingerprint, frontLength: front.bytes.count,
                            frontChecksum: Array(SHA256.hash(data: front.bytes)))
        try writeDurably([header.bytes, front.bytes] + chunks, to: url(spool))
    }

    static func writeDurably(_ pieces: [[UInt8]], to target: URL) throws(SpoolIOError) {
        let killHalfway = ProcessInfo.processInfo.environment["OVERDUE_FAULT"] == "snapshot-write"
        try DurableIO.writeAtomically(pieces: pieces, to: target) { index in
            // A test's fault point: killed halfway through writing (SnapshotCrashTests).
            if killHalfway, index == pieces.count / 2 { kill(getpid(), SIGKILL) }
        }
    }

    /// Everything but the entries: small next to them.
    static func encodeFront(ledger: Ledger, files: [String: CommittedFile]) -> SnapshotWriter {
        var writer = SnapshotWriter()
        writer.array(Array(files.values)) { $0.committedFile($1) }
        writer.array(Array(ledger.optOuts)) { $0.optOut($1) }
        writer.array(Array(ledger.bounced)) { $0.optOut($1.key); $0.string($1.value) }
        writer.array(Array(ledger.customerCredits)) { writer, credit in
            writer.string(credit.key)
            writer.array(Array(credit.value)) { $0.string($1.key); $0.decimal($1.value) }
        }
        writer.array(Array(ledger.lastCalled)) { $0.string($1.key); $0.calendarDate($1.value) }
        writer.array(Array(ledger.documentsByName)) { $0.string($1.key); $0.storedDocument($1.value) }
        writer.array(Array(ledger.awaitingDocument)) { writer, waiting in
            writer.string(waiting.key)
            writer.array(waiting.value) { $0.string($1) }
        }
        writer.array(Array(ledger.replies)) { $0.string($1.key); $0.calendarDate($1.value) }
        writer.array(Array(ledger.feedbackSeen)) { $0.string($1) }
        writer.array(Array(ledger.directory.records)) { $0.string($1.key); $0.customerRecord($1.value) }
        writer.array(Array(ledger.directory.vatIndex)) { $0.string($1.key); $0.string($1.value) }
        writer.array(Array(ledger.approvals)) { $0.string($1.key); $0.approval($1.value) }
        writer.optional(ledger.lastPaymentData.map(asCommitLineHasIt)) { $0.date($1) }
        writer.array(Array(ledger.unplacedCredits.values)) { $0.unplacedCredit($1) }
        writer.array(Array(ledger.settledCredits)) { $0.string($1.key); $0.string($1.value) }
        writer.array(Array(ledger.statementData)) { $0.string($1.key); $0.date(asCommitLineHasIt($1.value)) }
        return writer
    }

    /// An instant as a replay reads it from a commit line (milliseconds):
    /// the ingester's ledger holds the exact instant, a replayed or restored
    /// one the stamp's, and the snapshot must be what a replay gives. A value
    /// that is a stamp's already is kept: formatting it again can lose its
    /// last millisecond (the stamp's binary value may lie just below it, and
    /// formatting truncates).
    static func asCommitLineHasIt(_ instant: Date) -> Date {
        let stamped = Timestamp.parse(Timestamp.format(instant)) ?? instant
        let nudged = Timestamp.parse(Timestamp.format(instant.addingTimeInterval(0.0005))) ?? instant
        return instant == stamped || instant == nudged ? instant : stamped
    }

    // MARK: Reading

    private struct Chunk {
        var entries: Int
        var start: Int
        var length: Int
        var checksum: [UInt8]
    }

    /// The replay state in `bytes` (header already checked against the
    /// journal): the front verified and decoded, then the entry chunks,
    /// each verified and decoded on its own core straight into the one
    /// array the ledger keeps (no second copy of a million entries).
    static func decode(_ bytes: [UInt8], header: Header, tailBytes: Int) throws(Problem) -> LedgerStore.ReplayState {
        let frontStart = headerLength
        guard header.frontLength >= 0, bytes.count - frontStart >= header.frontLength else {
            throw Problem(reason: "truncated", detail: "the file is \(bytes.count) bytes, shorter than its header says")
        }
        guard Array(SHA256.hash(data: bytes[frontStart..<(frontStart + header.frontLength)])) == header.frontChecksum else {
            throw Problem(reason: "checksum", detail: "the checksum of the snapshot's front does not match")
        }
        var state = LedgerStore.ReplayState()
        var parts: (ledger: (Ledger, Int), chunks: [Chunk])
        do {
            parts = try bytes.withUnsafeBufferPointer { buffer throws(SnapshotFormatError) in
                var reader = SnapshotReader(buffer, from: frontStart, to: frontStart + header.frontLength)
                for file in try reader.array({ (reader: inout SnapshotReader) throws(SnapshotFormatError) in try reader.committedFile() }) {
                    state.files[file.digest] = file
                }
                let ledger = try decodeFront(&reader)
                let total = Int(truncatingIfNeeded: try reader.uint())
                var chunks: [Chunk] = []
                var start = frontStart + header.frontLength
                for _ in 0..<(try reader.count()) {
                    // Bounded by the file, not by what is left of the front (`count` checks that).
                    let entries = Int(truncatingIfNeeded: try reader.uint())
                    let length = Int(truncatingIfNeeded: try reader.uint())
                    guard (0...bytes.count).contains(entries), (0...(bytes.count - start)).contains(length) else {
                        throw SnapshotFormatError("entry chunk \(chunks.count) lies outside the file")
                    }
                    chunks.append(Chunk(entries: entries, start: start, length: length, checksum: try reader.raw(32)))
                    start += length
                }
                guard start == bytes.count, chunks.reduce(0, { $0 + $1.entries }) == total else {
                    throw SnapshotFormatError("the chunks do not add up to the file (\(start) of \(bytes.count) bytes)")
                }
                return ((ledger, total), chunks)
            }
        } catch {
            throw Problem(reason: "undecodable", detail: "\(error)")
        }
        let (emptyLedger, total) = parts.ledger
        let entries = try decodeEntries(bytes, chunks: parts.chunks, total: total, room: tailBytes / 256)
        guard let packed = LedgerEntries(packed: entries) else {
            throw Problem(reason: "undecodable", detail: "two entries of the snapshot have one invoice id")
        }
        state.ledger = Ledger(
            entries: packed, optOuts: emptyLedger.optOuts, bounced: emptyLedger.bounced,
            customerCredits: emptyLedger.customerCredits, lastCalled: emptyLedger.lastCalled,
            documentsByName: emptyLedger.documentsByName, awaitingDocument: emptyLedger.awaitingDocument,
            replies: emptyLedger.replies, feedbackSeen: emptyLedger.feedbackSeen, directory: emptyLedger.directory,
            approvals: emptyLedger.approvals, lastPaymentData: emptyLedger.lastPaymentData, unplacedCredits: emptyLedger.unplacedCredits,
            settledCredits: emptyLedger.settledCredits, statementData: emptyLedger.statementData)
        state.committedOffset = header.journalOffset
        return state
    }

    /// The ledger's small parts, in a ledger without entries.
    private static func decodeFront(_ reader: inout SnapshotReader) throws(SnapshotFormatError) -> Ledger {
        typealias Read<T> = (inout SnapshotReader) throws(SnapshotFormatError) -> T
        func dictionary<V>(_ reader: inout SnapshotReader, _ value: Read<V>) throws(SnapshotFormatError) -> [String: V] {
            var result: [String: V] = [:]
            for _ in 0..<(try reader.count()) { result[try reader.string()] = try value(&reader) }
            return result
        }
        var optOuts = Set<OptOut>()
        for _ in 0..<(try reader.count()) { optOuts.insert(try reader.optOut()) }
        var bounced: [OptOut: String] = [:]
        for _ in 0..<(try reader.count()) { bounced[try reader.optOut()] = try reader.string() }
        let credits = try dictionary(&reader) { (reader: inout SnapshotReader) throws(SnapshotFormatError) in
            try dictionary(&reader) { (reader: inout SnapshotReader) throws(SnapshotFormatError) in try reader.decimal() }
        }
        let lastCalled = try dictionary(&reader) { (reader: inout SnapshotReader) throws(SnapshotFormatError) in try reader.calendarDate() }
        let documents = try dictionary(&reader) { (reader: inout SnapshotReader) throws(SnapshotFormatError) in try reader.storedDocument() }
        let awaiting = try dictionary(&reader) { (reader: inout SnapshotReader) throws(SnapshotFormatError) in
            try reader.array { (reader: inout SnapshotReader) throws(SnapshotFormatError) in try reader.string() }
        }
        let replies = try dictionary(&reader) { (reader: inout SnapshotReader) throws(SnapshotFormatError) in try reader.calendarDate() }
        var seen = Set<String>()
        for _ in 0..<(try reader.count()) { seen.insert(try reader.string()) }
        let records = try dictionary(&reader) { (reader: inout SnapshotReader) throws(SnapshotFormatError) in try reader.customerRecord() }
        let vatIndex = try dictionary(&reader) { (reader: inout SnapshotReader) throws(SnapshotFormatError) in try reader.string() }
        let approvals = try dictionary(&reader) { (reader: inout SnapshotReader) throws(SnapshotFormatError) in try reader.approval() }
        let lastPaymentData = try reader.optional { (reader: inout SnapshotReader) throws(SnapshotFormatError) in try reader.date() }
        var unplaced: [String: UnplacedCredit] = [:]
        for _ in 0..<(try reader.count()) {
            let credit = try reader.unplacedCredit()
            unplaced[credit.key] = credit
        }
        let settled = try dictionary(&reader) { (reader: inout SnapshotReader) throws(SnapshotFormatError) in try reader.string() }
        let statements = try dictionary(&reader) { (reader: inout SnapshotReader) throws(SnapshotFormatError) in try reader.date() }
        return Ledger(entries: LedgerEntries(), optOuts: optOuts, bounced: bounced, customerCredits: credits, lastCalled: lastCalled,
                      documentsByName: documents, awaitingDocument: awaiting, replies: replies, feedbackSeen: seen,
                      directory: CustomerDirectory(records: records, idsByVAT: vatIndex), approvals: approvals,
                      lastPaymentData: lastPaymentData, unplacedCredits: unplaced, settledCredits: settled,
                      statementData: statements)
    }

    /// Every entry, the chunks decoded in parallel, each into its own range
    /// of one array with `room` spare slots for the tail's new invoices.
    private static func decodeEntries(_ bytes: [UInt8], chunks: [Chunk], total: Int, room: Int) throws(Problem) -> [LedgerEntry] {
        var firstProblem: Problem?
        let entries = [LedgerEntry](unsafeUninitializedCapacity: total + room) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            let slots = SharedSlots(base: base)
            var starts: [Int] = []
            var next = 0
            for chunk in chunks { starts.append(next); next += chunk.entries }
            let starting = starts
            // Each chunk: how many entries it initialised, and why it stopped if it did not finish.
            let outcomes: [(count: Int, problem: Problem?)] = parallelMap(chunks.count) { index in
                let chunk = chunks[index]
                guard Array(SHA256.hash(data: bytes[chunk.start..<(chunk.start + chunk.length)])) == chunk.checksum else {
                    return (0, Problem(reason: "checksum", detail: "the checksum of entry chunk \(index) does not match"))
                }
                return bytes.withUnsafeBufferPointer { buffer in
                    var reader = SnapshotReader(buffer, from: chunk.start, to: chunk.start + chunk.length)
                    var count = 0
                    do {
                        while count < chunk.entries {
                            (slots.base + starting[index] + count).initialize(to: try reader.entry())
                            count += 1
                        }
                        guard reader.atEnd else { throw SnapshotFormatError("entry chunk \(index) has bytes left over") }
                    } catch {
                        return (count, Problem(reason: "undecodable", detail: "\(error)"))
                    }
                    return (count, nil)
                }
            }
            firstProblem = outcomes.lazy.compactMap(\.problem).first
            if firstProblem == nil {
                initialized = total
            } else {
                for (index, outcome) in outcomes.enumerated() { (base + starting[index]).deinitialize(count: outcome.count) }
                initialized = 0
            }
        }
        if let firstProblem { throw firstProblem }
        return entries
    }
}
