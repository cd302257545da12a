import Foundation
import Logging
import OverdueSpool
@testable import OverdueDaemon
import ServiceLifecycle
import Synchronization
import Testing

/// The daemon's pass loop in-process: the real `PipelineService` over a
/// temporary spool, its clock and wake-up timer driven by the test
/// (`ManualLoop`). What is asserted is the order of the loop's events and
/// what the spool holds after them, never how long anything took; each wait
/// is bounded (at least 30 s without an event) only so that a broken loop fails.
@Suite("PipelineService: the pass loop's events in order")
struct PipelineServiceTests {
    static let logger: Logger = {
        var logger = Logger(label: "test.loop.group")
        logger.logLevel = .warning
        return logger
    }()

    /// Ends the loop as a cancelled group does; waits until it stopped and `run()` returned.
    func end(_ loop: ManualLoop, _ run: Task<Void, any Error>) async throws {
        run.cancel()
        try await loop.events.wait(for: .stopped)
        try await run.value
    }

    func start(_ loop: ManualLoop) async throws -> Task<Void, any Error> {
        let service = loop.service
        let run = Task { try await service.run() }
        try await loop.events.wait(forName: "passFinished(start)")
        return run
    }

    @Test("the start pass runs before anything else and arms the planner's next wake-up; at that instant a timer pass delivers the due letter")
    func startThenTimer() async throws {
        // Due Fri 2027-04-09: the overdue notice is due Mon 04-12 09:00 BST
        // (08:00 UTC); the clock starts three seconds before.
        let loop = try ManualLoop(prefix: "overdue-loop-timer", now: "2027-04-12T07:59:57Z",
                                  inbox: ["a.json": ManualLoop.invoice("A-1", customer: "alpha", due: "2027-04-09")])
        let run = try await start(loop)
        #expect(loop.events.names == ["started", "passStarted(start)", "passFinished(start)"])
        let next = try #require(loop.events.all.compactMap { event -> Date? in
            if case .passFinished("start", let next) = event { next } else { nil }
        }.first)
        #expect(next == Timestamp.parse("2027-04-12T08:00:00Z"))
        #expect(loop.wake.armedFor == next)
        #expect(loop.letters.isEmpty, "sent before the window opened")
        #expect(!loop.wake.fireIfDue(), "the wake-up is not in the future")

        loop.clock.advance(to: next)
        #expect(loop.wake.fireIfDue())
        try await loop.events.wait(forName: "passFinished(timer)")
        #expect(loop.letters.count == 1, "the timer pass did not deliver the overdue notice")
        try await end(loop, run)
        #expect(loop.events.names == [
            "started", "passStarted(start)", "passFinished(start)", "passStarted(timer)", "passFinished(timer)", "stopping", "stopped",
        ])
    }

    @Test("a file moved into the inbox of an idle loop causes an inbox pass that sends its letter")
    func inboxPass() async throws {
        let loop = try ManualLoop(prefix: "overdue-loop-inbox", now: "2027-03-23T10:00:00Z")
        let run = try await start(loop)
        #expect(loop.events.all == [.started, .passStarted(reason: "start"), .passFinished(reason: "start", nextWake: nil)])
        #expect(loop.wake.armedFor == nil, "nothing is planned, nothing armed")

        try loop.move(ManualLoop.invoice("B-1", customer: "beta", due: "2027-03-10"), as: "b.json")
        try await loop.events.wait(forName: "passFinished(inbox)")
        #expect(loop.letters.count == 1)
        try await end(loop, run)
        #expect(loop.events.names == [
            "started", "passStarted(start)", "passFinished(start)", "passStarted(inbox)", "passFinished(inbox)", "stopping", "stopped",
        ])
    }

    @Test("a timer and an inbox file heard during a pass coalesce into one more pass after it, named by the first")
    func coalescing() async throws {
        let loop = try ManualLoop(prefix: "overdue-loop-coalesce", now: "2027-04-12T07:59:57Z",
                                  inbox: ["a.json": ManualLoop.invoice("A-1", customer: "alpha", due: "2027-04-09")])
        let run = try await start(loop)
        let next = try #require(loop.wake.armedFor)

        // A pass for a new file, held on the work queue: running, as far as the loop knows.
        let gate = loop.holdPasses()
        try loop.move(ManualLoop.invoice("B-1", customer: "beta", due: "2027-03-10"), as: "b.json")
        try await loop.events.wait(forName: "passStarted(inbox)")
        loop.clock.advance(to: next)
        #expect(loop.wake.fireIfDue())
        try await loop.events.wait(forName: "passQueued(timer)")
        try loop.move(ManualLoop.invoice("C-1", customer: "gamma", due: "2027-03-10"), as: "c.json")
        try await loop.events.wait(forName: "passQueued(inbox)")
        gate.signal()

        // The pass after the held one (the start pass, the held one, this one).
        try await loop.events.wait("the coalesced pass") { $0.filter { $0.name.hasPrefix("passFinished") }.count >= 3 }
        // A third pass would have started before the loop heard the end.
        try await end(loop, run)
        #expect(loop.events.names == [
            "started", "passStarted(start)", "passFinished(start)",
            "passStarted(inbox)", "passQueued(timer)", "passQueued(inbox)", "passFinished(inbox)",
            "passStarted(timer)", "passFinished(timer)", "stopping", "stopped",
        ])
        // The held pass ran after the clock reached 08:00 UTC: all three notices.
        #expect(loop.letters.count == 3)
    }

    @Test("a reload gives its event and then a reload pass: refused for a broken config (the loop goes on), applied for a valid one")
    func reload() async throws {
        let loop = try ManualLoop(prefix: "overdue-loop-reload", now: "2027-03-23T10:00:00Z")
        let run = try await start(loop)

        try "[schedule]\ntimezone = \"Nowhere/Land\"\n".write(to: loop.spool.config, atomically: true, encoding: .utf8)
        loop.service.reload()
        try await loop.events.wait(forName: "passFinished(reload)")
        let refusal = loop.events.all.compactMap { event -> String? in if case .reloadRefused(let detail) = event { detail } else { nil } }
        #expect(refusal.count == 1 && refusal.allSatisfy { $0.contains("Nowhere/Land") }, "\(refusal)")
        // Still running on the old configuration.
        try loop.move(ManualLoop.invoice("C-1", customer: "gamma", due: "2027-03-10"), as: "c.json")
        try await loop.events.wait(forName: "passFinished(inbox)")
        #expect(loop.letters.count == 1)

        try ManualLoop.config(grace: 3599).write(to: loop.spool.config, atomically: true, encoding: .utf8)
        loop.service.reload()
        try await loop.events.wait(forName: "passFinished(reload)", count: 2)
        try await end(loop, run)
        #expect(loop.events.names == [
            "started", "passStarted(start)", "passFinished(start)",
            "reloadRefused", "passStarted(reload)", "passFinished(reload)",
            "passStarted(inbox)", "passFinished(inbox)",
            "reloadApplied", "passStarted(reload)", "passFinished(reload)", "stopping", "stopped",
        ])
    }

    enum Ending: String, CaseIterable, Sendable {
        /// The group's graceful shutdown (SIGTERM, SIGINT in the daemon).
        case gracefulShutdown
        /// The task cancelled (the group ends because another service failed).
        case cancellation
    }

    /// Set once `run()` returned.
    final class Returned: Sendable {
        private let flag = Mutex(false)
        func set() { flag.withLock { $0 = true } }
        var value: Bool { flag.withLock { $0 } }
    }

    @Test("a shutdown while a pass runs: stopping at once, stopped only after that pass finished, then run() returns",
          arguments: Ending.allCases)
    func shutdownDuringPass(_ ending: Ending) async throws {
        let loop = try ManualLoop(prefix: "overdue-loop-stop", now: "2027-03-23T10:00:00Z",
                                  inbox: ["b.json": ManualLoop.invoice("B-1", customer: "beta", due: "2027-03-10")])
        let gate = loop.holdPasses()  // the start pass waits behind it
        let service = loop.service
        let returned = Returned()
        let group = ServiceGroup(services: [service], logger: Self.logger)
        let run = Task {
            switch ending {
            case .gracefulShutdown: try await group.run()
            case .cancellation: try await service.run()
            }
            returned.set()
        }
        try await loop.events.wait(forName: "passStarted(start)")
        switch ending {
        case .gracefulShutdown: await group.triggerGracefulShutdown()
        case .cancellation: run.cancel()
        }
        try await loop.events.wait(for: .stopping)
        #expect(!loop.events.names.contains("stopped"), "stopped while the pass ran")
        #expect(!returned.value, "run() returned while the pass ran")

        gate.signal()
        try await loop.events.wait(for: .stopped)
        try await run.value
        #expect(returned.value)
        #expect(loop.events.names == ["started", "passStarted(start)", "stopping", "passFinished(start)", "stopped"])
    }
}
