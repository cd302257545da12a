import Foundation
import OverdueCore
@testable import OverdueDaemon
import Testing

@Suite("Per-channel send rate")
struct RateLimiterTests {
    @Test("at most N messages a second per channel; channels do not slow each other")
    func spacing() {
        let limiter = RateLimiter()
        let start = Date()
        for _ in 0..<11 { limiter.wait(channel: .sms, rate: 20) }
        let smsTime = Date().timeIntervalSince(start)
        // 11 sends at 20/s need at least 10 gaps of 50 ms.
        #expect(smsTime >= 0.49, "\(smsTime) s")
        let other = Date()
        for _ in 0..<5 { limiter.wait(channel: .email, rate: 0) }
        #expect(Date().timeIntervalSince(other) < 0.05)
    }
}
