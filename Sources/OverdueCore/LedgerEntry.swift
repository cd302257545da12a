import Foundation
import OverdueCalendar

/// Where an invoice stands.
public enum InvoiceState: String, Sendable, Codable, CaseIterable {
    case open, paid, disputed, promised, cancelled
    case handedOff = "handed_off"
}

/// One invoice in the ledger with what happened to it since it arrived.
public struct LedgerEntry: Sendable, Equatable {
    public var invoice: Invoice
    /// What is still owed: the invoice's balance less payments recorded since.
    public var balance: Decimal
    public var disputed = false
    public var cancelled = false
    public var promisedUntil: CalendarDate?
    /// When the invoice went to a collection agency, if it did.
    public var handedOff: CalendarDate?
    /// Overpayment beyond the balance, kept so it is not lost.
    public var credit: Decimal = 0
    /// Events in the order they were recorded.
    public var events: [LedgerEvent] = []
    /// How many of `events` came before the invoice was last (re-)dropped:
    /// the dropped balance already counts their payments.
    public var eventsBeforeDrop = 0
    /// The PDF named by `invoice.document`, once it has arrived.
    public var document: StoredDocument?

    /// The closed periods the invoice was disputed, from each dated
    /// `dispute` to the `resolve` after it (the ingester dates both when a
    /// record gives no date): what `interest_during_dispute` leaves out.
    public var disputePeriods: [DisputePeriod] {
        var periods: [DisputePeriod] = []
        var opened: CalendarDate?
        for event in events {
            switch event {
            case .dispute(_, let date, _): opened = opened ?? date
            case .resolve(_, let date):
                if let from = opened, let until = date, from <= until { periods.append(DisputePeriod(from: from, until: until)) }
                opened = nil
            default: break
            }
        }
        return periods
    }

    /// The state on a given day (a promise to pay lapses after its date).
    /// `owed`: the principal still owed as the policy allocates payments
    /// (`Planner.principalOpen`); by default the balance.
    public func state(on today: CalendarDate, owed: Decimal? = nil) -> InvoiceState {
        if cancelled { return .cancelled }
        if (owed ?? balance) <= 0 { return .paid }
        if handedOff != nil { return .handedOff }
        if isDisputed { return .disputed }
        if isPromised(on: today) { return .promised }
        return .open
    }
}

/// Days an invoice was disputed: from `from` up to, not including, `until`
/// (the day it was resolved).
public struct DisputePeriod: Sendable, Equatable {
    public var from: CalendarDate
    public var until: CalendarDate

    public init(from: CalendarDate, until: CalendarDate) {
        self.from = from
        self.until = until
    }
}

/// A PDF kept in the spool (`documents/<sha256>.pdf`) under the name it was dropped with.
public struct StoredDocument: Sendable, Equatable {
    public var name: String
    public var sha256: String
    public var size: Int

    public init(name: String, sha256: String, size: Int) {
        self.name = name
        self.sha256 = sha256
        self.size = size
    }
}

/// An opt-out: nobody at `address` hears from us on `channel` (nil = any).
public struct OptOut: Sendable, Hashable {
    public var address: String
    public var channel: Channel?

    public init(address: String, channel: Channel?) {
        self.address = OptOut.normalize(address)
        self.channel = channel
    }

    /// E-mail addresses compare without case.
    public static func normalize(_ address: String) -> String { address.lowercased() }
}
