import Foundation
import OverdueConfig
import OverdueCore
import OverdueSpool

/// `overdue retry`: asks the daemon to put failed deliveries back, as an
/// inbox event like every other operator decision, so it works while the
/// daemon runs (it re-queues them within a second; otherwise the next
/// `overdue run` does). Reads the journal only to name keys that have not
/// failed; writes nothing but the inbox file.
public enum RetryRequest {
    public static func drop(config: Config, keys: [String]?, warn: (String) -> Void) throws -> [String] {
        let spool = Spool(root: config.spool.dir)
        let failed = try DeliveryJournal.replay(spool: spool).failed
        let wanted = keys ?? Array(failed.keys).sorted()
        let known = wanted.filter { key in
            if failed[key] != nil { return true }
            warn("\(key): not a failed delivery (see `overdue log --event failed`)")
            return false
        }
        guard !known.isEmpty else { return [] }
        try InboxDrop.drop(keys == nil ? [.retry(key: nil)] : known.map { .retry(key: $0) }, kind: "retry", spool: spool)
        return known
    }
}
