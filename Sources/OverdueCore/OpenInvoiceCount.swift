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

    public mutating func update(_ ledger: Ledger, changes: LedgerChanges, today: CalendarDate) -> Int {
        if day != today || changes.everything || ledger.entries.count < isOpen.count {
            day = today
            isOpen = ledger.entries.values.map { $0.state(on: today) == .open }
            open = isOpen.reduce(0) { $0 + ($1 ? 1 : 0) }
            return open
        }
        for id in changes.invoices {
            guard let position = ledger.entries.position(of: id) else { continue }
            while isOpen.count <= position { isOpen.append(false) }
            let now = ledger.entries[position: position].state(on: today) == .open
            if now != isOpen[position] {
                open += now ? 1 : -1
                isOpen[position] = now
            }
        }
        return open
    }
}
