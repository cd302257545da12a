import Dispatch
import Foundation
import OverdueCore

/// What the pass loop arms for the planner's next wake-up. The daemon's is
/// `WakeTimer`; a test hands `PipelineService` one it fires itself when its
/// manual clock reaches the armed instant.
public protocol WakeScheduler: AnyObject {
    /// Fires once at `instant` (at once if it is past), replacing the
    /// previous deadline; nil disarms. Called on the loop's control queue,
    /// and fires there.
    func arm(at instant: Date?)
}

/// One `DispatchSourceTimer` armed for the planner's next wake-up: the
/// daemon sleeps until then instead of polling. Re-arming replaces the
/// previous deadline; the handler runs on `queue`.
///
/// The deadline is wall-clock (`DispatchWallTime`), so a suspended laptop or
/// a clock step still wakes at the right instant, and it is measured against
/// the injected clock so `--now` shifts it consistently.
/// `@unchecked`: its state is touched only on `queue` (the daemon's control queue).
public final class WakeTimer: WakeScheduler, @unchecked Sendable {
    private let queue: DispatchQueue
    private let clock: OverdueClock
    private let handler: @Sendable () -> Void
    private var source: DispatchSourceTimer?
    public private(set) var armedFor: Date?

    public init(queue: DispatchQueue, clock: OverdueClock, handler: @escaping @Sendable () -> Void) {
        self.queue = queue
        self.clock = clock
        self.handler = handler
    }

    deinit { source?.cancel() }

    /// Fires once at `instant` (at once if it is past); nil disarms.
    /// Call on `queue`.
    public func arm(at instant: Date?) {
        source?.cancel()
        source = nil
        armedFor = instant
        guard let instant else { return }
        let delay = max(0, instant.timeIntervalSince(clock.now()))
        let timer = DispatchSource.makeTimerSource(queue: queue)
        // 100 ms leeway lets the kernel batch wake-ups; sends land well
        // within a second of their window.
        timer.schedule(wallDeadline: .now() + delay, leeway: .milliseconds(100))
        timer.setEventHandler { [weak self] in
            guard let self else { return }
            self.source?.cancel()
            self.source = nil
            self.armedFor = nil
            self.handler()
        }
        source = timer
        timer.resume()
    }
}
