import Foundation
import OverdueCalendar

/// What a country's law gives a business creditor on a late B2B payment
/// (Directive 2011/7/EU as each member state transposed it; the UK's Late
/// Payment Act): interest at a reference rate plus a margin, and a fixed
/// compensation for recovery costs.
public struct StatutoryRule: Sendable, Equatable {
    /// Which day's reference rate governs a half-year.
    public enum Fixing: Sendable, Equatable {
        /// The rate in force on 1 January / 1 July governs that half-year
        /// (Directive Art. 2(7); § 247 BGB; § 456 UGB; L441-10 C. com.).
        case halfYearStart
        /// The rate in force on 31 December / 30 June governs the half-year
        /// after it ("the most recent operation before the first day": NL,
        /// ES; the UK's "official dealing rate in force on 30 June / 31 December").
        case dayBefore
    }

    /// A fixed sum by the invoice's amount, in one currency.
    public struct Compensation: Sendable, Equatable {
        public var currency: String
        /// (invoice amount from, sum), ascending; the last tier reached applies.
        public var tiers: [(from: Decimal, amount: Decimal)]

        public init(currency: String, tiers: [(from: Decimal, amount: Decimal)]) {
            self.currency = currency
            self.tiers = tiers
        }

        public func amount(for invoiceAmount: Decimal) -> Decimal {
            tiers.last { invoiceAmount >= $0.from }?.amount ?? 0
        }

        public static func == (lhs: Self, rhs: Self) -> Bool {
            lhs.currency == rhs.currency && lhs.tiers.map(\.from) == rhs.tiers.map(\.from)
                && lhs.tiers.map(\.amount) == rhs.tiers.map(\.amount)
        }
    }

    public var country: String
    /// The statute, as the log names it.
    public var law: String
    /// A `ReferenceRates` series id.
    public var series: String
    /// Percentage points over the reference rate.
    public var margin: Decimal
    public var fixing: Fixing
    /// The UK fixes one rate per debt, by the half-year interest starts in;
    /// elsewhere the rate follows each half-year.
    public var fixedForDebt = false
    /// Belgium rounds reference + margin up to the next half point.
    public var roundUpToHalfPoint = false
    public var compensation: Compensation?
    /// Why there is no `compensation` (it needs an exchange rate), or what
    /// was not checked about this rule.
    public var remark: String?

    /// The rate for one day of interest, and the day whose reference rate it
    /// took; the rate is nil when the table does not know that day's value.
    public func rate(on day: CalendarDate, interestStart: CalendarDate, rates: ReferenceRates)
        -> (rate: Decimal?, fixingDay: CalendarDate) {
        let governing = fixedForDebt ? interestStart : day
        let halfYear = CalendarDate(year: governing.year, month: governing.month <= 6 ? 1 : 7, day: 1)!
        let fixingDay = fixing == .halfYearStart ? halfYear : halfYear.adding(days: -1)
        guard let reference = rates[series]?.rate(on: fixingDay) else { return (nil, fixingDay) }
        var rate = reference + margin
        if roundUpToHalfPoint {
            var doubled = rate * 2, rounded = Decimal()
            NSDecimalRound(&rounded, &doubled, 0, .up)
            rate = rounded / 2
        }
        return (rate, fixingDay)
    }

    /// The days after `start` (exclusive) through `last` on which the rate
    /// may change: each 1 January and 1 July, unless fixed for the debt.
    func rateChanges(after start: CalendarDate, through last: CalendarDate) -> [CalendarDate] {
        guard !fixedForDebt, start < last else { return [] }
        return (start.year...last.year).flatMap { year in [1, 7].map { CalendarDate(year: year, month: $0, day: 1)! } }
            .filter { $0 > start && $0 <= last }
    }
}

/// The bundled rules, by the debtor's country. Countries without one (US,
/// CH, IN, the EU states outside the euro but Poland…) get no statutory
/// charges from `charges = "statutory"`; `interest_rate` and
/// `compensation` on the policy still apply there.
public enum StatutoryRules {
    static let euro40 = StatutoryRule.Compensation(currency: "EUR", tiers: [(0, 40)])

    public static func rule(for country: String) -> StatutoryRule? {
        let code = country.uppercased()
        return explicit[code] ?? (directiveMinimum.contains(code) ? minimum(code) : nil)
    }

    /// Every country with a bundled rule.
    public static var countries: [String] { (Array(explicit.keys) + directiveMinimum).sorted() }

    /// Rules whose national statute was read for this table.
    static let explicit: [String: StatutoryRule] = [
        "DE": StatutoryRule(country: "DE", law: "§ 288 Abs. 2 und 5 BGB: Basiszinssatz + 9 Punkte, 40 EUR",
                            series: "de-basiszins", margin: 9, fixing: .halfYearStart, compensation: euro40),
        "AT": StatutoryRule(country: "AT", law: "§ 456 und § 458 UGB: Basiszinssatz + 9,2 Punkte, 40 EUR",
                            series: "at-basiszins", margin: Decimal(string: "9.2")!, fixing: .halfYearStart, compensation: euro40),
        "FR": StatutoryRule(country: "FR", law: "art. L441-10 et D441-5 du code de commerce : taux BCE + 10 points, 40 EUR",
                            series: "ecb-mro", margin: 10, fixing: .halfYearStart, compensation: euro40),
        "NL": StatutoryRule(country: "NL", law: "art. 6:119a, 6:120 lid 2 en 6:96 lid 4 BW: ECB-rente + 8 punten (wettelijke handelsrente), 40 EUR",
                            series: "ecb-mro", margin: 8, fixing: .dayBefore, compensation: euro40),
        "ES": StatutoryRule(country: "ES", law: "Ley 3/2004, arts. 7 y 8: tipo BCE + 8 puntos, 40 EUR",
                            series: "ecb-mro", margin: 8, fixing: .dayBefore, compensation: euro40),
        "IT": StatutoryRule(country: "IT", law: "D.Lgs. 231/2002, artt. 5 e 6: tasso BCE + 8 punti, 40 EUR",
                            series: "ecb-mro", margin: 8, fixing: .halfYearStart, compensation: euro40),
        "BE": StatutoryRule(country: "BE", law: "loi du 2 août 2002, art. 5 et 6 : taux BCE + 8 points arrondi au demi-point supérieur, 40 EUR",
                            series: "ecb-mro", margin: 8, fixing: .halfYearStart, roundUpToHalfPoint: true, compensation: euro40),
        "IE": StatutoryRule(country: "IE", law: "S.I. 580/2012, regs. 5 and 6: ECB rate + 8 points, EUR 40/70/100 by the amount",
                            series: "ecb-mro", margin: 8, fixing: .halfYearStart,
                            compensation: .init(currency: "EUR", tiers: [(0, 40), (1000, 70), (10000, 100)])),
        // The +10 applies to debtors that are not public healthcare bodies
        // (+8 for those) and to transactions from 1 January 2020 (+8 before).
        "PL": StatutoryRule(country: "PL", law: "ustawa o przeciwdziałaniu nadmiernym opóźnieniom w transakcjach handlowych, art. 4 pkt 3 lit. a, art. 11a: stopa referencyjna NBP + 10 pkt",
                            series: "nbp-reference", margin: 10, fixing: .halfYearStart, compensation: nil,
                            remark: "the Polish compensation (art. 10) is EUR 40/70/100 paid in PLN at the NBP euro rate of the last business day of the month before the due date; no exchange rates are bundled, so none is charged: set compensation on the policy"),
        "GB": StatutoryRule(country: "GB", law: "Late Payment of Commercial Debts (Interest) Act 1998 and S.I. 2002/1675: Bank Rate + 8 points, fixed for the debt; GBP 40/70/100 by the amount",
                            series: "boe-bank-rate", margin: 8, fixing: .dayBefore, fixedForDebt: true,
                            compensation: .init(currency: "GBP", tiers: [(0, 40), (1000, 70), (10000, 100)])),
    ]

    /// Euro states given the Directive's minimum (ECB + 8, EUR 40): the
    /// state may set more; its statute was not read for this table.
    static let directiveMinimum: Set<String> = ["PT", "LU", "FI", "GR", "SI", "SK", "EE", "LV", "LT", "MT", "CY"]

    static func minimum(_ code: String) -> StatutoryRule {
        StatutoryRule(country: code, law: "Directive 2011/7/EU minimum: ECB rate + 8 points, EUR 40", series: "ecb-mro", margin: 8,
                      fixing: .halfYearStart, compensation: euro40,
                      remark: "\(code)'s own statute may give more; the Directive's minimum is charged")
    }
}
