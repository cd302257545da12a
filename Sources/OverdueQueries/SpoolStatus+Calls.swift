import OverdueCalendar
import OverdueCore

extension SpoolStatus {
    /// `overdue calls`: the debtors a `call` stage listed, on `day`, each
    /// call's day read in the debtor's own calendar.
    public func callList(on day: CalendarDate) -> CallList {
        let calendars = BusinessCalendars(schedule: config.schedule)
        let calls = deliveries.outcomes.filter { $0.message.channel == .call && $0.status == .sent }.map(\.message)
        let debtors = Dictionary(ledger.entries.values.map { ($0.invoice.customer.id, ledger.directory.effective(for: $0.invoice).customer) },
                                 uniquingKeysWith: { first, _ in first })
        let owed = Planner(settings: config.plannerSettings).owed(ledger: ledger, history: deliveries.history)
        return CallList(ledger: ledger, calls: calls, on: day, owed: owed) { call in
            debtors[call.customer].map { calendars.calendar(for: $0) }?.localDay(call.time)
                ?? calendars.calendar(for: nil).localDay(call.time)
        }
    }
}
