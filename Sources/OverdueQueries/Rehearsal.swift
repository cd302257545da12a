import Foundation
import OverdueConfig
import OverdueCore
import OverdueRender

/// `overdue run --once --dry-run`: what a pass would send at an instant,
/// each message built into its exact bytes (so a template or data problem
/// shows), and nothing sent or written: no lock, no journal, no log, no
/// inbox file moved. The rehearsal before a go-live or a config change.
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
    public let nextWake: Date?
    public let inboxFiles: Int

    public init(config: Config, now: Date) throws {
        let snapshot = try SpoolSnapshot(config: config)
        let plan = snapshot.planner.plan(ledger: snapshot.ledger, history: snapshot.history, now: now)
        let builder = try snapshot.builder()
        lines = plan.due.map { send in
            var fields: [String: JSONValue] = [:]
            do {
                let built = try builder.build(send, ledger: snapshot.ledger, history: snapshot.history, now: now, fields: &fields)
                return Line(send: send, bytes: built.bytes.count)
            } catch {
                return Line(send: send, bytes: 0, problem: "\(error)")
            }
        }
        suppressed = plan.skipped
        nextWake = plan.nextWake
        inboxFiles = snapshot.inboxFiles
    }
}
