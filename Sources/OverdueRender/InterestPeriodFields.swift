import Foundation
import OverdueCore

/// The `interest_periods` of an invoice's letter entry: each run of days at
/// one rate on one amount (`LateCharges.periods`), formatted for the locale,
/// so the debtor can check the interest line by line.
extension ReminderContext {
    static func interestPeriodFields(_ item: PlannedItem, request: RenderRequest, format: LocaleFormat,
                                     language: String) -> [String: Any] {
        let periods = item.charges.periods
        // Rounded so the lines add up to the interest line (`periodAmounts`).
        let amounts = item.charges.periodAmounts(minorUnits: Currency.minorUnits(item.currency))
        let list: [[String: Any]] = zip(periods, amounts).map { period, rounded in
            [
                "from": format.date(period.from),
                "from_iso": period.from.description,
                "to": format.date(period.to),
                "to_iso": period.to.description,
                "rate": format.percent(period.rate),
                "days": period.days,
                "days_text": daysText(period.days, language: language),
                "base": format.money(period.base, item.currency),
                "amount": format.money(rounded, item.currency),
            ]
        }
        // One period at the policy's own rate says nothing the interest line
        // does not; a change of rate or amount, or the law's rate, is listed.
        let listed = item.charges.interest > 0 && (periods.count > 1 || request.policy.interestRatePercent == nil)
        return ["interest_periods": list, "has_interest_periods": listed && !list.isEmpty]
    }

    /// "31 days", "31 Tage", "31 jours", "31 días", "31 dni"; a language
    /// added later gets the number (its templates say the word).
    static func daysText(_ days: Int, language: String) -> String {
        let one = LetterWords.plural(days, language: language) == .one
        return switch language {
        case "en": one ? "\(days) day" : "\(days) days"
        case "de": one ? "\(days) Tag" : "\(days) Tage"
        case "fr": one ? "\(days) jour" : "\(days) jours"
        case "es": one ? "\(days) día" : "\(days) días"
        case "it": one ? "\(days) giorno" : "\(days) giorni"
        case "nl": one ? "\(days) dag" : "\(days) dagen"
        case "pl": one ? "\(days) dzień" : "\(days) dni"  // few and many alike: 2 dni, 5 dni
        case "pt": one ? "\(days) dia" : "\(days) dias"
        default: "\(days)"
        }
    }
}
