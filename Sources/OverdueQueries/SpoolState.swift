import Foundation
import OverdueCalendar
import OverdueConfig
import OverdueCore
import OverdueSpool

/// A spool read once, without the lock (another process may read the spool
/// while the daemon runs): the ledger and the delivery journal as committed.
/// Each view the CLI prints (`StatusView`, `ShowView`, `ReportView`, the
/// call list, the hand-off, the opt-outs) starts from one and asks the
/// planner; none decides anything itself.
public struct SpoolState {
    public let spool: Spool
    public let ledger: Ledger
    public let deliveries: DeliveryJournal.State
    public let config: Config

    public init(config: Config, keepingOutcomes: Bool = false) throws {
        self.config = config
        spool = Spool(root: config.spool.dir)
        ledger = spool.exists ? try LedgerStore.replay(spool: spool).ledger : Ledger()
        deliveries = spool.exists ? try DeliveryJournal.replay(spool: spool, keepingOutcomes: keepingOutcomes) : DeliveryJournal.State()
    }

    /// Final delivery outcomes by channel and status, and the deferrals waiting under "all".
    public var deliveryCounts: [String: [String: Int]] {
        var counts = deliveries.counts
        if !deliveries.deferred.isEmpty { counts["all", default: [:]]["deferred"] = deliveries.deferred.count }
        return counts
    }
}

/// A view of a `SpoolState`: its parts by name, so a view reads as what it shows.
protocol SpoolStateView {
    var state: SpoolState { get }
}

extension SpoolStateView {
    var spool: Spool { state.spool }
    var ledger: Ledger { state.ledger }
    var deliveries: DeliveryJournal.State { state.deliveries }
    var config: Config { state.config }
}
