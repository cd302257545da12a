import Dispatch
import Foundation
import OverdueCore
import OverdueSpool
import OverdueTransports

/// Streams prepared messages out, after Postfix's queue manager: per channel
/// a window of `max_connections` transfers, refilled the moment one
/// completes, fed only as fast as the channel's quota allows. A quota wait
/// arms a timer instead of sleeping a thread, and one slow or failing
/// channel never delays another. Each outcome is handed to `completed` (on
/// this manager's queue) as soon as it is known.
final class QueueManager: @unchecked Sendable {  // all mutable state is confined to `queue`
    struct Lane {
        var transport: Transport?
        var window: Int
        var quota: SendQuota
        var waiting: [Dispatcher.Prepared] = []
        var head = 0
        var inFlight: [String: Date] = [:]
        var timerArmed = false
        var quotaWait: Date?
        /// Paused (credentials refused, relay unreachable): nothing starts before this.
        var pausedUntil: Date?
        var pauseReason = ""
        /// Attempts in a row that reached no server (the circuit breaker's count).
        var unreachable = 0
        /// Until a transfer on a channel that logs in got an answer about its
        /// message, one at a time: a wrong password then costs one AUTH, not
        /// `window` (a channel without credentials starts at full window).
        var proven = true
        var logsIn = false {
            didSet { proven = !logsIn }
        }
    }

    /// How long a channel pauses after a channel-wide failure: one attempt
    /// per pause, so a wrong password costs one failed AUTH every ten
    /// minutes, not one per message (a relay or fail2ban locks out far less).
    static let channelPause: TimeInterval = 600
    /// Consecutive attempts that reached no server before the channel
    /// pauses (Postfix's dead-destination idea).
    static let breakerThreshold = 5

    /// A channel that paused, for the dispatcher's log and `status`.
    struct Pause: Sendable, Equatable {
        var channel: Channel
        var until: Date
        var reason: String
    }
    private var pauses: [Pause] = []

    private let queue = DispatchQueue(label: "overdue.delivery")
    private var lanes: [Channel: Lane]
    private var stopping = false
    private let clock: OverdueClock
    private let progress: DeliveryProgress
    private let completed: @Sendable (Dispatcher.Prepared, DeliveryOutcome) -> Void

    init(lanes: [Channel: Lane], clock: OverdueClock, progress: DeliveryProgress,
         completed: @escaping @Sendable (Dispatcher.Prepared, DeliveryOutcome) -> Void) {
        self.lanes = lanes
        self.clock = clock
        self.progress = progress
        self.completed = completed
    }

    func submit(_ items: [Dispatcher.Prepared]) {
        queue.async { [self] in
            var channels = Set<Channel>()
            for item in items {
                if lanes[item.send.channel] == nil {
                    completed(item, .transient(code: 0, detail: "no transport for \(item.send.channel.rawValue)", notBefore: nil))
                    continue
                }
                lanes[item.send.channel]!.waiting.append(item)
                channels.insert(item.send.channel)
            }
            for channel in channels { pump(channel) }
        }
    }

    /// No new transfer starts; what waits is handed back as not started,
    /// what is in flight finishes. Not `permanently` (a reload): later
    /// submissions go out again.
    func stop(permanently: Bool = true) {
        queue.async { [self] in
            stopping = permanently
            for channel in Array(lanes.keys) {
                let lane = lanes[channel]!
                for item in lane.waiting[lane.head...] { completed(item, .notStarted) }
                lanes[channel]!.waiting = []
                lanes[channel]!.head = 0
            }
            report()
        }
    }

    /// Starts what the window and the quota allow; if the quota says later,
    /// comes back then.
    private func pump(_ channel: Channel) {
        guard !stopping, var lane = lanes[channel] else { return }
        if let until = lane.pausedUntil, clock.now() < until {
            // Handed back untried: each is deferred with the reason, none costs an attempt.
            for item in lane.waiting[lane.head...] {
                completed(item, .channelDown(code: 0, detail: "not tried: the \(channel.rawValue) channel is paused until \(Timestamp.format(until)): \(lane.pauseReason)"))
            }
            lane.waiting = []
            lane.head = 0
            lanes[channel] = lane
            return
        }
        defer {
            if lane.head > 1024, lane.head * 2 > lane.waiting.count {  // drop what has left, now and then
                lane.waiting.removeFirst(lane.head)
                lane.head = 0
            }
            lanes[channel] = lane
            report()
        }
        lane.quotaWait = nil
        while lane.inFlight.count < (lane.proven ? lane.window : 1), lane.head < lane.waiting.count {
            let now = clock.now()
            let next = lane.quota.nextStart(after: now)
            if next > now {
                lane.quotaWait = Date().addingTimeInterval(next.timeIntervalSince(now))
                if !lane.timerArmed {
                    lane.timerArmed = true
                    queue.asyncAfter(deadline: .now() + next.timeIntervalSince(now)) { [self] in
                        lanes[channel]?.timerArmed = false
                        pump(channel)
                    }
                }
                return
            }
            let item = lane.waiting[lane.head]
            lane.head += 1
            lane.quota.record(now)
            guard let transport = lane.transport else { continue }
            lane.inFlight[item.send.key] = Date()
            let key = item.send.key
            transport.start(item.message) { [self] outcome in
                queue.async { [self] in
                    lanes[channel]?.inFlight[key] = nil
                    breaker(channel, outcome)
                    completed(item, outcome)
                    pump(channel)
                }
            }
        }
    }

    /// Pauses the channel on a channel-wide failure, or after
    /// `breakerThreshold` attempts in a row that reached no server.
    private func breaker(_ channel: Channel, _ outcome: DeliveryOutcome) {
        guard var lane = lanes[channel] else { return }
        defer { lanes[channel] = lane }
        var reason: String?
        switch outcome {
        case .channelDown(_, let detail): reason = detail
        case .transient(let code, let detail, _) where code <= 0:
            lane.unreachable += 1
            if lane.unreachable >= Self.breakerThreshold { reason = "\(lane.unreachable) attempts in a row reached no server: \(detail)" }
        default:
            lane.unreachable = 0
            lane.proven = true
        }
        guard let reason, lane.pausedUntil.map({ $0 <= clock.now() }) ?? true else { return }
        let until = clock.now().addingTimeInterval(Self.channelPause)
        lane.pausedUntil = until
        lane.pauseReason = reason
        lane.unreachable = 0
        lane.proven = !lane.logsIn
        pauses.append(Pause(channel: channel, until: until, reason: reason))
    }

    /// Until when the channel is paused, if it is.
    func pausedUntil(_ channel: Channel) -> Date? {
        queue.sync { lanes[channel]?.pausedUntil }
    }

    /// A reload may have fixed what paused the channels: try them at once.
    func resumeAll() {
        queue.async { [self] in
            for channel in Array(lanes.keys) { lanes[channel]?.pausedUntil = nil }
        }
    }

    /// The pauses since the last call (the pass logs each once).
    func takePauses() -> [Pause] {
        queue.sync {
            let taken = pauses
            pauses = []
            return taken
        }
    }

    private func report() {
        let oldest = lanes.values.compactMap { $0.inFlight.values.min() }.min()
        let wait = lanes.values.compactMap(\.quotaWait).min()
        var limited: [String: String] = [:]
        for (channel, lane) in lanes where lane.quotaWait != nil {
            let limits = lane.quota.limits
            limited[channel.rawValue] = [(limits.perSecond, "s"), (limits.perMinute, "min"), (limits.perHour, "h"), (limits.perDay, "day")]
                .filter { $0.0 > 0 }.map { "\($0.0)/\($0.1)" }.joined(separator: ", ")
        }
        progress.lanes(oldestInFlight: oldest, quotaWaitUntil: wait, limited: limited)
    }
}

/// Outcomes on their way from the delivery queue to the pass that journals
/// them: the pass waits here at most until its next group commit is due.
final class OutcomeInbox: @unchecked Sendable {  // `items` is guarded by `condition`
    private let condition = NSCondition()
    private var items: [(Dispatcher.Prepared, DeliveryOutcome)] = []

    func put(_ item: Dispatcher.Prepared, _ outcome: DeliveryOutcome) {
        condition.lock()
        items.append((item, outcome))
        condition.signal()
        condition.unlock()
    }

    /// What has arrived, waiting until `deadline` if nothing has.
    func take(waitingUntil deadline: Date) -> [(Dispatcher.Prepared, DeliveryOutcome)] {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty, condition.wait(until: deadline) {}
        let taken = items
        items = []
        return taken
    }
}
