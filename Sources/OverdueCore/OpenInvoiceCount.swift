import OverdueCalendar
/// How many invoices are open, kept between the daemon's passes: counted
/// over the whole ledger once a day (a promise lapses with the date) or
/// after a change not about one invoice, and otherwise updated for the
/// invoices that changed, so a pass after one payment file does not walk a
/// million entries for its log line.
public struct OpenInvoiceCount: Sendable {
    private var isOpen: [Bool] = []
    private var open = 0
    private var day: CalendarDate?

    public init() {}

    /// `state`: the invoice's state as the planner sees it. `recount`: walk
    /// every invoice (a `costs_first` state also moves with letters sent).
    public mutating func update(_ ledger: Ledger, changes: LedgerChanges, today: CalendarDate, recount: Bool = false,
                                state: (LedgerEntry) -> InvoiceState) -> Int {
        if day != today || changes.everything || recount || ledger.entries.count < isOpen.count {
            day = today
            isOpen = ledger.entries.values.map { state($0) == .open }
            open = isOpen.reduce(0) { $0 + ($1 ? 1 : 0) }
            return open
        }
        for id in changes.invoices {
            guard let position = ledger.entries.position(of: id) else { continue }
            while isOpen.count <= position { isOpen.append(false) }
            let now = state(ledger.entries[position: position]) == .open
            if now != isOpen[position] {
                open += now ? 1 : -1
                isOpen[position] = now
            }
        }
        return open
    }
}
