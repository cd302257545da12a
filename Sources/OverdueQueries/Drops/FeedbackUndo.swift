import Foundation
import OverdueConfig
import OverdueCore
import OverdueSpool

/// `overdue undo-feedback MESSAGE-ID`: what undoes the automated effect of
/// one message read from the feedback mailbox, found by its `feedback` log
/// lines (which carry the evidence it was believed on). A suppression or an
/// unsubscribe is undone by an opt-in for that address on e-mail; a reply's
/// pause by an `undone` feedback event. The caller drops the events into
/// the inbox, as every operator action is.
public enum FeedbackUndo {
    public struct Plan: Sendable {
        public var events: [LedgerEvent]
        /// One line per effect undone, for the operator.
        public var lines: [String]
    }

    public struct NothingToUndo: Error, CustomStringConvertible {
        public var description: String
    }

    public static func plan(config: Config, messageID: String, now: Date) throws -> Plan {
        let wanted = messageID.hasPrefix("<") ? messageID : "<\(messageID)>"
        let lines = try LogView.lines(config: config, filter: LogView.Filter(event: "feedback")).filter { line in
            guard case .string(let id) = line["message_id"] else { return false }
            // One report about several recipients logs "<id>|address" per recipient.
            return id == wanted || id == messageID || id.hasPrefix(wanted + "|")
        }
        guard !lines.isEmpty else {
            throw NothingToUndo(description: "no feedback line for \(messageID) in the delivery log; see overdue log --event feedback for the message ids")
        }
        var plan = Plan(events: [], lines: [])
        for line in lines {
            func text(_ key: String) -> String? { if case .string(let value) = line[key] { value } else { nil } }
            let evidence = text("evidence").map { " (believed on: \($0))" } ?? ""
            switch text("kind").flatMap(FeedbackEvent.Kind.init(rawValue:)) {
            case .hardBounce?, .unsubscribe?:
                guard let address = text("recipient") else { continue }
                plan.events.append(.optin(address: address, channel: .email))
                plan.lines.append("\(text("kind") ?? "") of \(address)\(evidence): undone by an opt-in for e-mail")
            case .reply?:
                guard let customer = text("customer") else { continue }
                plan.events.append(.feedback(FeedbackEvent(kind: .undone, messageID: "undo-" + (text("message_id") ?? messageID),
                                                           date: Planner.today(at: now, schedule: config.plannerSettings.schedule), customer: customer,
                                                           reason: "undo-feedback \(messageID)")))
                plan.lines.append("reply pause of \(customer)\(evidence): ended")
            default:
                plan.lines.append("\(text("kind") ?? "feedback") \(text("message_id") ?? ""): no effect to undo")
            }
        }
        guard !plan.events.isEmpty else { throw NothingToUndo(description: plan.lines.joined(separator: "; ")) }
        return plan
    }
}

extension FeedbackUndo.NothingToUndo: OverdueError {
    public var code: ErrorCode { .feedbackNothingToUndo }
}
