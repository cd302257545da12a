import Foundation
import OverdueCore
import OverdueCalendar

/// Collections figures from the ledger and the delivery history, as of a
/// day. Pure: `overdue report` prints it; every formula is stated here.
public struct ReceivablesReport: Sendable {
    public struct Bucket: Sendable, Equatable {
        public var name: String
        public var count = 0
        public var amount: Decimal = 0
    }

    public struct CurrencyFigures: Sendable, Equatable {
        public var currency: String
        /// Σ balance at the day of invoices issued by then (not cancelled).
        public var open: Decimal = 0
        /// The part of `open` past its due date.
        public var overdue: Decimal = 0
        /// Aging by days past due: current (not yet due), 1-30, 31-60, 61-90,
        /// over 90; each installment by its own due date (`openParts`).
        public var aging: [Bucket] = ReceivablesReport.bucketNames.map { Bucket(name: $0) }
        /// Days sales outstanding, simple method over the period:
        /// receivables at the day ÷ credit sales in the period × period days.
        public var dso: Decimal?
        /// Collection effectiveness index over the period, in percent:
        /// (opening receivables + credit sales − closing receivables)
        /// ÷ (opening receivables + credit sales − closing current receivables) × 100.
        public var cei: Decimal?
        /// Customers by overdue amount, largest first (at most 10), with the name letters use.
        public var topDebtors: [(customer: String, name: String, overdue: Decimal)] = []

        public static func == (lhs: CurrencyFigures, rhs: CurrencyFigures) -> Bool {
            lhs.currency == rhs.currency && lhs.open == rhs.open && lhs.overdue == rhs.overdue && lhs.aging == rhs.aging
                && lhs.dso == rhs.dso && lhs.cei == rhs.cei && lhs.topDebtors.map(\.customer) == rhs.topDebtors.map(\.customer)
                && lhs.topDebtors.map(\.overdue) == rhs.topDebtors.map(\.overdue)
        }
    }

    /// The aging buckets, youngest first.
    public static let bucketNames = ["current", "1-30", "31-60", "61-90", "over 90"]

    /// A reminder stage's figures. After-payment messages (the receipt) are
    /// not stages: they follow a payment, so they cannot have caused one.
    public struct StageFigures: Sendable, Equatable {
        public var stage: String
        /// Invoices the stage was first sent for in the period (the `periodDays` up to the day).
        public var reminded: Int
        /// Of those, paid in full within 7 days of the stage's first send.
        public var paidWithin7Days: Int
        public var share: Decimal? { reminded == 0 ? nil : Decimal(paidWithin7Days) / Decimal(reminded) * 100 }
    }

    public var day: CalendarDate
    public var periodDays: Int
    public var currencies: [CurrencyFigures]
    /// Invoices paid in full by the day, and how many of them after their due date.
    public var paidCount: Int
    public var paidLateCount: Int
    public var stages: [StageFigures]
    /// Debtors who replied to a reminder and have not paid, promised or disputed since.
    public var repliedDebtors: Int = 0

    public var paidLateShare: Decimal? { paidCount == 0 ? nil : Decimal(paidLateCount) / Decimal(paidCount) * 100 }

    /// The report on `day` (the creditor's day, `Planner.today`) as the
    /// planner sees the book: what is owed as the policy allocates payments
    /// (`Planner.owed`), the stages in ladder order, each send's day in the
    /// schedule's zone. What `report` and the daemon's metrics show.
    public init(ledger: Ledger, history: DeliveryHistory, planner: Planner, on day: CalendarDate, periodDays: Int = 90) {
        self.init(ledger: ledger, history: history, on: day, periodDays: periodDays, ladder: planner.settings.reminderStages,
                  owed: planner.owed(ledger: ledger, history: history), sendDay: planner.today(at:))
    }

    /// The figures from their parts (tests give them directly).
    /// `ladder`: the reminder stages in the order debtors meet them
    /// (`PlannerSettings.reminderStages`); stages sent once but no longer
    /// configured follow, by name.
    /// `owed`: the principal still owed on an invoice on a day; here by default the cash balance.
    /// `sendDay`: the day a send counts on; here by default its UTC day.
    init(ledger: Ledger, history: DeliveryHistory, on day: CalendarDate, periodDays: Int = 90, ladder: [String] = [],
         owed: (LedgerEntry, CalendarDate) -> Decimal = { $0.balance(on: $1) }, sendDay: (Date) -> CalendarDate = CalendarDay.utc) {
        self.day = day
        self.periodDays = periodDays
        let start = day.adding(days: -periodDays)
        var byCurrency: [String: CurrencyFigures] = [:]
        var openingReceivables: [String: Decimal] = [:]
        var sales: [String: Decimal] = [:]
        var currentAtEnd: [String: Decimal] = [:]
        var debtors: [String: [String: Decimal]] = [:]
        var debtorInvoice: [String: Invoice] = [:]
        var paid = 0, paidLate = 0
        var reminded: [String: Int] = [:], effective: [String: Int] = [:]

        for entry in ledger.entries.values.sorted(by: { $0.invoice.id < $1.invoice.id }) where !entry.cancelled {
            let invoice = entry.invoice
            guard invoice.issued <= day else { continue }
            let currency = invoice.currency
            var figures = byCurrency[currency] ?? CurrencyFigures(currency: currency)
            let balance = owed(entry, day)
            figures.open += balance
            for part in entry.openParts(balance: balance) where part.open > 0 {
                let late = part.due.days(until: day)
                let bucket = late <= 0 ? 0 : late <= 30 ? 1 : late <= 60 ? 2 : late <= 90 ? 3 : 4
                figures.aging[bucket].count += 1
                figures.aging[bucket].amount += part.open
                if late > 0 {
                    figures.overdue += part.open
                    // The debtor as the planner reminds them (the directory applied): one line per debtor.
                    let debtor = ledger.directory.effective(for: invoice).customer.id
                    debtors[currency, default: [:]][debtor, default: 0] += part.open
                    debtorInvoice[debtor] = debtorInvoice[debtor] ?? invoice
                } else {
                    currentAtEnd[currency, default: 0] += part.open
                }
            }
            if invoice.issued > start { sales[currency, default: 0] += invoice.amount }
            else { openingReceivables[currency, default: 0] += owed(entry, start) }
            byCurrency[currency] = figures

            let settled = entry.settledOn
            if let settled, settled <= day {
                paid += 1
                if settled > invoice.due { paidLate += 1 }
            }
            // Stage effectiveness: the first send of each reminder stage for
            // this invoice, counted when it falls in the period (up to the day).
            var firstSend: [String: Date] = [:]
            for unit in ReminderItem.unitIDs(of: invoice) {
                for send in history.sends(of: unit) where send.reached && send.stage != PlannerSettings.thanksStage {
                    firstSend[send.stage] = min(firstSend[send.stage] ?? send.time, send.time)
                }
            }
            for (stage, time) in firstSend {
                let sentDay = sendDay(time)
                guard sentDay > start, sentDay <= day else { continue }
                reminded[stage, default: 0] += 1
                if let settled, settled >= sentDay, settled <= sentDay.adding(days: 7) { effective[stage, default: 0] += 1 }
            }
        }
        for (currency, var figures) in byCurrency {
            let periodSales = sales[currency] ?? 0
            if periodSales > 0 { figures.dso = Self.rounded(figures.open / periodSales * Decimal(periodDays)) }
            let opening = openingReceivables[currency] ?? 0
            let denominator = opening + periodSales - (currentAtEnd[currency] ?? 0)
            if denominator > 0 { figures.cei = Self.rounded((opening + periodSales - figures.open) / denominator * 100) }
            figures.topDebtors = (debtors[currency] ?? [:]).filter { $0.value > 0 }
                .sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(10).map { customer, overdue in
                    let name = debtorInvoice[customer].map { ledger.directory.effective(for: $0).customer.name } ?? customer
                    return (customer, name.isEmpty ? customer : name, overdue)
                }
            byCurrency[currency] = figures
        }
        currencies = byCurrency.values.sorted { $0.currency < $1.currency }
        paidCount = paid
        paidLateCount = paidLate
        repliedDebtors = ledger.replies.count
        let order = ladder.filter { reminded[$0] != nil } + reminded.keys.filter { !ladder.contains($0) }.sorted()
        stages = order.map { StageFigures(stage: $0, reminded: reminded[$0]!, paidWithin7Days: effective[$0] ?? 0) }
    }

    /// A figure as the report shows it: one decimal.
    public static func rounded(_ value: Decimal) -> Decimal { value.rounded(places: 1) }
}
