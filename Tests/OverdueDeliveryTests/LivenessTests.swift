import Foundation
import OverdueCore
@testable import OverdueDelivery
import OverdueTransports
import Testing

/// What `WATCHDOG=1` means: alive and making progress. A transfer that
/// never completes (past its own timeout) stops the pings; a quota wait or
/// an idle daemon does not.
@Suite("Watchdog liveness of the delivery queue")
struct LivenessTests {
    /// A peer that accepts and never answers, beyond any timeout: what a
    /// hung transfer looks like to the dispatcher.
    struct NeverCompletes: Transport {
        func start(_ message: OutgoingMessage, completion: @escaping @Sendable (DeliveryOutcome) -> Void) {}
    }

    struct Accepts: Transport {
        func start(_ message: OutgoingMessage, completion: @escaping @Sendable (DeliveryOutcome) -> Void) {
            completion(.sent(code: 250, id: nil, detail: "250 ok"))
        }
    }

    static func prepared(_ number: Int) -> Dispatcher.Prepared {
        let send = PlannedSend(time: Date(), customer: "c\(number)", customerName: "C", channel: .email, recipient: "c@x.example",
                               stage: "overdue", final: false, policy: "standard", timeZone: "UTC", items: [], key: "od1-test-\(number)")
        return Dispatcher.Prepared(send: send, message: OutgoingMessage(key: send.key, recipient: send.recipient,
                                                                        payload: .mail(bytes: [], envelopeFrom: "a@x.example")),
                                   fields: [:], bytes: [])
    }

    static func manager(_ transport: Transport, limits: RateLimits = RateLimits(), progress: DeliveryProgress,
                        outcomes: OutcomeInbox) -> QueueManager {
        QueueManager(lanes: [.email: QueueManager.Lane(transport: transport, window: 2,
                                                       quota: SendQuota(limits: limits, timeZone: TimeZone(identifier: "UTC")!))],
                     clock: .system, progress: progress) { item, outcome in outcomes.put(item, outcome) }
    }

    @Test("a transfer stuck past its timeout stops the pings")
    func stuck() {
        let progress = DeliveryProgress()
        progress.begin()
        progress.sending(total: 1, transferTimeout: 0.3)
        let manager = Self.manager(NeverCompletes(), progress: progress, outcomes: OutcomeInbox())
        manager.submit([Self.prepared(1)])
        Thread.sleep(forTimeInterval: 0.2)
        #expect(progress.isAlive(interval: 0.3), "within the transfer's timeout")
        Thread.sleep(forTimeInterval: 0.6)
        #expect(!progress.isAlive(interval: 0.3), "0.8 s without progress, past a 0.3 s timeout + 0.3 s interval")
        progress.finish()
        #expect(progress.isAlive(interval: 0.3), "idle again")
    }

    @Test("waiting for a quota is not a hang")
    func quotaWait() {
        let progress = DeliveryProgress()
        progress.begin()
        progress.sending(total: 3, transferTimeout: 0.1)
        let outcomes = OutcomeInbox()
        let manager = Self.manager(Accepts(), limits: RateLimits(perMinute: 1), progress: progress, outcomes: outcomes)
        manager.submit([Self.prepared(1), Self.prepared(2), Self.prepared(3)])
        let first = outcomes.take(waitingUntil: Date().addingTimeInterval(1))
        #expect(first.count == 1, "one a minute: only the first goes now")
        Thread.sleep(forTimeInterval: 0.8)
        #expect(progress.isAlive(interval: 0.2), "the next start is a minute away: waiting, not hung")
        #expect(progress.summary?.contains("email limited to 1/min") == true, "\(progress.summary ?? "nil")")
        manager.stop()
        var rest: [(Dispatcher.Prepared, DeliveryOutcome)] = []
        let deadline = Date().addingTimeInterval(2)
        while rest.count < 2, Date() < deadline { rest += outcomes.take(waitingUntil: deadline) }
        #expect(rest.count == 2 && rest.allSatisfy { $0.1 == .notStarted }, "stopping hands back what waits, unsent")
    }

    @Test("nothing due: alive however long it has been")
    func idle() {
        let progress = DeliveryProgress()
        #expect(progress.isAlive(now: Date().addingTimeInterval(3600), interval: 1))
    }
}
