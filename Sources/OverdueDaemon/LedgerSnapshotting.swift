import Dispatch
import Foundation
import Logging
import OverdueCore
import OverdueSpool
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
/// every pass for that second.
public final class LedgerSnapshotting: Sendable {
    /// Share of the covered journal it must grow by before a new snapshot.
    static let growthShare = 0.25
    /// 4 MiB (about 15,000 invoices): below that the journal replays in a
    /// blink. `OVERDUE_SNAPSHOT_MIN_BYTES` lowers it (tests, benchmarks).
    static let defaultMinimumGrowth = 4 << 20

    private let spool: Spool
    private let logger: Logger
    private let minimumGrowth: Int
    private let queue = DispatchQueue(label: "overdue.snapshot", qos: .utility)
    /// Whether a snapshot is being written, and the journal offset the newest one covers (nil: none yet, or not read yet).
    private let progress = Mutex<(writing: Bool, covered: Int?)>((false, nil))
    /// The same for the delivery journal's snapshot (`DeliverySnapshot`).
    private let deliveryProgress = Mutex<(writing: Bool, covered: Int?)>((false, nil))

    init(spool: Spool, logger: Logger, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.spool = spool
        self.logger = logger
        minimumGrowth = environment["OVERDUE_SNAPSHOT_MIN_BYTES"].flatMap(Int.init) ?? Self.defaultMinimumGrowth
        progress.withLock { $0.covered = LedgerSnapshot.coveredOffset(spool: spool) }
        deliveryProgress.withLock { $0.covered = DeliverySnapshot.coveredOffset(spool: spool) }
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
        snapshotDeliveriesIfDue(wait: wait)
        guard let size = try? FileManager.default.attributesOfItem(atPath: spool.ledgerJournal.path)[.size] as? Int else { return }
        let start = progress.withLock { state -> Bool in
            guard !state.writing, isDue(journalSize: size, covered: state.covered) else { return false }
            state.writing = true
            return true
        }
        guard start else { return }
        let work = DispatchWorkItem { [self] in write(ledger: source.ledger, files: source.files, journalOffset: size) }
        queue.async(execute: work)
        if wait { work.wait() }
    }

    /// The delivery journal's snapshot, by the same rule. It is made from
    /// the files (the last snapshot and the lines after it), not from the
    /// pipeline's memory, which holds the settled history, not the fold.
    private func snapshotDeliveriesIfDue(wait: Bool) {
        guard let size = try? FileManager.default.attributesOfItem(atPath: SentJournal.url(spool).path)[.size] as? Int else { return }
        let start = deliveryProgress.withLock { state -> Bool in
            guard !state.writing, isDue(journalSize: size, covered: state.covered) else { return false }
            state.writing = true
            return true
        }
        guard start else { return }
        let work = DispatchWorkItem { [self] in
            let started = ContinuousClock.now
            do {
                let offset = try DeliverySnapshot.write(spool: spool)
                deliveryProgress.withLock { $0 = (false, offset) }
                logger.info("delivery snapshot written", metadata: [
                    "snapshot.offset": "\(offset)",
                    "snapshot.seconds": "\(String(format: "%.2f", (ContinuousClock.now - started) / .seconds(1)))",
                ])
            } catch {
                deliveryProgress.withLock { $0.writing = false }
                logger.warning("delivery snapshot failed; the delivery journal is replayed whole until one succeeds",
                               metadata: ["error.detail": "\(error)"])
            }
        }
        queue.async(execute: work)
        if wait { work.wait() }
    }

    private func write(ledger: Ledger, files: [String: CommittedFile], journalOffset: Int) {
        let started = ContinuousClock.now
        do {
            try LedgerSnapshot.write(spool: spool, ledger: ledger, files: files, journalOffset: journalOffset)
            progress.withLock { $0 = (false, journalOffset) }
            logger.info("ledger snapshot written", metadata: [
                "snapshot.offset": "\(journalOffset)", "snapshot.invoices": "\(ledger.entries.count)",
                "snapshot.seconds": "\(String(format: "%.2f", (ContinuousClock.now - started) / .seconds(1)))",
            ])
        } catch {
            progress.withLock { $0.writing = false }
            logger.warning("ledger snapshot failed; the journal is replayed whole until one succeeds", metadata: ["error.detail": "\(error)"])
        }
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
