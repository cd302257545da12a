import Foundation
import OverdueCalendar

/// Which statutory charges a debtor's letter carries, and why: decided once
/// per debtor by the planner (`statutoryRule`), applied per unit by `LateCharges.compute`.
public struct ChargeBasis: Sendable, Equatable {
    /// Whether interest and compensation apply at all (`applies_to`, consumers).
    public var applies: Bool
    /// Why, for the log's `charges_rule`.
    public var rule: String?
    /// The debtor country's law, when the policy says `charges = "statutory"`
    /// and overdue bundles one for that country.
    public var law: StatutoryRule?

    public init(applies: Bool, rule: String? = nil, law: StatutoryRule? = nil) {
        self.applies = applies
        self.rule = rule
        self.law = law
    }
}

/// Days of interest at one rate on one amount, as a letter lists them.
public struct InterestPeriod: Sendable, Equatable {
    /// The first and last day of interest, both counted.
    public var from: CalendarDate
    public var to: CalendarDate
    /// Percent a year.
    public var rate: Decimal
    /// What was owed (interest ran on it).
    public var base: Decimal
    /// base × rate × days / 365 / 100, not rounded: the unit's total is
    /// rounded once, and a letter lists `LateCharges.periodAmounts`, which add up to it.
    public var interest: Decimal

    public var days: Int { from.days(until: to) + 1 }
}

/// Late fees and statutory interest on one overdue amount, as shown in a
/// reminder. Shown only: reminders never change the ledger balance.
public struct LateCharges: Sendable, Equatable {
    public var fee: Decimal = 0
    public var interest: Decimal = 0
    public var compensation: Decimal = 0
    /// What payments already paid off of each (`allocation = "costs_first"`
    /// applies a payment to costs and interest first): the letter lists the
    /// charges as they arose and then what was paid toward them.
    public var paidFee: Decimal = 0
    public var paidInterest: Decimal = 0
    public var paidCompensation: Decimal = 0
    /// What payments paid of the invoice's charges this letter does not
    /// list (an installment paid off, a compensation a note before the due
    /// date does not state): said once per invoice, so the principal still
    /// open is explained; in no total (those charges are paid).
    public var paidElsewhere: Decimal = 0
    /// The interest split at each payment, dispute boundary and rate change.
    public var periods: [InterestPeriod] = []
    /// What the law gives that is not charged, and why (a rate not in the
    /// table, compensation in another currency): for the log and `plan`.
    public var remarks: [String] = []

    public init(fee: Decimal = 0, interest: Decimal = 0, compensation: Decimal = 0) {
        self.fee = fee
        self.interest = interest
        self.compensation = compensation
    }

    /// What is still owed in charges.
    public var total: Decimal { fee + interest + compensation - paid }
    public var paid: Decimal { paidFee + paidInterest + paidCompensation }
    /// No charges arose (some may be paid off: the letter still lists them).
    public var isEmpty: Bool { fee + interest + compensation == 0 && paidElsewhere == 0 }

    /// Charges on `amount` owed since `due`, on `today`, for a message at
    /// `stage` of `policy`. Interest is simple interest on a 365-day year,
    /// day by day on what was outstanding (`outstanding`: from each date
    /// on, the amount then owed; by default `amount` all along) at the rate
    /// in force that day: the policy's `interest_rate`, else `basis.law`'s
    /// reference rate from `rates` plus its margin. It runs from the day
    /// after the due date through `today`; a payment lowers it from the day
    /// after its date. Rounded half-up to the currency's minor unit once,
    /// at the end. Compensation is the policy's `compensation`, else the
    /// law's tier for `invoiceAmount` (default `amount`) when the law's
    /// currency is the invoice's: nothing is converted.
    public static func compute(policy: Policy, stage: String, amount: Decimal, currency: String, due: CalendarDate,
                               today: CalendarDate, basis: ChargeBasis = ChargeBasis(applies: true),
                               invoiceAmount: Decimal? = nil, rates: ReferenceRates = .bundled,
                               outstanding: [(from: CalendarDate, amount: Decimal)]? = nil) -> LateCharges {
        guard due.days(until: today) > 0 else { return LateCharges() }
        var charges = LateCharges()
        // The fee of the latest stage reached that carries one.
        if let position = policy.stages.firstIndex(where: { $0.name == stage }) {
            charges.fee = policy.stages[...position].last(where: { $0.fee != nil })?.fee ?? 0
        }
        // Interest and compensation are the law's, where it applies.
        guard basis.applies else { return charges }
        let owed = outstanding ?? [(due, amount)]
        if let flat = policy.interestRatePercent {
            charges.periods = accrue(owed, due: due, today: today, changes: []) { _ in flat }
        } else if let law = basis.law {
            let start = due.adding(days: 1)
            var unknownFrom: (day: CalendarDate, fixing: CalendarDate)?
            charges.periods = accrue(owed, due: due, today: today,
                                     changes: law.rateChanges(after: start, through: today)) { day in
                let (rate, fixing) = law.rate(on: day, interestStart: start, rates: rates)
                if rate == nil, unknownFrom == nil { unknownFrom = (day, fixing) }
                return rate
            }
            if let (day, fixing) = unknownFrom {
                let known = rates[law.series]?.knownUntil.map { " (the table is checked to \($0))" } ?? ""
                charges.remarks.append("the \(law.series) rate in force on \(fixing) is not in the reference rates\(known): no interest from \(day); add it to the [charges] reference_rates file")
            }
        }
        var raw = charges.periods.reduce(Decimal(0)) { $0 + $1.interest }
        var rounded = Decimal()
        NSDecimalRound(&rounded, &raw, Currency.minorUnits(currency), .plain)
        charges.interest = rounded
        if let fixed = policy.compensation {
            charges.compensation = fixed
        } else if let law = basis.law {
            if let sum = law.compensation, sum.currency == currency {
                charges.compensation = sum.amount(for: invoiceAmount ?? amount)
            } else if let sum = law.compensation {
                charges.remarks.append("the \(law.country) compensation is in \(sum.currency); this invoice is in \(currency) and is not converted: none charged")
            } else if let remark = law.remark {
                charges.remarks.append(remark)
            }
        }
        return charges
    }

    /// Each period's interest in the currency's minor unit, adding up to
    /// `interest` (rounded once, over all periods): each rounded down, then
    /// the cents left go to the periods with the largest remainders, so the
    /// lines a letter lists sum to its interest line.
    public func periodAmounts(minorUnits: Int) -> [Decimal] {
        let unit = pow(Decimal(10), -minorUnits) as Decimal
        var floors: [Decimal] = []
        var remainders: [(index: Int, rest: Decimal)] = []
        for (index, period) in periods.enumerated() {
            var raw = period.interest, down = Decimal()
            NSDecimalRound(&down, &raw, minorUnits, .down)
            floors.append(down)
            remainders.append((index, period.interest - down))
        }
        var left = interest - floors.reduce(0, +)
        for (index, _) in remainders.sorted(by: { ($0.rest, $1.index) > ($1.rest, $0.index) }) where left >= unit {
            floors[index] += unit
            left -= unit
        }
        return floors
    }

    /// The periods of interest over the days after `due` through `today`:
    /// one per run of days with the same amount owed and the same rate
    /// (`rate` is asked once per run, at its first day; nil: not charged).
    /// Amounts change the day after each `owed` date, rates on `changes`.
    static func accrue(_ owed: [(from: CalendarDate, amount: Decimal)], due: CalendarDate, today: CalendarDate,
                       changes: [CalendarDate], rate: (CalendarDate) -> Decimal?) -> [InterestPeriod] {
        let first = due.adding(days: 1)
        guard first <= today else { return [] }
        // The amount interest runs on during a day: what was owed the day before.
        func base(_ day: CalendarDate) -> Decimal {
            owed.last { $0.from < day }?.amount ?? owed.first?.amount ?? 0
        }
        let starts = Set([first] + owed.map { $0.from.adding(days: 1) } + changes).filter { $0 >= first && $0 <= today }.sorted()
        var periods: [InterestPeriod] = []
        for (index, start) in starts.enumerated() {
            let end = index + 1 < starts.count ? starts[index + 1].adding(days: -1) : today
            let amount = base(start)
            guard amount > 0, let percent = rate(start) else { continue }
            if var last = periods.last, last.to.adding(days: 1) == start, last.rate == percent, last.base == amount {
                last.to = end
                last.interest = amount * percent * Decimal(last.days) / 36_500
                periods[periods.count - 1] = last
            } else {
                let days = start.days(until: end) + 1
                periods.append(InterestPeriod(from: start, to: end, rate: percent, base: amount,
                                              interest: amount * percent * Decimal(days) / 36_500))
            }
        }
        return periods
    }
}
