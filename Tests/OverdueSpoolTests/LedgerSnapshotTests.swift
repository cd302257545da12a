import Foundation
import OverdueCalendar
import OverdueCore
@testable import OverdueSpool
import Synchronization
import Testing

/// The ledger snapshot: what it restores is what replaying the journal
/// gives, and a snapshot that does not check out is ignored with its reason.
/// Serialized: the problem handler is process-wide.
@Suite("Ledger snapshot", .serialized)
struct LedgerSnapshotTests {
    func makeSpool() throws -> Spool {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("overdue-snapshot-\(UUID().uuidString.prefix(8))")
        let spool = Spool(root: root.path)
        try spool.create()
        return spool
    }

    /// A small deterministic generator, so a failure can be replayed.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state ^ (state >> 29)
        }
    }

    /// `count` inbox files of records of every kind, on invoices `first…`;
    /// later batches also touch earlier invoices.
    static func batches(_ count: Int, first: Int, seed: UInt64) -> [[InboxRecord]] {
        var random = Generator(state: seed)
        let day = CalendarDate(iso: "2027-01-01")!
        func date() -> CalendarDate { day.adding(days: Int.random(in: 0..<200, using: &random)) }
        func maybe(_ text: String) -> String? { Bool.random(using: &random) ? text : nil }
        func amount() -> Decimal { Decimal(string: "\(Int.random(in: 1...9999, using: &random)).\(Int.random(in: 0...99, using: &random))")! }
        var batches: [[InboxRecord]] = []
        for batch in 0..<count {
            var records: [InboxRecord] = []
            for number in 0..<30 {
                let n = first + batch * 30 + number
                let customer = Customer(id: "c\(n % 11)", name: "Customer ✓ \(n % 11)", email: maybe("ap\(n % 11)@x.example"),
                                        phone: maybe("+4915112345\(n % 10)"), contact: maybe("Ms Ö"), language: maybe("de"),
                                        timezone: maybe("Europe/Berlin"), country: maybe("DE"), vatID: maybe("DE1366959\(n % 7)"))
                let total = amount()
                let balance = n % 3 == 0 ? total / 2 : total
                records.append(.invoice(Invoice(
                    id: "I-\(n)", customer: customer, issued: day, due: date(), currency: "EUR", amount: total, balance: balance,
                    policy: maybe("strict"), paymentURL: maybe("https://pay.example/\(n)"),
                    installments: n % 5 == 0 ? [Installment(due: day.adding(days: 30), amount: total / 4), Installment(due: day.adding(days: 60), amount: total - total / 4)] : [],
                    discountPercent: n % 4 == 0 ? Decimal(string: "2.5") : nil, discountUntil: n % 4 == 0 ? date() : nil,
                    document: n % 6 == 0 ? "INV-\(n).pdf" : nil)))
                let target = "I-\(Int.random(in: 0...n, using: &random))"
                switch number % 10 {
                case 0: records.append(.event(.payment(invoice: target, amount: amount(), date: date(), reference: maybe("ref"))))
                case 1: records.append(.event(.dispute(invoice: target, date: date(), reason: maybe("wrong"))))
                case 2: records.append(.event(.resolve(invoice: target, date: nil)))
                case 3: records.append(.event(.promise(invoice: target, date: date(), amount: Bool.random(using: &random) ? amount() : nil)))
                case 4: records.append(.event(.cancel(invoice: target, date: date(), reason: maybe("void"))))
                case 5: records.append(.event(.handoff(invoice: target, date: date(), agency: maybe("Agency"))))
                case 6:
                    records.append(.event(.optout(address: "AP\(n % 11)@x.example", channel: Bool.random(using: &random) ? .sms : nil)))
                    records.append(.event(.bounce(address: "b\(n)@x.example", channel: .email, reason: maybe("550"))))
                    records.append(.event(.optin(address: "ap\(n % 13)@x.example", channel: nil)))
                case 7:
                    records.append(.event(.credit(customer: "c\(n % 11)", amount: amount(), currency: n % 2 == 0 ? "EUR" : "GBP", reference: nil)))
                    records.append(.event(.called(customer: "c\(n % 11)", date: date(), note: maybe("rang"))))
                    // A bank credit no rule placed, and (sometimes) the payment that places an earlier one.
                    var credit = UnplacedCredit(key: "DE1:B\(n % 17)", amount: amount(), currency: "EUR", valueDate: date(), payerName: maybe("Payer"),
                                                payerIBAN: maybe("DE89370400440532013000"), remittance: maybe("Spende"), reason: "no rule")
                    credit.possibleDebtors = n % 3 == 0 ? ["c\(n % 11)"] : []
                    records.append(.event(.unplacedCredit(credit)))
                    if n % 4 == 0 {
                        records.append(.event(.payment(invoice: target, amount: amount(), date: date(), reference: "bank:DE1:B\((n + 5) % 17) iban:DE89")))
                        // …and the bank taking part of it back (at most what was paid: the ledger refuses more).
                        records.append(.event(.paymentReturned(invoice: target, amount: Decimal(n % 7 + 1) / 100, date: date(),
                                                               reference: "bank:DE1:R\(n) returns:DE1:B\((n + 5) % 17)")))
                    }
                    if n % 5 == 0 {
                        // Settled without a payment (returned or dismissed).
                        credit.key = "DE1:B\((n + 3) % 17)"
                        credit.settled = "dismissed: a refund"
                        records.append(.event(.unplacedCredit(credit)))
                    }
                    records.append(.event(.retry(key: maybe("od1-" + String(repeating: "0a", count: 16)))))
                case 8:
                    records.append(.event(.document(name: "INV-\(n - 2).pdf", sha256: String(repeating: "ab", count: 32), size: n)))
                    let kinds = FeedbackEvent.Kind.allCases
                    records.append(.event(.feedback(FeedbackEvent(
                        kind: kinds[n % kinds.count], messageID: "<m\(n)@x>", digest: maybe("0123456789abcdef"), date: date(),
                        key: maybe("od1-" + String(repeating: "1b", count: 16)), customer: "c\(n % 11)", address: "ap\(n % 11)@x.example", status: maybe("5.1.1"), reason: maybe("gone")))))
                default:
                    var record = CustomerRecord(
                        id: "c\(n % 11)", name: maybe("Directory name"), email: maybe("dir\(n)@x.example"), cc: n % 3 == 0 ? ["cc@x.example"] : [],
                        phone: maybe("+33123456789"), vatID: maybe("DE 136 695 97\(n % 3)"), policy: maybe("gentle"), exclude: n % 7 == 0, note: maybe("note"))
                    record.ibans = n % 2 == 0 ? ["DE89370400440532013000"] : []
                    record.referenceScheme = n % 3 == 0 ? NationalReference.allCases[n % 4] : nil
                    records.append(.customer(record))
                    records.append(.approval(n % 2 == 0 ? .approve(key: "od1-\(n % 5)" + String(repeating: "c", count: 31)) : .hold(key: "od1-\(n % 5)" + String(repeating: "c", count: 31), reason: "check")))
                }
            }
            batches.append(records)
        }
        return batches
    }

    /// Commits the batches the way the ingester does (invalid events, on
    /// unknown or cancelled invoices, are rejected there and not journaled).
    static func commit(_ batches: [[InboxRecord]], to spool: Spool, named prefix: String) throws {
        var ledger = try LedgerStore.replay(spool: spool, usingSnapshot: false).ledger
        let store = try LedgerStore(spool: spool)
        for (index, batch) in batches.enumerated() {
            var accepted: [(number: Int, record: InboxRecord)] = []
            for (number, record) in batch.enumerated() {
                // Only what the inbox decoder accepts goes in the journal (as at ingest).
                guard case .accepted = RecordDecoder().decode(RecordEncoder.object(record)) else {
                    if ProcessInfo.processInfo.environment["SNAPSHOT_TEST_DEBUG"] != nil { print(record, RecordDecoder().decode(RecordEncoder.object(record))) }
                    continue
                }
                if ledger.apply(record) == nil { accepted.append((number + 1, record)) }
            }
            try store.commit(accepted, file: "\(prefix)\(index).jsonl", digest: "\(prefix)-digest-\(index)", rejected: batch.count - accepted.count,
                             time: Date(timeIntervalSince1970: 1_800_000_000 + Double(index)))
        }
    }

    static func expectSame(_ restored: (ledger: Ledger, files: [String: CommittedFile]), _ replayed: (ledger: Ledger, files: [String: CommittedFile]),
                           sourceLocation: SourceLocation = #_sourceLocation) {
        let (a, b) = (restored.ledger, replayed.ledger)
        #expect(a.entries.values == b.entries.values, sourceLocation: sourceLocation)
        for entry in b.entries.values { #expect(a[entry.invoice.id] == entry, sourceLocation: sourceLocation) }
        #expect(a.optOuts == b.optOuts, sourceLocation: sourceLocation)
        #expect(a.bounced == b.bounced, sourceLocation: sourceLocation)
        #expect(a.customerCredits == b.customerCredits, sourceLocation: sourceLocation)
        #expect(a.lastCalled == b.lastCalled, sourceLocation: sourceLocation)
        #expect(a.documentsByName == b.documentsByName, sourceLocation: sourceLocation)
        #expect(a.awaitingDocument == b.awaitingDocument, sourceLocation: sourceLocation)
        #expect(a.replies == b.replies, sourceLocation: sourceLocation)
        #expect(a.feedbackSeen == b.feedbackSeen, sourceLocation: sourceLocation)
        #expect(a.directory == b.directory, sourceLocation: sourceLocation)
        #expect(a.approvals == b.approvals, sourceLocation: sourceLocation)
        #expect(a.lastPaymentData == b.lastPaymentData, sourceLocation: sourceLocation)
        #expect(a.unplacedCredits == b.unplacedCredits, sourceLocation: sourceLocation)
        #expect(a.settledCredits == b.settledCredits, sourceLocation: sourceLocation)
        #expect(restored.files.mapValues { "\($0)" } == replayed.files.mapValues { "\($0)" }, sourceLocation: sourceLocation)
    }

    /// Snapshots the journal as it is now (what the daemon does after a pass).
    static func snapshot(_ spool: Spool) throws {
        let state = try LedgerStore.replayState(spool: spool, usingSnapshot: false)
        try LedgerSnapshot.write(spool: spool, ledger: state.ledger, files: state.files, journalOffset: state.committedOffset)
    }

    /// The problems reported while `body` runs.
    static func problems(during body: () throws -> Void) rethrows -> [String] {
        let seen = Mutex<[String]>([])
        let collect: @Sendable (LedgerSnapshot.Problem) -> Void = { problem in seen.withLock { $0.append(problem.reason) }; if ProcessInfo.processInfo.environment["SNAPSHOT_TEST_DEBUG"] != nil { print(problem) } }
        LedgerSnapshot.problemHandler.withLock { $0 = collect }
        defer { LedgerSnapshot.problemHandler.withLock { $0 = nil } }
        try body()
        return seen.withLock { $0 }
    }

    @Test("a snapshot of a ledger with every record kind restores it field by field, in parallel chunks")
    func roundTrip() throws {
        let spool = try makeSpool()
        // More than one chunk of entries, so the parallel decode is exercised.
        try Self.commit(Self.batches(300, first: 0, seed: 7), to: spool, named: "a")
        try Self.snapshot(spool)
        let problems = try Self.problems {
            let restored = try #require(LedgerSnapshot.restore(spool: spool))
            #expect(restored.ledger.entries.count > LedgerSnapshot.entriesPerChunk)
            let replayed = try LedgerStore.replayState(spool: spool, usingSnapshot: false)
            #expect(restored.committedOffset == replayed.committedOffset)
            Self.expectSame((restored.ledger, restored.files), (replayed.ledger, replayed.files))
            #expect(!replayed.ledger.directory.vatIndex.isEmpty && !replayed.ledger.feedbackSeen.isEmpty && !replayed.ledger.bounced.isEmpty)
        }
        #expect(problems.isEmpty)
    }

    @Test("snapshot + the journal's tail (new invoices, events on old ones, a torn last line) equals the full replay")
    func snapshotPlusTail() throws {
        let spool = try makeSpool()
        try Self.commit(Self.batches(20, first: 0, seed: 1), to: spool, named: "a")
        try Self.snapshot(spool)
        let covered = try #require(LedgerSnapshot.coveredOffset(spool: spool))
        try Self.commit(Self.batches(15, first: 600, seed: 2), to: spool, named: "b")
        #expect(LedgerSnapshot.coveredOffset(spool: spool) == covered, "appending keeps the snapshot valid")
        let handle = try FileHandle(forWritingTo: spool.ledgerJournal)
        handle.seekToEndOfFile()
        handle.write(Data(#"{"data":{"event":"payment","invoice":"I-1","amount":"1""#.utf8))
        try handle.close()
        let problems = try Self.problems {
            #expect(LedgerSnapshot.restore(spool: spool) != nil)
            Self.expectSame(try LedgerStore.replay(spool: spool, windowBytes: 4096), try LedgerStore.replay(spool: spool, usingSnapshot: false))
        }
        #expect(problems.isEmpty)
    }

    @Test("a damaged, truncated, old-format or outdated snapshot is ignored with its reason, and the full replay is used",
          arguments: ["flipped-chunk", "flipped-front", "truncated", "old-format", "journal-replaced", "journal-edited-in-the-middle",
                     "journal-truncated", "garbage"])
    func damagedSnapshotIsIgnored(_ damage: String) throws {
        let spool = try makeSpool()
        try Self.commit(Self.batches(10, first: 0, seed: 3), to: spool, named: "a")
        try Self.snapshot(spool)
        let url = LedgerSnapshot.url(spool)
        var bytes = try #require(try DurableIO.read(url))
        let expected: String
        switch damage {
        case "flipped-chunk":
            bytes[bytes.count - 10] ^= 0x40
            expected = "checksum"
        case "flipped-front":
            bytes[LedgerSnapshot.headerLength + 3] ^= 0x01
            expected = "checksum"
        case "truncated":
            bytes.removeLast(bytes.count / 3)
            expected = "undecodable"
        case "old-format":
            bytes[LedgerSnapshot.magic.count] = 0  // the format version's low byte
            expected = "old-format"
        case "journal-replaced":
            // Same length, other content: a journal restored from elsewhere.
            var journal = try #require(try DurableIO.read(spool.ledgerJournal))
            journal[journal.count - 30] = journal[journal.count - 30] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")
            try DurableIO.writeAtomically(journal, to: spool.ledgerJournal)
            expected = "journal-changed"
        case "journal-edited-in-the-middle":
            // One byte half-way (where the fingerprint samples), the end untouched.
            var journal = try #require(try DurableIO.read(spool.ledgerJournal))
            let middle = journal.count / 2 + 10
            journal[middle] = journal[middle] == UInt8(ascii: " ") ? UInt8(ascii: "\t") : UInt8(ascii: " ")
            try DurableIO.writeAtomically(journal, to: spool.ledgerJournal)
            expected = "journal-changed"
        case "journal-truncated":
            let journal = try #require(try DurableIO.read(spool.ledgerJournal))
            try DurableIO.writeAtomically(journal.prefix(journal.count / 2), to: spool.ledgerJournal)
            expected = "journal-changed"
        default:
            bytes = Array("not a snapshot at all".utf8)
            expected = "not-a-snapshot"
        }
        try DurableIO.writeAtomically(bytes, to: url)
        var replayed: (ledger: Ledger, files: [String: CommittedFile])?
        let problems = Self.problems {
            #expect(LedgerSnapshot.restore(spool: spool) == nil)
            replayed = try? LedgerStore.replay(spool: spool)
        }
        #expect(problems.first == expected)
        // The daemon takes a snapshot that no longer fits the journal or this format as none: it writes a new one.
        if ["old-format", "journal-replaced", "journal-edited-in-the-middle", "journal-truncated", "garbage"].contains(damage) {
            #expect(LedgerSnapshot.coveredOffset(spool: spool) == nil)
        }
        if !damage.hasPrefix("journal-replaced"), !damage.hasPrefix("journal-edited"), let replayed {
            Self.expectSame(replayed, try LedgerStore.replay(spool: spool, usingSnapshot: false))
        }
    }

    @Test("an instant is kept as a commit line's stamp reads back, whether it is exact or read from a stamp already")
    func instantsAsTheJournalHasThem() throws {
        for millisecond in 0..<1000 {
            let text = "2027-03-20T10:00:00.\(String(format: "%03d", millisecond))Z"
            let stamp = try #require(Timestamp.parse(text))
            #expect(LedgerSnapshot.asCommitLineHasIt(stamp) == stamp, "\(text) read back stays")
            let exact = stamp.addingTimeInterval(0.000_37)
            #expect(LedgerSnapshot.asCommitLineHasIt(exact) == Timestamp.parse(Timestamp.format(exact)), "\(text) + 0.37 ms")
        }
    }

    @Test("no snapshot file: nothing reported, the full replay")
    func missingSnapshotIsQuiet() throws {
        let spool = try makeSpool()
        try Self.commit(Self.batches(2, first: 0, seed: 4), to: spool, named: "a")
        let problems = Self.problems {
            #expect(LedgerSnapshot.restore(spool: spool) == nil)
            #expect(LedgerSnapshot.coveredOffset(spool: spool) == nil)
        }
        #expect(problems.isEmpty)
    }
}
