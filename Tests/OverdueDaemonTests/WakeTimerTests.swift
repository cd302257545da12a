import Dispatch
import Foundation
import OverdueCore
@testable import OverdueDaemon
import Testing

@Suite("WakeTimer: one Dispatch timer for the next wake-up")
struct WakeTimerTests {
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var times: [Date] = []
        func hit() { lock.lock(); times.append(Date()); lock.unlock() }
        var hits: [Date] { lock.lock(); defer { lock.unlock() }; return times }
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
        try await Task.sleep(for: .milliseconds(1200))
        #expect(counter.hits.count == 1)
        if let hit = counter.hits.first {
            let delay = hit.timeIntervalSince(armed)
            // Not before the deadline; the upper bound is loose because the
            // suite runs in parallel (accuracy is measured in Benchmarks/).
            #expect(delay >= 0.29 && delay < 5, "fired after \(delay) s")
        }
        queue.sync { #expect(timer.armedFor == nil) }
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
        for _ in 0..<100 where counter.hits.isEmpty { try await Task.sleep(for: .milliseconds(50)) }
        try await Task.sleep(for: .milliseconds(300))
        #expect(counter.hits.count == 1)
        #expect((counter.hits.first?.timeIntervalSince(armed) ?? 0) >= 0.59, "the replaced 0.2 s deadline fired")

        queue.sync { timer.arm(at: Date().addingTimeInterval(0.2)); timer.arm(at: nil) }
        try await Task.sleep(for: .milliseconds(600))
        #expect(counter.hits.count == 1)
    }
}
