import Dispatch
import Foundation
import OverdueCore
@testable import OverdueDaemon
import Testing

/// The timer's order of events is what is tested, not how long a sleep
/// lasted: each test waits (bounded) for a hit it expects, and a timer that
/// should not fire is checked against a later one that must, which it would
/// have preceded.
@Suite("WakeTimer: one Dispatch timer for the next wake-up")
struct WakeTimerTests {
    final class Counter: @unchecked Sendable {
        // @unchecked: every access holds the lock.
        private let lock = NSLock()
        private var times: [Date] = []
        func hit() { lock.lock(); times.append(Date()); lock.unlock() }
        var hits: [Date] { lock.lock(); defer { lock.unlock() }; return times }

        /// Waits until `count` hits arrived, at most 10 s.
        func wait(for count: Int) async throws {
            for _ in 0..<1000 where hits.count < count { try await Task.sleep(for: .milliseconds(10)) }
        }
    }

    @Test("fires once at the armed instant, measured on the injected clock")
    func firesOnce() async throws {
        let queue = DispatchQueue(label: "test.wake")
        let counter = Counter()
        // The clock reads a day in 2027; the timer is armed 300 ms after it.
        let clock = OverdueClock.starting(at: Date(timeIntervalSince1970: 1_800_000_000))
        let timer = WakeTimer(queue: queue, clock: clock) { counter.hit() }
        let armed = Date()
        queue.sync { timer.arm(at: clock.now().addingTimeInterval(0.3)) }
        try await counter.wait(for: 1)
        #expect(counter.hits.count == 1)
        #expect((counter.hits.first?.timeIntervalSince(armed) ?? 0) >= 0.29, "fired before its deadline")
        queue.sync { #expect(timer.armedFor == nil) }
        // Once: armed again, the timer gives exactly one more hit, not two.
        queue.sync { timer.arm(at: clock.now().addingTimeInterval(0.1)) }
        try await counter.wait(for: 2)
        queue.sync {}  // a third hit from the first arming would have come before the second
        #expect(counter.hits.count == 2)
    }

    @Test("re-arming replaces the deadline; disarming stops it")
    func rearm() async throws {
        let queue = DispatchQueue(label: "test.wake2")
        let counter = Counter()
        let timer = WakeTimer(queue: queue, clock: .system) { counter.hit() }
        let armed = Date()
        queue.sync {
            timer.arm(at: armed.addingTimeInterval(0.2))
            timer.arm(at: armed.addingTimeInterval(0.6))
        }
        try await counter.wait(for: 1)
        // Had the replaced 0.2 s deadline fired, it would be the first hit.
        #expect((counter.hits.first?.timeIntervalSince(armed) ?? 0) >= 0.59, "the replaced 0.2 s deadline fired")
        #expect(counter.hits.count == 1)

        // Disarmed at 0.2 s, then armed for 0.5 s: the only hit is the later one.
        let second = Date()
        queue.sync { timer.arm(at: second.addingTimeInterval(0.2)); timer.arm(at: nil) }
        queue.sync { #expect(timer.armedFor == nil) }
        let other = WakeTimer(queue: queue, clock: .system) { counter.hit() }
        queue.sync { other.arm(at: second.addingTimeInterval(0.5)) }
        try await counter.wait(for: 2)
        #expect(counter.hits.count == 2)
        #expect((counter.hits.last?.timeIntervalSince(second) ?? 0) >= 0.49, "the disarmed timer fired")
    }
}
