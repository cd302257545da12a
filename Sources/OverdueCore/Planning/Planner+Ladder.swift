import Foundation
import OverdueCalendar

/// Where a unit stands on its ladder, read from what was delivered: the one
/// reading of the delivery history the planner's choice of stage uses.
///
/// Only delivered letters climb: a stage counts once the debtor could read
/// it (an e-mail or text accepted, a call put on the list), or, for a stage
/// that only reaches the business's own system, once its webhook was
/// accepted. A stage tried and not delivered (refused, dead-lettered,
/// suppressed) holds the ladder where it is until it is delivered some
/// other way or a person re-queues it (`overdue retry`).
struct LadderPosition {
    /// The highest stage delivered (-1: none yet).
    var last = -1
    var lastTime: Date?
    /// The last notice the debtor could read: not a final, after the due
    /// date, by e-mail or SMS (the final waits `min_gap_days` after it).
    var lastNotice: Date?
    /// The latest payment deadline a delivered letter gave for the unit:
    /// no later stage goes out before the day after it.
    var payBy: CalendarDate?
    /// The lowest stage above `last` that was tried and not delivered.
    var blocked: Int?
}

extension Planner {
    /// Channels a debtor reads (or a person acts on): a stage delivered only
    /// to the business's webhook has not reached the debtor.
    static let debtorChannels: Set<Channel> = [.email, .sms, .call]

    /// `stale(position)`: a pre-due stage whose day has passed, never sent now.
    func ladderPosition(of sends: [DeliveryHistory.StageSend], stages: [Stage], stale: (Int) -> Bool) -> LadderPosition {
        var position = LadderPosition()
        for send in sends {
            // Every deadline the debtor read counts, a broken-promise letter's too (not a
            // call sheet's or our own webhook's: the debtor did not read those).
            if send.reached, send.channel == .email || send.channel == .sms, let payBy = send.payBy {
                position.payBy = max(position.payBy ?? payBy, payBy)
            }
            // (A policy has a handful of stages: a search, not a dictionary built per unit.)
            guard let index = stages.firstIndex(where: { $0.name == send.stage }) else { continue }
            guard delivers(send, stage: stages[index]) else { continue }
            position.last = max(position.last, index)
            position.lastTime = max(position.lastTime ?? send.time, send.time)
            if !stages[index].final, stages[index].offsetDays > 0, send.channel == .email || send.channel == .sms {
                position.lastNotice = max(position.lastNotice ?? send.time, send.time)
            }
        }
        // A second look once `last` is known (no set built per unit: the planner reads every unit on every pass).
        for send in sends {
            guard let index = stages.firstIndex(where: { $0.name == send.stage }), index > position.last, !stale(index) else { continue }
            position.blocked = min(position.blocked ?? index, index)
        }
        return position
    }

    /// Whether `send` delivered its stage: reached on a channel the debtor
    /// reads, or on any channel when the stage has none the debtor reads.
    func delivers(_ send: DeliveryHistory.StageSend, stage: Stage) -> Bool {
        guard send.reached else { return false }
        if Self.debtorChannels.contains(send.channel) { return true }
        return !(stage.channels + stage.fallback).contains { Self.debtorChannels.contains($0) && settings.enabledChannels.contains($0) }
    }

    /// The stage to plan for a unit: rule 4's catch-up (the latest stage
    /// that applies) only before anything was delivered; after that one
    /// step at a time (the next stage, passing over stale pre-due ones), and
    /// a stage tried without success is tried again before any above it.
    /// After a pause (`resumed`) the first stage not yet delivered.
    func nextStage(_ ladder: LadderPosition, stageCount: Int, resumed: Bool, eligible: (Int) -> Bool, stale: (Int) -> Bool) -> Int? {
        if let blocked = ladder.blocked { return eligible(blocked) ? blocked : nil }
        guard ladder.last + 1 < stageCount else { return nil }
        let ceiling = ladder.last >= 0 ? (ladder.last + 1..<stageCount).first { !stale($0) } ?? stageCount - 1 : stageCount - 1
        let open = (ladder.last + 1...ceiling).filter(eligible)
        return resumed ? open.first : open.last
    }
}

extension Planner {
    /// Why a channel cannot deliver a stage tried before: "e-mail to a@b
    /// not delivered (suppressed) on 2027-01-11T09:00:00Z: a@b opted out of email".
    static func notDelivered(_ channel: Channel, _ tried: DeliveryHistory.StageSend, now reach: Reach) -> String {
        let how = tried.suppressed ? "suppressed" : "refused or failed"
        var text = "\(channel.rawValue) to \(tried.recipient.isEmpty ? "nobody" : tried.recipient) not delivered (\(how)) on "
            + tried.time.formatted(.iso8601)
        if case .unreachable(_, let reason) = reach { text += ": \(reason)" }
        if !tried.suppressed { text += "; overdue retry \(tried.key) sends it again" }
        return text
    }
}
