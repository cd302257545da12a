import Dispatch
import Foundation
import Logging
import OverdueConfig
import OverdueCore
import OverdueSpool
@testable import OverdueDaemon
import Synchronization
import Testing
import TestSupport

/// A clock that stands still until the test moves it.
final class ManualClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date) { current = Mutex(start) }

    var now: Date { current.withLock { $0 } }
    var clock: OverdueClock { OverdueClock { [self] in now } }

    func advance(to instant: Date) { current.withLock { $0 = max($0, instant) } }
}

/// The pass loop's wake-up timer, fired by the test: `fireIfDue` fires it,
/// on the loop's control queue as the Dispatch timer would, once the manual
/// clock has reached the armed instant.
final class ManualWake: WakeScheduler, Sendable {
    private struct State {
        var queue: DispatchQueue?
        var fire: (@Sendable () -> Void)?
        var armed: Date?
    }
    private let state = Mutex(State())
    private let clock: ManualClock

    init(clock: ManualClock) { self.clock = clock }

    /// The factory `PipelineService` calls with its control queue.
    func attach(_ queue: DispatchQueue, _ fire: @escaping @Sendable () -> Void) -> any WakeScheduler {
        state.withLock { $0.queue = queue; $0.fire = fire }
        return self
    }

    func arm(at instant: Date?) { state.withLock { $0.armed = instant } }

    var armedFor: Date? { state.withLock { $0.armed } }

    /// True if it fired (it was armed for an instant the clock has reached).
    @discardableResult
    func fireIfDue() -> Bool {
        let now = clock.now
        let due: (DispatchQueue, @Sendable () -> Void)? = state.withLock { state in
            guard let armed = state.armed, armed <= now, let queue = state.queue, let fire = state.fire else { return nil }
            state.armed = nil
            return (queue, fire)
        }
        guard let (queue, fire) = due else { return false }
        queue.async { fire() }
        return true
    }
}

/// The events the loop told its observer, in order.
final class LoopEvents: Sendable {
    private let events = Mutex<[PipelineService.Event]>([])

    func record(_ event: PipelineService.Event) { events.withLock { $0.append(event) } }

    var all: [PipelineService.Event] { events.withLock { $0 } }

    /// The order, without payloads other than the pass reason: "passFinished(start)".
    var names: [String] { all.map(\.name) }

    /// Waits until `condition` holds for the events so far: a bounded wait
    /// (6000 looks 5 ms apart without a new event, so at least 30 s) that
    /// fails a broken loop instead of hanging. Counted in looks, not read on
    /// a clock: the blocking tests of other suites can hold the cooperative
    /// threads (two on a two-core machine) for longer than that, and this
    /// task and the loop's `run()` then wait together.
    func wait(_ what: Comment, sourceLocation: SourceLocation = #_sourceLocation,
              until condition: ([PipelineService.Event]) -> Bool) async throws {
        var seen = -1
        var quietLooks = 0
        while true {
            let now = all
            if condition(now) { return }
            if now.count != seen { seen = now.count; quietLooks = 0 }
            quietLooks += 1
            if quietLooks > 6000 {
                Issue.record("no event in 6000 looks waiting for \(what); events: \(names)", sourceLocation: sourceLocation)
                throw NoEvent()
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Waits until an event equal to `event` arrived (counting from the start).
    func wait(for event: PipelineService.Event, count: Int = 1, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await wait("\(event.name)", sourceLocation: sourceLocation) { $0.filter { $0 == event }.count >= count }
    }

    /// Waits until the named event (`names`' form) arrived `count` times.
    func wait(forName name: String, count: Int = 1, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await wait("\(name)", sourceLocation: sourceLocation) { $0.filter { $0.name == name }.count >= count }
    }
}

/// Thrown (after the issue is recorded) when the loop stayed silent.
struct NoEvent: Error {}

extension PipelineService.Event {
    var name: String {
        switch self {
        case .started: "started"
        case .passStarted(let reason): "passStarted(\(reason))"
        case .passQueued(let reason): "passQueued(\(reason))"
        case .passFinished(let reason, _): "passFinished(\(reason))"
        case .passFailed(let reason, _): "passFailed(\(reason))"
        case .reloadApplied: "reloadApplied"
        case .reloadRefused: "reloadRefused"
        case .stopping: "stopping"
        case .stopped: "stopped"
        case .graceExpired: "graceExpired"
        }
    }
}

/// The real `PipelineService` over a temporary spool (the embedded Maildir
/// for e-mail), on a manual clock and timer, with its events recorded.
/// `work` is the pass queue: a test holds a pass back by blocking it.
final class ManualLoop {
    let spool: TestSpool
    let clock: ManualClock
    let wake: ManualWake
    let events: LoopEvents
    let work: DispatchQueue
    let service: PipelineService

    init(prefix: String, now: String, inbox files: [String: String] = [:]) throws {
        spool = try TestSpool(prefix: prefix, config: Self.config())
        for (name, text) in files { try spool.drop(text, as: name) }
        clock = ManualClock(Timestamp.parse(now)!)
        wake = ManualWake(clock: clock)
        var logger = Logger(label: "test.loop")
        logger.logLevel = .warning
        let config = try ConfigLoader.load(path: spool.config.path)
        let events = LoopEvents()
        let work = DispatchQueue(label: "test.work")
        self.events = events
        self.work = work
        service = try DaemonServices(config: config, configPath: spool.config.path, clock: clock.clock, logger: logger,
                                     environment: [:], work: work, wakeScheduler: wake.attach,
                                     observer: { events.record($0) }).passes
    }

    /// The grace period is long: a test's shutdown must not depend on how soon it gets to open its gate.
    static func config(grace: Int = 3600) -> String {
        "[spool]\ndir = \"spool\"\n[schedule]\ntimezone = \"Europe/London\"\n[daemon]\nshutdown_grace_seconds = \(grace)\n"
    }

    static func invoice(_ id: String, customer: String, due: String) -> String {
        #"{"invoice": "\#(id)", "customer": {"id": "\#(customer)", "name": "\#(customer)", "email": "ap@\#(customer).example", "timezone": "Europe/London"}, "issued": "2027-02-01", "due": "\#(due)", "currency": "GBP", "amount": "50.00"}"#
    }

    /// Moves a finished file into the inbox (written beside the spool, then
    /// renamed in, as the README says): one inotify event, one inbox pass.
    func move(_ text: String, as name: String) throws {
        let outside = spool.root.appendingPathComponent(name)
        try text.write(to: outside, atomically: true, encoding: .utf8)
        try FileManager.default.moveItem(at: outside, to: spool.inbox.appendingPathComponent(name))
    }

    /// The letters the embedded Maildir holds.
    var letters: [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: spool.spool.appendingPathComponent("mail/new").path)) ?? []
    }

    /// Holds the work queue until the returned gate is opened (`signal()`):
    /// the pass handed to it meanwhile waits, so it is "running" for the loop.
    func holdPasses() -> DispatchSemaphore {
        let gate = DispatchSemaphore(value: 0)
        work.async { gate.wait() }
        return gate
    }
}
