import OverdueCalendar
import OverdueCore

extension SpoolStatus {
    /// `overdue calls` on `day`: the planner's call list (`Planner.callList`).
    public func callList(on day: CalendarDate) -> CallList {
        let calls = deliveries.outcomes.filter { $0.message.channel == .call && $0.status == .sent }.map(\.message)
        return Planner(settings: config.plannerSettings).callList(ledger: ledger, history: deliveries.history, calls: calls, on: day)
    }
}
