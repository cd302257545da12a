import Foundation
import Logging
import OverdueConfig
import OverdueCore
import OverdueRender
import OverdueSpool
import OverdueTransports

/// What one dispatch pass did.
public struct DispatchSummary: Sendable, Equatable {
    public var sent = 0
    public var deferred = 0
    public var failed = 0
    public var ambiguous = 0
    public var suppressed = 0
    /// Recipients a gateway reported as opted out (e.g. Twilio 21610).
    public var optOuts: [LedgerEvent] = []

    package init() {}

    package mutating func add(_ other: DispatchSummary) {
        sent += other.sent
        deferred += other.deferred
        failed += other.failed
        ambiguous += other.ambiguous
        suppressed += other.suppressed
        optOuts += other.optOuts
    }
}

/// outbox → transports → log, streaming. Messages are rendered ahead in
/// batches on all cores and their exact bytes kept in `messages/` (one
/// fdatasync a batch); the `QueueManager` starts each channel's transfers
/// as its window and quota allow; outcomes are journaled and logged in
/// group commits (every `commitBatch` outcomes or `commitInterval`,
/// whichever comes first), while later messages are still in flight.
///
/// Crash bound: a message whose transfer finished but whose outcome was not
/// yet committed is planned again after a restart, with the same key,
/// Message-ID and webhook-id, so receivers can drop the copy (the Maildir
/// finds its first copy by name). At most the transfers in flight (the sum
/// of the channels' `max_connections`) plus one uncommitted group can go
/// out twice.
public final class Dispatcher {
    let config: Config
    let spool: Spool
    package let deliveryJournal: DeliveryJournal
    let documentNotices: DocumentNotices
    let log: EventLog
    let logger: Logger
    let clock: OverdueClock
    let transports: TransportSet
    let archive: MessageArchive
    /// The channels' windows and quotas, kept across passes (a day's quota
    /// is a day's, not a pass's).
    let manager: QueueManager
    let outcomes = OutcomeInbox()
    /// How far the current pass is, for the watchdog and `STATUS=`.
    let progress: DeliveryProgress
    /// Builds each message's bytes (on all cores, see `prepareAll`).
    let builder: MessageBuilder
    /// When set, no further transfer is started (SIGTERM).
    package var stop = StopFlag()
    /// When set, the pass starts no further transfer and returns once those
    /// in flight are done (SIGHUP: the reload applies between messages).
    package var yield = StopFlag()
    /// Transient failures wait here until their next attempt (also in the
    /// delivery journal, so a restart keeps the schedule).
    package var deferred: [String: DeliveryJournal.Deferral] = [:]
    /// Final outcomes per channel and status since the spool began (for metrics).
    package var counts: [String: [String: Int]] = [:]
    /// Dead letters known to this process (for metrics).
    package var failedCount = 0
    /// Channels in `run/channels.json` (read once; see `channelPauseLines`).
    lazy var pausedChannels = Set(ChannelStatus.read(spool).paused.keys.compactMap(Channel.init(rawValue:)))
    /// Messages rendered (and their bytes kept) per batch.
    static let renderBatch = 64
    /// Outcomes are committed when this many have arrived or
    /// `commitInterval` has passed since the last commit.
    static let commitBatch = 64
    static let commitInterval: TimeInterval = 0.1

    package init(config: Config, spool: Spool, deliveryJournal: DeliveryJournal, log: EventLog, logger: Logger, clock: OverdueClock,
                templates: TemplateSet, progress: DeliveryProgress = DeliveryProgress(), sentToday: [Channel: [Date]] = [:]) throws {
        self.progress = progress
        self.config = config
        self.spool = spool
        self.deliveryJournal = deliveryJournal
        documentNotices = try DocumentNotices(spool: spool)
        self.log = log
        self.logger = logger
        self.clock = clock
        let transportSet = try TransportSet(config: config, spool: spool, logger: logger)
        transports = transportSet
        archive = MessageArchive(directory: spool.messages)
        var lanes: [Channel: QueueManager.Lane] = [:]
        // A pause outlives the process (`run --once` each minute must not try a refused password each minute).
        let paused = ChannelStatus.read(spool).paused
        let zone = TimeZone(identifier: config.schedule.timezone) ?? TimeZone(identifier: "UTC")!
        for channel in Channel.allCases {
            guard let transport = transportSet.transport(for: channel) else { continue }
            lanes[channel] = QueueManager.Lane(
                transport: transport, window: transportSet.concurrency[channel] ?? 4,
                quota: SendQuota(limits: transportSet.rates[channel] ?? RateLimits(), timeZone: zone, sentToday: sentToday[channel] ?? []))
            lanes[channel]?.logsIn = [.email: config.email?.credentialsFile, .sms: config.sms?.credentialsFile][channel].flatMap { $0 } != nil
            if let pause = paused[channel.rawValue], pause.until > clock.now() {
                lanes[channel]?.pausedUntil = pause.until
                lanes[channel]?.pauseReason = pause.reason
            }
        }
        let outcomes = outcomes
        manager = QueueManager(lanes: lanes, clock: clock, progress: progress) { item, outcome in outcomes.put(item, outcome) }
        builder = MessageBuilder(config: config, templates: templates, calendars: BusinessCalendars(schedule: config.schedule),
                                 logger: logger, channels: config.enabledChannels, documents: DocumentStore(spool: spool),
                                 signer: try FeedbackKeyStore(spool: spool).signer(now: clock.now()))
    }

    /// The earliest instant a deferred message may be tried again, in the
    /// future: a deferral whose time has come but that the planner does not
    /// plan now (outside business hours, paid meanwhile) must not wake the
    /// daemon over and over; the plan's own wake-up brings it back.
    public func nextRetry(after now: Date) -> Date? { deferred.values.map(\.next).filter { $0 > now }.min() }

    /// One prepared delivery.
    struct Prepared: Sendable {
        var send: PlannedSend
        var message: OutgoingMessage
        var fields: [String: JSONValue]
        var bytes: [UInt8]
        /// Invoices whose named PDF has not arrived (reported once, when sent).
        var missingDocuments: [(invoice: String, name: String)] = []
    }

    /// Sends what is due, streaming: render a batch ahead, keep its bytes,
    /// hand it to the queue manager, commit outcomes as they come, until
    /// every message has an outcome (or, when stopping, every transfer that
    /// started has ended).
    public func dispatch(_ sends: [PlannedSend], ledger: Ledger, history: inout DeliveryHistory) throws -> DispatchSummary {
        let now = clock.now()
        var summary = DispatchSummary()
        let due = sends.filter { PassRounds.isDue($0, history: history, deferred: deferred, now: now) }
        guard !due.isEmpty else { return summary }
        progress.sending(total: due.count, transferTimeout: Double(transports.longestTimeout))
        // Rendered but not yet sent: enough to keep every window full.
        let ahead = max(Self.renderBatch * 2, transports.concurrency.values.reduce(0, +) * 4)
        var next = 0
        var submitted = 0
        var accounted = 0
        var stopped = false
        var pending: [(Prepared, DeliveryOutcome)] = []
        /// The last group commit; the first outcome of a pass is committed at
        /// once (so even a pass killed early leaves progress), later ones
        /// every `commitBatch` outcomes or `commitInterval`.
        var lastCommit = Date.distantPast
        do {
            while true {
                if stop.isSet || yield.isSet, !stopped {
                    stopped = true
                    // What waits is handed back unsent; the next pass plans it again.
                    manager.stop(permanently: stop.isSet)
                }
                if !stopped, next < due.count, submitted - accounted < ahead {
                    let batch = Array(due[next..<min(next + Self.renderBatch, due.count)])
                    next += batch.count
                    let prepared = try prepareBatch(batch, ledger: ledger, history: history, summary: &summary)
                    progress.advanced()
                    if !prepared.isEmpty {
                        // The exact bytes are kept before they leave (one fdatasync per batch).
                        try archive.append(prepared.map { MessageArchive.Entry(key: $0.send.key, channel: $0.send.channel.rawValue, bytes: $0.bytes) },
                                           at: clock.now())
                        manager.submit(prepared)
                        submitted += prepared.count
                    }
                    if next < due.count, submitted - accounted < ahead { continue }
                }
                if !((stopped || next >= due.count) && accounted == submitted) {
                    // Sleep until an outcome arrives, the pending group is due, or a
                    // short while passes (to notice a stop); never a busy loop.
                    let deadline = pending.isEmpty ? Date().addingTimeInterval(0.25) : lastCommit.addingTimeInterval(Self.commitInterval)
                    let arrived = outcomes.take(waitingUntil: deadline)
                    if !arrived.isEmpty {
                        pending += arrived
                        accounted += arrived.count
                        progress.advanced(finished: arrived.count)
                    }
                }
                let complete = (stopped || next >= due.count) && accounted == submitted
                if !pending.isEmpty, complete || pending.count >= Self.commitBatch
                    || Date() >= lastCommit.addingTimeInterval(Self.commitInterval) {
                    try record(pending.map(\.0), outcomes: pending.map(\.1), history: &history, summary: &summary)
                    pending = []
                    lastCommit = Date()
                }
                if complete { break }
            }
        } catch {
            // The spool could not be written (a full disk): start nothing more,
            // let what is in flight end, and record what can be recorded, so
            // no transfer outlives its pass unjournaled (the next pass would
            // send it again) and no stale outcome reaches the next pass.
            manager.stop(permanently: false)
            let limit = Date().addingTimeInterval(Double(transports.longestTimeout) + 5)
            while accounted < submitted, Date() < limit {
                let arrived = outcomes.take(waitingUntil: min(limit, Date().addingTimeInterval(1)))
                pending += arrived
                accounted += arrived.count
            }
            if !pending.isEmpty {
                try? record(pending.map(\.0), outcomes: pending.map(\.1), history: &history, summary: &summary)
            }
            throw error
        }
        return summary
    }

    /// Renders a batch on all cores; a message that cannot be built is
    /// deferred (journaled and logged at once), the rest returned in order.
    private func prepareBatch(_ batch: [PlannedSend], ledger: Ledger, history: DeliveryHistory,
                              summary: inout DispatchSummary) throws -> [Prepared] {
        var entries: [LogEntry] = []
        var deferrals: [DeliveryJournal.Deferral] = []
        var prepared: [Prepared] = []
        for (send, result) in zip(batch, prepareAll(batch, ledger: ledger, history: history)) {
            switch result {
            case .success(let item):
                prepared.append(item)
            case .failure(let error):
                var fields = Self.fields(send, attempt: (deferred[send.key]?.attempt ?? 0) + 1)
                fields["detail"] = .string("\(error)")
                let deferral = postpone(send.key, notBefore: nil, now: clock.now())
                fields["next_attempt"] = .string(Timestamp.format(deferral.next))
                entries.append(LogEntry(time: clock.now(), event: "deferred", fields: fields))
                deferrals.append(deferral)
                summary.deferred += 1
            }
        }
        if !deferrals.isEmpty {
            try deliveryJournal.append(deferrals: deferrals, at: clock.now())
            try log.append(entries)
        }
        return prepared
    }

    /// Takes failed deliveries back (journal first, then the log): the
    /// planner will plan them again with the same keys.
    package func requeue(_ keys: [String], at now: Date) throws {
        try deliveryJournal.append(requeued: keys, at: now)
        try log.append(keys.map {
            LogEntry(time: now, event: "requeued", fields: ["key": .string($0), "detail": .string("re-queued by overdue retry")])
        })
    }

    /// Records messages the planner could not address (opted out, no
    /// address) as suppressed, once, so their stage can fall back.
    public func suppress(_ skipped: [PlannedSend], history: inout DeliveryHistory) throws {
        let now = clock.now()
        var outcomes: [DeliveryJournal.Outcome] = []
        var entries: [LogEntry] = []
        for send in skipped where !history.contains(key: send.key) {
            var fields = Self.fields(send, attempt: 0)
            fields["detail"] = .string(send.skipReason ?? "cannot be reached on this channel")
            entries.append(LogEntry(time: now, event: "suppressed", fields: fields))
            let message = send.sentMessage(at: now)
            outcomes.append(DeliveryJournal.Outcome(message: message, status: .suppressed, detail: send.skipReason ?? ""))
            counts[send.channel.rawValue, default: [:]][DeliveryStatus.suppressed.rawValue, default: 0] += 1
            history.record(message, status: .suppressed)
        }
        try deliveryJournal.append(outcomes: outcomes, at: now)
        try log.append(entries)
    }

    /// Journals and logs one chunk's outcomes (one fdatasync each).
    private func record(_ chunk: [Prepared], outcomes: [DeliveryOutcome], history: inout DeliveryHistory,
                        summary: inout DispatchSummary) throws {
        var entries: [LogEntry] = []
        var finished: [DeliveryJournal.Outcome] = []
        var deferrals: [DeliveryJournal.Deferral] = []
        for (item, original) in zip(chunk, outcomes) where original != .notStarted {
            let time = clock.now()
            var outcome = original
            if case .transient(let code, let detail, _) = outcome, let first = deferred[item.send.key]?.first,
               time.timeIntervalSince(first) >= Double(config.daemon.retryLifetimeHours) * 3600 {
                outcome = .permanent(code: code, detail: "gave up after \(config.daemon.retryLifetimeHours) hours of retries: \(detail)")
            }
            var fields = item.fields
            fields["code"] = .number(Decimal(outcome.code))
            fields["detail"] = .string(outcome.detail)
            switch outcome {
            case .sent(_, let id, _):
                if let id { fields["gateway_id"] = .string(id) }
                summary.sent += 1
            case .ambiguous: summary.ambiguous += 1
            case .permanent: summary.failed += 1
            case .noSuchRecipient(_, let detail):
                // The transport says the address does not exist: it goes on the suppression list.
                summary.failed += 1
                summary.optOuts.append(.bounce(address: item.send.recipient, channel: item.send.channel, reason: detail))
            case .disabled: summary.failed += 1
            case .optedOut:
                summary.suppressed += 1
                summary.optOuts.append(.optout(address: item.send.recipient, channel: item.send.channel))
            case .transient, .channelDown:
                // A paused channel's letters come back when the pause ends, not before (no pass only to say "not tried").
                let notBefore = outcome.notBefore ?? (outcome.isChannelDown ? manager.pausedUntil(item.send.channel) : nil)
                let deferral = postpone(item.send.key, notBefore: notBefore, now: time)
                fields["next_attempt"] = .string(Timestamp.format(deferral.next))
                deferrals.append(deferral)
                summary.deferred += 1
            }
            entries.append(LogEntry(time: time, event: outcome.event, fields: fields))
            journal(outcome, of: item.send)
            guard let status = outcome.status else { continue }  // deferred: retried later
            if status.reachedDebtor, !item.missingDocuments.isEmpty {
                for notice in try documentNotices.firstNotices(item.missingDocuments, at: time) {
                    entries.append(LogEntry(time: time, event: "document_missing", fields: [
                        "invoice": .string(notice.invoice), "document": .string(notice.name), "key": .string(item.send.key),
                        "detail": .string("reminded without its PDF: \(notice.name) has not been dropped in the inbox; drop it under that name and later reminders carry it"),
                    ]))
                }
            }
            // Sent, maybe sent, refused for good or opted out: never sent
            // again automatically (`overdue retry` re-queues a failed one).
            deferred[item.send.key] = nil
            let message = item.send.sentMessage(at: time)
            finished.append(DeliveryJournal.Outcome(message: message, status: status, code: outcome.code, detail: outcome.detail))
            counts[item.send.channel.rawValue, default: [:]][status.rawValue, default: 0] += 1
            if status == .failed { failedCount += 1 }
            history.record(message, status: status)
        }
        entries += channelPauseLines(after: zip(chunk, outcomes).map { ($0.send.channel, $1) })
        try deliveryJournal.append(outcomes: finished, deferrals: deferrals, at: clock.now())
        try log.append(entries)
    }

    /// What an operator watching the journal (journalctl) should see of a
    /// delivery: anything but a plain success, once, with the delivery log's
    /// key to look it up there. Sends themselves are at debug level.
    private func journal(_ outcome: DeliveryOutcome, of send: PlannedSend) {
        let metadata: Logger.Metadata = [
            "delivery.key": "\(send.key)", "delivery.channel": "\(send.channel.rawValue)", "delivery.customer": "\(send.customer)",
            "delivery.code": "\(outcome.code)", "delivery.detail": "\(outcome.detail)",
        ]
        switch outcome {
        case .sent: logger.debug("delivered", metadata: metadata)
        case .transient, .channelDown: logger.notice("delivery deferred; it is tried again", metadata: metadata)
        case .ambiguous: logger.warning("delivery may or may not have arrived; it is not sent again", metadata: metadata)
        case .permanent, .noSuchRecipient, .disabled: logger.warning("delivery failed for good", metadata: metadata)
        case .optedOut: logger.info("delivery refused by an opt-out at the gateway", metadata: metadata)
        }
    }

    /// Renders a chunk on all cores (rendering and MIME building are most of
    /// a send's CPU time); results keep the chunk's order.
    private func prepareAll(_ sends: [PlannedSend], ledger: Ledger, history: DeliveryHistory) -> [Result<Prepared, any Error>] {
        let attempts = sends.map { (deferred[$0.key]?.attempt ?? 0) + 1 }
        let (builder, now) = (builder, clock.now())
        return parallelMap(sends.count) { index in
            let send = sends[index]
            var fields = Self.fields(send, attempt: attempts[index])
            return Result { () throws -> Prepared in
                let built = try builder.build(send, ledger: ledger, history: history, now: now, fields: &fields)
                return Prepared(send: send, message: built.message, fields: fields, bytes: built.bytes,
                                missingDocuments: built.documents.missing)
            }
        }
    }

}
