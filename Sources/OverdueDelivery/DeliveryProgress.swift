import Foundation
import Synchronization

/// What the dispatcher is doing, for the control loop: `WATCHDOG=1` means
/// alive *and making progress*, `STATUS=` shows how far a pass has come.
/// Written by the pass and the delivery queue, read by the watchdog timer.
package final class DeliveryProgress: Sendable {
    private struct State {
        var busy = false
        var lastEvent = Date()
        var quotaWaitUntil: Date?
        var oldestInFlight: Date?
        var total = 0
        var done = 0
        var limited: [String: String] = [:]
        /// The longest a transfer may take before its own timeout ends it.
        var transferTimeout: TimeInterval = 30
    }

    private let state = Mutex(State())

    package init() {}

    /// A pass starts: work is due until `finish`.
    package func begin() {
        state.withLock { state in
            state.busy = true
            state.total = 0
            state.done = 0
            state.limited = [:]
            state.lastEvent = Date()
        }
    }

    /// The pass has `total` messages to send.
    func sending(total: Int, transferTimeout: TimeInterval) {
        state.withLock { state in
            state.total += total
            state.transferTimeout = transferTimeout
            state.lastEvent = Date()
        }
    }

    /// Something moved: a batch rendered, a transfer started or ended.
    func advanced(finished: Int = 0) {
        state.withLock { state in
            state.lastEvent = Date()
            state.done += finished
        }
    }

    /// The delivery queue's view after each change.
    func lanes(oldestInFlight: Date?, quotaWaitUntil: Date?, limited: [String: String]) {
        state.withLock { state in
            state.oldestInFlight = oldestInFlight
            state.quotaWaitUntil = quotaWaitUntil
            state.limited = limited
            state.lastEvent = Date()
        }
    }

    package func finish() {
        state.withLock { state in
            state.busy = false
            state.quotaWaitUntil = nil
            state.oldestInFlight = nil
            state.lastEvent = Date()
        }
    }

    /// True unless work is due and nothing has moved for longer than
    /// `interval`: not waiting for a quota, and no transfer that is still
    /// within its own timeout. A hung pass thus stops the pings and systemd
    /// restarts the service; a slow relay or a long rate limit does not.
    package func isAlive(now: Date = Date(), interval: TimeInterval) -> Bool {
        state.withLock { state in
            guard state.busy else { return true }
            if now.timeIntervalSince(state.lastEvent) < interval { return true }
            if let wait = state.quotaWaitUntil, now < wait.addingTimeInterval(interval) { return true }
            if let oldest = state.oldestInFlight, now.timeIntervalSince(oldest) < state.transferTimeout + interval { return true }
            return false
        }
    }

    /// "sending 312 of 900, email limited to 4/s", or nil when idle.
    package var summary: String? {
        state.withLock { state in
            guard state.busy else { return nil }
            let limits = state.limited.sorted { $0.key < $1.key }.map { "\($0.key) limited to \($0.value)" }
            return (["sending \(state.done) of \(state.total)"] + limits).joined(separator: ", ")
        }
    }
}
