import OverdueCalendar
import OverdueCore

/// `overdue report`: the receivables figures (`ReceivablesReport`), with
/// what is owed as the planner allocates it.
public struct ReportView: SpoolStateView {
    public let state: SpoolState

    /// One planner for the report and its twelve weeks of trend (its calendars are built once).
    private let planner: Planner

    public init(_ state: SpoolState) {
        self.state = state
        planner = Planner(settings: state.config.plannerSettings)
    }

    /// `overdue report`: the receivables figures on `day`.
    public func report(on day: CalendarDate, periodDays: Int) -> ReceivablesReport {
        ReceivablesReport(ledger: ledger, history: deliveries.history, planner: planner, on: day, periodDays: periodDays)
    }

    /// The same report at each of the `weeks` weeks before `day`, oldest first (the HTML trend chart).
    public func reportTrend(before day: CalendarDate, periodDays: Int, weeks: Int = 12) -> [ReceivablesReport] {
        (1...max(1, weeks)).reversed().map { report(on: day.adding(days: -7 * $0), periodDays: periodDays) }
    }
}
