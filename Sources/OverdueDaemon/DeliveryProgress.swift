import Foundation

/// What the dispatcher is doing, for the control loop: `WATCHDOG=1` means
/// alive *and making progress*, `STATUS=` shows how far a pass has come.
/// Written by the pass and the delivery queue, read by the watchdog timer.
final class DeliveryProgress: @unchecked Sendable {  // every field is guarded by `lock`
    private let lock = NSLock()
    private var busy = false
    private var lastEvent = Date()
    private var quotaWaitUntil: Date?
    private var oldestInFlight: Date?
    private var total = 0
    private var done = 0
    private var limited: [String: String] = [:]
    /// The longest a transfer may take before its own timeout ends it.
    private var transferTimeout: TimeInterval = 30

    /// A pass starts: work is due until `finish`.
    func begin() {
        lock.withLock {
            busy = true
            total = 0
            done = 0
            limited = [:]
            lastEvent = Date()
        }
    }

    /// The pass has `total` messages to send.
    func sending(total: Int, transferTimeout: TimeInterval) {
        lock.withLock {
            self.total += total
            self.transferTimeout = transferTimeout
            lastEvent = Date()
        }
    }

    /// Something moved: a batch rendered, a transfer started or ended.
    func advanced(finished: Int = 0) {
        lock.withLock {
            lastEvent = Date()
            done += finished
        }
    }

    /// The delivery queue's view after each change.
    func lanes(oldestInFlight: Date?, quotaWaitUntil: Date?, limited: [String: String]) {
        lock.withLock {
            self.oldestInFlight = oldestInFlight
            self.quotaWaitUntil = quotaWaitUntil
            self.limited = limited
            lastEvent = Date()
        }
    }

    func finish() {
        lock.withLock {
            busy = false
            quotaWaitUntil = nil
            oldestInFlight = nil
            lastEvent = Date()
        }
    }

    /// True unless work is due and nothing has moved for longer than
    /// `interval`: not waiting for a quota, and no transfer that is still
    /// within its own timeout. A hung pass thus stops the pings and systemd
    /// restarts the service; a slow relay or a long rate limit does not.
    func isAlive(now: Date = Date(), interval: TimeInterval) -> Bool {
        lock.withLock {
            guard busy else { return true }
            if now.timeIntervalSince(lastEvent) < interval { return true }
            if let wait = quotaWaitUntil, now < wait.addingTimeInterval(interval) { return true }
            if let oldest = oldestInFlight, now.timeIntervalSince(oldest) < transferTimeout + interval { return true }
            return false
        }
    }

    /// "sending 312 of 900, email limited to 4/s", or nil when idle.
    var summary: String? {
        lock.withLock {
            guard busy else { return nil }
            let limits = limited.sorted { $0.key < $1.key }.map { "\($0.key) limited to \($0.value)" }
            return (["sending \(done) of \(total)"] + limits).joined(separator: ", ")
        }
    }
}
