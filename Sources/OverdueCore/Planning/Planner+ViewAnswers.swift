import Foundation
import OverdueCalendar

/// Where a planned letter stands with approval (`approve = true` stages).
public enum ApprovalState: Sendable, Equatable {
    /// Its stage does not ask for approval.
    case notNeeded
    /// It waits for a person (`overdue approve KEY`).
    case needed
    /// A person approved it: it goes at its window.
    case approved
    /// A person held it (`overdue hold KEY --reason …`).
    case held(reason: String)
}

/// A send later than its stage's day because holidays closed the days between.
public struct HolidayMove: Sendable, Equatable {
    /// The stage's own day (the due date plus its offset).
    public var from: CalendarDate
    public var holidays: [(date: CalendarDate, name: String)]

    public static func == (lhs: HolidayMove, rhs: HolidayMove) -> Bool {
        lhs.from == rhs.from && lhs.holidays.map(\.date) == rhs.holidays.map(\.date) && lhs.holidays.map(\.name) == rhs.holidays.map(\.name)
    }
}

/// Answers the views (`plan`, `preview`, `status`) ask instead of deciding
/// themselves: the planner's own rules, in one place.
extension Planner {
    /// What ties a Cc copy to its letter: the same debtor, stage and units
    /// (not the channel or the time: a copy may be deferred apart from it).
    static func letterKey(_ send: PlannedSend) -> String {
        "\(send.customer)|\(send.stage)|\(send.items.map(\.item.unitID).sorted().joined(separator: ","))"
    }

    /// Each send's approval as the planner decides it, by delivery key: a
    /// letter of an `approve` stage waits until a person approves or holds
    /// it; a Cc copy stands as its letter among `sends` does (a letter not
    /// among them went already, and its copy follows).
    public func approvals(of sends: [PlannedSend], ledger: Ledger) -> [String: ApprovalState] {
        func letterState(_ send: PlannedSend) -> ApprovalState {
            guard send.needsApproval else { return .notNeeded }
            switch ledger.approvals[send.key] {
            case .approve: return .approved
            case .hold(_, let reason): return .held(reason: reason)
            case nil: return .needed
            }
        }
        var letters: [String: ApprovalState] = [:]
        for send in sends where !send.copy && send.needsApproval { letters[Self.letterKey(send)] = letterState(send) }
        var states: [String: ApprovalState] = [:]
        states.reserveCapacity(sends.count)
        for send in sends {
            states[send.key] = !send.needsApproval ? .notNeeded : send.copy ? letters[Self.letterKey(send)] ?? .approved : letterState(send)
        }
        return states
    }

    /// The holidays that moved a send past its stage's day (the planner's
    /// first rule: a stage goes at the first business window on or after
    /// its day), or nil when none did.
    public func holidayMove(_ send: PlannedSend) -> HolidayMove? {
        guard let lead = send.items.first else { return nil }
        let calendar = calendars.calendar(for: send.timeZone, country: send.country)
        let nominal = lead.due.adding(days: lead.stageOffsetDays)
        let moved = calendar.localDay(calendar.firstWindowStart(onOrAfter: nominal))
        let names = calendars.holidays(from: nominal, until: moved, country: send.country)
        return names.isEmpty ? nil : HolidayMove(from: nominal, holidays: names)
    }
}
