import Dispatch
import Foundation
import Logging
import OverdueCore
import OverdueSpool
import ServiceLifecycle
import Synchronization

/// When and how the daemon takes ledger snapshots (`LedgerSnapshot`):
/// after a pass, once the journal has grown by `growthShare` of what the
/// last snapshot covers (and by at least `minimumGrowth` bytes; with no
/// snapshot yet, once the journal is `minimumGrowth` long). The ledger is a
/// value, so the pass hands over a copy (copy-on-write: nothing is copied
/// until the next pass changes it) and the encoding and the fsync happen on
/// a background queue while the daemon carries on. Never two at once; a
/// failure is logged and the next pass tries again, never fatal: the
/// journal stays the record, the snapshot only shortens the start.
/// The price of the copy: a pass that changes the ledger while the snapshot
/// is still being encoded copies the entries' array (copy-on-write), so for
/// that moment the daemon holds two (some 450 MB more at a million
/// invoices). Snapshots come once per quarter of growth and encode in about
/// a second at that size; encoding on the work queue instead would hold
/// every pass for that second. A `Service` of the daemon's group: at the
/// group's graceful shutdown it lets a snapshot being written finish
/// (a snapshot cut short is only ignored, but the work would be lost).
public final class LedgerSnapshotting: Service, Sendable {
    /// Share of the covered journal it must grow by before a new snapshot.
    static let growthShare = 0.25
    /// 4 MiB (about 15,000 invoices): below that the journal replays in a
    /// blink. `OVERDUE_SNAPSHOT_MIN_BYTES` lowers it (tests, benchmarks).
    static let defaultMinimumGrowth = 4 << 20

    private let spool: Spool
    private let logger: Logger
    private let minimumGrowth: Int
    private let queue = DispatchQueue(label: "overdue.snapshot", qos: .utility)
    /// The ledger journal's snapshot and the delivery journal's (`DeliverySnapshot`).
    private let ledgerTrack: Track
    private let deliveryTrack: Track

    /// One journal's snapshot: whether one is being written, and the
    /// journal offset the newest one covers (nil: none yet).
    private final class Track: Sendable {
        let journal: URL
        private let state: Mutex<(writing: Bool, covered: Int?)>

        init(journal: URL, covered: Int?) {
            self.journal = journal
            state = Mutex((false, covered))
        }

        /// The journal's size, when a snapshot is due by `isDue` and none is
        /// being written (it then counts as being written).
        func claim(_ isDue: (_ size: Int, _ covered: Int?) -> Bool) -> Int? {
            guard let size = try? FileManager.default.attributesOfItem(atPath: journal.path)[.size] as? Int else { return nil }
            return state.withLock { state in
                guard !state.writing, isDue(size, state.covered) else { return nil }
                state.writing = true
                return size
            }
        }

        /// A snapshot covering `offset` is written (nil: the attempt failed).
        func finished(covering offset: Int?) {
            state.withLock { state in
                state.writing = false
                if let offset { state.covered = offset }
            }
        }
    }

    init(spool: Spool, logger: Logger, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.spool = spool
        self.logger = logger
        minimumGrowth = environment["OVERDUE_SNAPSHOT_MIN_BYTES"].flatMap(Int.init) ?? Self.defaultMinimumGrowth
        ledgerTrack = Track(journal: spool.ledgerJournal, covered: LedgerSnapshot.coveredOffset(spool: spool))
        deliveryTrack = Track(journal: DeliveryJournal.url(spool), covered: DeliverySnapshot.coveredOffset(spool: spool))
    }

    /// Whether a journal of `journalSize` bytes deserves a new snapshot.
    func isDue(journalSize: Int, covered: Int?) -> Bool {
        let grown = journalSize - (covered ?? 0)
        return grown >= minimumGrowth && Double(grown) >= Self.growthShare * Double(covered ?? 0)
    }

    /// Called on the work queue after a pass, with the pipeline's ledger as
    /// of the journal's end. Starts a snapshot in the background if one is
    /// due; with `wait` (`run --once`, which exits next) writes it before returning.
    func afterPass(_ source: (ledger: Ledger, files: [String: CommittedFile]), wait: Bool = false) {
        // The delivery journal's is made from the files (the last snapshot
        // and the lines after it), not from the pipeline's memory, which
        // holds the settled history, not the fold.
        if deliveryTrack.claim(isDue) != nil {
            run(wait: wait) { [self] in
                let started = ContinuousClock.now
                do {
                    let offset = try DeliverySnapshot.write(spool: spool)
                    deliveryTrack.finished(covering: offset)
                    logger.info("delivery snapshot written", metadata: ["snapshot.offset": "\(offset)", "snapshot.seconds": Self.seconds(since: started)])
                } catch {
                    deliveryTrack.finished(covering: nil)
                    logger.warning("delivery snapshot failed; the delivery journal is replayed whole until one succeeds",
                                   metadata: ["error.detail": "\(error)"])
                }
            }
        }
        if let size = ledgerTrack.claim(isDue) {
            run(wait: wait) { [self] in
                let started = ContinuousClock.now
                do {
                    try LedgerSnapshot.write(spool: spool, ledger: source.ledger, files: source.files, journalOffset: size)
                    ledgerTrack.finished(covering: size)
                    logger.info("ledger snapshot written", metadata: [
                        "snapshot.offset": "\(size)", "snapshot.invoices": "\(source.ledger.entries.count)",
                        "snapshot.seconds": Self.seconds(since: started),
                    ])
                } catch {
                    ledgerTrack.finished(covering: nil)
                    logger.warning("ledger snapshot failed; the journal is replayed whole until one succeeds", metadata: ["error.detail": "\(error)"])
                }
            }
        }
    }

    /// Until the group shuts down; then until the snapshots being written are done.
    public func run() async throws {
        try? await gracefulShutdown()
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            queue.async { done.resume() }  // after everything queued before it
        }
    }

    /// On the snapshot queue; with `wait`, before returning.
    private func run(wait: Bool, _ body: @escaping @Sendable () -> Void) {
        let work = DispatchWorkItem(block: body)
        queue.async(execute: work)
        if wait { work.wait() }
    }

    private static func seconds(since start: ContinuousClock.Instant) -> Logger.MetadataValue {
        "\(String(format: "%.2f", (ContinuousClock.now - start) / .seconds(1)))"
    }

    /// Sends the spool module's snapshot problems (a damaged or outdated
    /// snapshot, ignored for a full replay) to `logger`, once per process.
    public static func reportProblems(to logger: Logger) {
        LedgerSnapshot.problemHandler.withLock { handler in
            handler = { problem in
                logger.warning("ledger snapshot ignored; replaying the whole journal", metadata: [
                    "snapshot.reason": "\(problem.reason)", "snapshot.detail": "\(problem.detail)",
                ])
            }
        }
    }
}
