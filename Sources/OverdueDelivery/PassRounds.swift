import Foundation
import OverdueCore
import OverdueSpool

/// What one pass sends at one instant, defined once: the daemon's pass and
/// `run --once` (`Pipeline.pass`) and the rehearsal `run --once --dry-run`
/// (`Rehearsal`) all run these rounds, so a dry run lists what the pass
/// then sends, fallbacks included and messages still backing off left out.
///
/// A pass is rounds at the same instant: plan; what the plan skips (opted
/// out, no address on that channel) is suppressed and the plan made again,
/// so that stage falls back to its next channel; what is due (`isDue`) is
/// dispatched; when something in that round failed or was suppressed, its
/// fallback may be due in the next. A stage tried without success holds
/// its ladder (the planner's `LadderPosition`), so a refusal never lets a
/// higher stage out in the same pass.
public enum PassRounds {
    /// Enough for a suppression, a fallback and the fallback's own failure.
    public static let maxRounds = 4

    /// What a round's dispatch came to: anything failed or suppressed lets its fallback go next.
    public struct Round: Sendable {
        public var failed: Int
        public var suppressed: Int
        public init(failed: Int, suppressed: Int) {
            self.failed = failed
            self.suppressed = suppressed
        }
    }

    /// Whether a planned send goes out in this pass: no outcome recorded for
    /// it, and not waiting for its next attempt after a transient failure.
    public static func isDue(_ send: PlannedSend, history: DeliveryHistory, deferred: [String: DeliveryJournal.Deferral], now: Date) -> Bool {
        !history.contains(key: send.key) && retryTime(send, history: history, deferred: deferred, now: now) == nil
    }

    /// When a send that is planned now waits for its retry instead (nil: it does not wait).
    public static func retryTime(_ send: PlannedSend, history: DeliveryHistory, deferred: [String: DeliveryJournal.Deferral], now: Date) -> Date? {
        guard !history.contains(key: send.key), let next = deferred[send.key]?.next, next > now else { return nil }
        return next
    }

    /// What a pass at `now` would send, suppressing and falling back as the
    /// pass does, without building or sending anything (each due send
    /// counted as delivered): the status outbox. `first` is the plan over
    /// `history` at `now`; `replan` plans again over the history as the
    /// rounds leave it (only after a suppression).
    public static func wouldSend(first: PlanResult, history: DeliveryHistory, deferred: [String: DeliveryJournal.Deferral], now: Date,
                                 replan: (DeliveryHistory) -> PlanResult) -> [PlannedSend] {
        var history = history
        var sends: [PlannedSend] = []
        var firstRound: PlanResult? = first
        run(plan: {
            defer { firstRound = nil }
            return firstRound ?? replan(history)
        }, suppress: { skipped in
            for send in skipped where !history.contains(key: send.key) { history.record(send.sentMessage(at: now), status: .suppressed) }
        }, dispatch: { due in
            for send in due where isDue(send, history: history, deferred: deferred, now: now) {
                sends.append(send)
                history.record(send.sentMessage(at: now), status: .sent)
            }
            return Round(failed: 0, suppressed: 0)
        })
        return sends
    }

    /// The rounds: `plan` plans at the pass's instant over the history as it
    /// stands; `suppress` records the skipped sends; `dispatch` sends the
    /// due ones (filtering with `isDue`) and says what came of them.
    public static func run(plan: () -> PlanResult, suppress: ([PlannedSend]) throws -> Void,
                           dispatch: ([PlannedSend]) throws -> Round) rethrows {
        for _ in 0..<maxRounds {
            let result = plan()
            if !result.skipped.isEmpty {
                try suppress(result.skipped)
                continue
            }
            let round = try dispatch(result.due)
            if round.failed == 0 && round.suppressed == 0 { break }
        }
    }
}
