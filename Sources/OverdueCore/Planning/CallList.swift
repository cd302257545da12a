import Foundation
import OverdueCalendar

/// The phone follow-up work list (`overdue calls`): debtors a `call` stage
/// put on the list, who still owe something overdue and whom nobody has
/// phoned since. Pure; ordered by an explainable score whose parts are shown.
///
/// Score = days + amount + history + disputes, where
/// - days: days past due of the oldest overdue invoice, at most 90;
/// - amount: 1 point per 100 units of the overdue amount (largest currency), at most 100;
/// - history: the debtor's average days late on invoices paid in full, at most 60;
/// - disputes: 15 per invoice in dispute on the day, at most 45 (a call is
///   how a dispute gets settled, and it changes what the caller says).
public struct CallList: Sendable {
    public struct Score: Sendable, Equatable {
        public var days: Int
        public var amount: Int
        public var history: Int
        public var disputes: Int
        public var total: Int { days + amount + history + disputes }
    }

    public struct Entry: Sendable, Equatable {
        public var customer: String
        public var name: String
        public var phone: String?
        public var contact: String?
        /// The day the call stage put the debtor on the list.
        public var listed: CalendarDate
        public var stage: String
        /// Overdue open amounts per currency.
        public var overdue: [String: Decimal]
        public var invoices: [String]
        public var oldestDaysPastDue: Int
        /// Average days late on invoices paid in full; nil without any.
        public var averageDaysLate: Decimal?
        public var disputed: Int
        public var score: Score
        /// The day the debtor replied to a reminder (no payment, promise or dispute since): read it before calling.
        public var replied: CalendarDate?
    }

    public var day: CalendarDate
    public var entries: [Entry]

    public static let maxDays = 90, maxAmount = 100, maxHistory = 60, perDispute = 15, maxDisputes = 45

    /// Built by the planner (`Planner.callList`), the one place that says who is owed what.
    /// `calls`: the reached sends on the call channel; `localDay` turns a
    /// send's instant into the debtor's calendar day.
    /// `owed`: the principal still owed on an invoice on a day (`Planner.owed`).
    init(ledger: Ledger, calls: [SentMessage], on day: CalendarDate,
         owed: (LedgerEntry, CalendarDate) -> Decimal = { $0.balance(on: $1) }, localDay: (SentMessage) -> CalendarDate) {
        self.day = day
        var listed: [String: (day: CalendarDate, stage: String)] = [:]
        for call in calls where call.channel == .call {
            let callDay = localDay(call)
            guard callDay <= day else { continue }
            if listed[call.customer].map({ $0.day <= callDay }) ?? true { listed[call.customer] = (callDay, call.stage) }
        }
        var byCustomer: [String: [LedgerEntry]] = [:]
        for entry in ledger.entries.values {
            // The debtor as the planner listed them: the customer directory applied.
            let id = ledger.directory.effective(for: entry.invoice).customer.id
            if listed[id] != nil { byCustomer[id, default: []].append(entry) }
        }
        var entries: [Entry] = []
        for (customer, (listedDay, stage)) in listed {
            // Phoned since the call stage: off the list until the next one.
            if let called = ledger.lastCalled[customer], called >= listedDay, called <= day { continue }
            let invoices = (byCustomer[customer] ?? []).sorted { $0.invoice.id < $1.invoice.id }
            guard let first = invoices.first else { continue }
            var overdue: [String: Decimal] = [:]
            var ids: [String] = []
            var oldest = 0, disputed = 0
            var lateDays: [Int] = []
            for entry in invoices where !entry.cancelled && entry.invoice.issued <= day {
                if let settled = entry.settledOn, settled <= day {
                    lateDays.append(max(0, entry.invoice.due.days(until: settled)))
                    continue
                }
                if let handedOff = entry.handedOff, handedOff <= day { continue }
                let balance = owed(entry, day)
                let pastDue = entry.invoice.due.days(until: day)
                guard balance > 0, pastDue > 0 else { continue }
                if entry.isDisputed {
                    disputed += 1
                    continue
                }
                overdue[entry.invoice.currency, default: 0] += balance
                ids.append(entry.invoice.id)
                oldest = max(oldest, pastDue)
            }
            guard !ids.isEmpty || disputed > 0 else { continue }
            let average = lateDays.isEmpty ? nil : Decimal(lateDays.reduce(0, +)) / Decimal(lateDays.count)
            let largest = overdue.values.max() ?? 0
            let score = Score(
                days: min(Self.maxDays, oldest),
                amount: min(Self.maxAmount, Self.whole(largest / 100)),
                history: min(Self.maxHistory, average.map { Self.whole($0 + Decimal(string: "0.5")!) } ?? 0),
                disputes: min(Self.maxDisputes, Self.perDispute * disputed))
            let customerRecord = ledger.directory.effective(for: first.invoice).customer
            entries.append(Entry(customer: customer, name: customerRecord.name, phone: customerRecord.phone,
                                 contact: customerRecord.contact, listed: listedDay, stage: stage, overdue: overdue,
                                 invoices: ids, oldestDaysPastDue: oldest, averageDaysLate: average.map { $0.rounded(places: 1) },
                                 disputed: disputed, score: score, replied: ledger.replies[customer]))
        }
        self.entries = entries.sorted {
            ($0.score.total, $0.overdue.values.max() ?? 0, $1.customer) > ($1.score.total, $1.overdue.values.max() ?? 0, $0.customer)
        }
    }

    /// The whole part of a non-negative amount.
    static func whole(_ value: Decimal) -> Int {
        var input = value
        var output = Decimal()
        NSDecimalRound(&output, &input, 0, .down)
        return NSDecimalNumber(decimal: output).intValue
    }
}
