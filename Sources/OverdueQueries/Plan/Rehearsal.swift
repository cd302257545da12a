import Foundation
import OverdueConfig
import OverdueCore
import OverdueDelivery
import OverdueRender
import OverdueSpool

/// `overdue run --once --dry-run`: what a pass would send at an instant,
/// each message built into its exact bytes (so a template or data problem
/// shows), and nothing sent or written: no lock, no journal, no log, no
/// inbox file moved. The rehearsal before a go-live or a config change.
/// It runs the pass's own rounds (`PassRounds`) over a copy of the
/// delivery history, taking every message it would send as delivered: so
/// it lists the fallbacks a suppression brings, and leaves out messages
/// still waiting for their retry (listed apart).
public struct Rehearsal {
    public struct Line: Sendable {
        public var send: PlannedSend
        public var bytes: Int
        /// Why the message could not be built (it would be deferred).
        public var problem: String?
    }

    public let lines: [Line]
    /// Messages the planner would log as suppressed (opted out, no address).
    public let suppressed: [PlannedSend]
    /// Messages planned now that wait for their next attempt, with its time.
    public let waiting: [(send: PlannedSend, until: Date)]
    public let nextWake: Date?
    public let inboxFiles: Int

    public init(config: Config, now: Date) throws {
        let snapshot = try SpoolSnapshot(config: config)
        let builder = try snapshot.builder()
        var history = snapshot.history
        var deferred = snapshot.deferred
        var lines: [Line] = []
        var suppressed: [PlannedSend] = []
        var waiting: [String: (send: PlannedSend, until: Date)] = [:]
        func plan() -> PlanResult { snapshot.planner.plan(ledger: snapshot.ledger, history: history, now: now) }
        PassRounds.run(plan: plan, suppress: { skipped in
            for send in skipped where !history.contains(key: send.key) {
                suppressed.append(send)
                history.record(send.sentMessage(at: now), status: .suppressed)
            }
        }, dispatch: { due in
            for send in due where !history.contains(key: send.key) {
                if let until = PassRounds.retryTime(send, history: history, deferred: deferred, now: now) {
                    waiting[send.key] = (send, until)
                    continue
                }
                var fields: [String: JSONValue] = [:]
                do {
                    let built = try builder.build(send, ledger: snapshot.ledger, history: history, now: now, fields: &fields)
                    lines.append(Line(send: send, bytes: built.bytes.count))
                    history.record(send.sentMessage(at: now), status: .sent)
                } catch {
                    // The pass defers what it cannot build: it waits, and is not tried again in this pass.
                    lines.append(Line(send: send, bytes: 0, problem: "\(error)"))
                    deferred[send.key] = DeliveryJournal.Deferral(key: send.key, attempt: 1, next: .distantFuture, first: now)
                }
            }
            return PassRounds.Round(failed: 0, suppressed: 0)
        })
        self.lines = lines
        self.suppressed = suppressed
        self.waiting = waiting.values.sorted { $0.send.key < $1.send.key }
        nextWake = plan().nextWake
        inboxFiles = snapshot.inboxFiles
    }
}
