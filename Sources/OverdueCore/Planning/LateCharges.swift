import Foundation

/// Late fees and statutory interest on one overdue amount, as shown in a
/// reminder. Shown only: reminders never change the ledger balance.
public struct LateCharges: Sendable, Equatable {
    public var fee: Decimal = 0
    public var interest: Decimal = 0
    public var compensation: Decimal = 0

    public init(fee: Decimal = 0, interest: Decimal = 0, compensation: Decimal = 0) {
        self.fee = fee
        self.interest = interest
        self.compensation = compensation
    }

    public var total: Decimal { fee + interest + compensation }
    public var isEmpty: Bool { total == 0 }

    /// Charges on `amount` owed since `due`, on `today`, for a message at
    /// `stage` of `policy`. Interest is simple interest per day on a 365-day
    /// year on what was outstanding each day (`outstanding`: from each date
    /// on, the amount then owed, as part payments lowered it; by default
    /// `amount` all along), rounded half-up to the currency's minor unit
    /// once; nothing accrues before the due date.
    public static func compute(policy: Policy, stage: String, amount: Decimal, currency: String, due: CalendarDate,
                               today: CalendarDate, statutory: Bool = true,
                               outstanding: [(from: CalendarDate, amount: Decimal)]? = nil) -> LateCharges {
        let daysOverdue = due.days(until: today)
        guard daysOverdue > 0 else { return LateCharges() }
        var charges = LateCharges()
        // The fee of the latest stage reached that carries one.
        if let position = policy.stages.firstIndex(where: { $0.name == stage }) {
            charges.fee = policy.stages[...position].last(where: { $0.fee != nil })?.fee ?? 0
        }
        // Interest and compensation are the law's, where it applies (`applies_to`).
        guard statutory else { return charges }
        if let rate = policy.interestRatePercent {
            let periods = outstanding ?? [(due, amount)]
            var dayAmounts: Decimal = 0  // Σ owed × days
            for (index, period) in periods.enumerated() {
                let start = max(period.from, due)
                let end = min(index + 1 < periods.count ? periods[index + 1].from : today, today)
                if start < end { dayAmounts += period.amount * Decimal(start.days(until: end)) }
            }
            var raw = dayAmounts * rate / 100 / 365
            var rounded = Decimal()
            NSDecimalRound(&rounded, &raw, Currency.minorUnits(currency), .plain)
            charges.interest = rounded
        }
        charges.compensation = policy.compensation ?? 0
        return charges
    }
}
