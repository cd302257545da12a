import Foundation

/// A person's decision on a message that waits for approval (a stage with
/// `approve = true`), by its delivery key. Dropped into the inbox by
/// `overdue approve` and `overdue hold` (`{"event": "approve", "key": …}`,
/// `{"event": "hold", "key": …, "reason": …}`), so it works while the daemon
/// runs; kept in the ledger, the latest decision on a key wins.
public enum ApprovalDecision: Sendable, Equatable {
    /// Send it, at the debtor's next business window.
    case approve(key: String)
    /// Do not send it; it stays listed as held with the reason.
    case hold(key: String, reason: String)

    public var key: String {
        switch self {
        case .approve(let key), .hold(let key, _): key
        }
    }

    /// The inbox event name.
    public var name: String {
        switch self {
        case .approve: "approve"
        case .hold: "hold"
        }
    }
}
