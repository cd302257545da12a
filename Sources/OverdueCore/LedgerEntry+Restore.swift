import Foundation
import OverdueCalendar

extension LedgerEntry {
    /// An entry with every field given, as a snapshot saved it (the
    /// memberwise initializer is internal to this module).
    public init(restoring invoice: Invoice, balance: Decimal, disputed: Bool, cancelled: Bool, promisedUntil: CalendarDate?,
                handedOff: CalendarDate?, credit: Decimal, events: [LedgerEvent], eventsBeforeDrop: Int, document: StoredDocument?) {
        self.invoice = invoice
        self.balance = balance
        self.disputed = disputed
        self.cancelled = cancelled
        self.promisedUntil = promisedUntil
        self.handedOff = handedOff
        self.credit = credit
        self.events = events
        self.eventsBeforeDrop = eventsBeforeDrop
        self.document = document
    }
}
