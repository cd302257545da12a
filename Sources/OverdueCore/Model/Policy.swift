import Foundation
import OverdueCalendar

/// A reminder ladder and the calendar it runs on. Read from the config by
/// OverdueConfig; used by the planner.
public struct Schedule: Sendable {
    public init(timezone: String, businessHours: BusinessHours, businessDays: Set<Weekday>, holidays: Set<CalendarDate>,
                minGapDays: Int, defaultTermsDays: Int) {
        self.timezone = timezone
        self.businessHours = businessHours
        self.businessDays = businessDays
        self.holidays = holidays
        self.minGapDays = minGapDays
        self.defaultTermsDays = defaultTermsDays
    }

    /// IANA name; for debtors without their own timezone.
    public var timezone: String
    public var businessHours: BusinessHours
    public var businessDays: Set<Weekday>
    public var holidays: Set<CalendarDate>
    /// Minimum days between two contacts of one debtor on one channel.
    public var minGapDays: Int
    /// Send a "thanks" e-mail when a reminded invoice is paid in full.
    public var thankAfterPayment = false
    /// Payment terms when an invoice states none (e-invoices without BT-9).
    public var defaultTermsDays: Int
    /// Business days a debtor's reminders pause after they reply to one.
    public var replyPauseDays = 5
    /// Public holidays by debtor country: the bundled calendars with the
    /// user's `[schedule] holiday_calendars` applied.
    public var debtorHolidays = DebtorHolidays()
    /// With no inbox file of payments or invoices for this many hours,
    /// reminders from the due date on wait (nil: the guard is off).
    public var paymentsStaleAfterHours: Int?
    /// A message waiting for approval longer than this expires and is planned again.
    public var approvalExpiresDays = 14
}

/// A text the debtor reads, one per language ("en", "de", "fr"). Policy
/// texts are the user's words, so each language the templates serve needs
/// its own: a letter never mixes languages (`overdue check` names a missing one).
public typealias LocalizedText = [String: String]

extension LocalizedText {
    /// The key of a text given as a plain string, in no stated language.
    public static let unstated = "*"

    /// The text for a template language; a plain string only serves
    /// `fallbackLanguage` (the brand's), so no letter mixes two languages.
    public func text(for language: String, fallbackLanguage: String) -> String? {
        self[language] ?? (language == fallbackLanguage ? self[Self.unstated] : nil)
    }
}

public struct Stage: Sendable, Equatable {
    public init(name: String, offsetDays: Int, channels: [Channel], template: String, final: Bool, fee: Decimal? = nil,
                fallback: [Channel] = [], label: LocalizedText = [:], approve: Bool = false) {
        self.approve = approve
        self.fallback = fallback
        self.label = label
        self.name = name
        self.offsetDays = offsetDays
        self.channels = channels
        self.template = template
        self.final = final
        self.fee = fee
    }

    public var name: String
    /// Days from the due date; negative = before it.
    public var offsetDays: Int
    public var channels: [Channel]
    /// Template name; defaults to the stage name.
    public var template: String
    public var final: Bool
    /// A flat late fee shown from this stage on (in the invoice's currency).
    public var fee: Decimal?
    /// Channels to try, in order, when the debtor cannot be reached on one of
    /// `channels` (opted out, no address, permanent failure): once per stage.
    public var fallback: [Channel]
    /// How letters name this stage to the debtor ("second reminder",
    /// "Mahnung"); the bundled stage names have built-in labels.
    public var label: LocalizedText
    /// A person approves each message of this stage before it goes
    /// (`overdue pending`, `overdue approve`); until then it waits as pending.
    public var approve: Bool
}

/// How a payment is split between the principal and the late charges
/// letters stated.
public enum PaymentAllocation: String, Sendable, Equatable, CaseIterable {
    /// The principal first, charges from what is paid beyond it.
    case principalFirst = "principal_first"
    /// Costs (fees, compensation), then interest, then the principal, as
    /// § 367 BGB has it: the principal stays open until the charges letters
    /// stated are paid (`Planner+Allocation`).
    case costsFirst = "costs_first"
}

public struct Policy: Sendable, Equatable {
    public init(name: String, stages: [Stage], consequence: LocalizedText = [:], finalDeadlineDays: Int = 7,
                interestRatePercent: Decimal? = nil, compensation: Decimal? = nil, statutoryCountries: Set<String>? = nil) {
        self.statutoryCountries = statutoryCountries
        self.name = name
        self.stages = stages
        self.consequence = consequence
        self.finalDeadlineDays = finalDeadlineDays
        self.interestRatePercent = interestRatePercent
        self.compensation = compensation
    }

    public var name: String
    public var stages: [Stage]
    /// What happens if the final demand is not met, in the user's words
    /// ("pass the matter to our collection agency"); the final notice states it.
    public var consequence: LocalizedText
    /// Days from the final notice to its payment deadline.
    public var finalDeadlineDays: Int
    /// Yearly interest on overdue amounts, in percent (e.g. 12.15 = ECB
    /// reference rate + 8 points under the EU Late Payment Directive).
    public var interestRatePercent: Decimal?
    /// A fixed compensation per overdue invoice (e.g. EUR 40 under the Directive).
    public var compensation: Decimal?
    /// Where the statutory charges (`charges`, `interest_rate`, `compensation`) apply:
    /// ISO 3166 country codes (`applies_to = ["EU"]` expands to the member
    /// states). nil: wherever the debtor is.
    public var statutoryCountries: Set<String>?
    /// `charges = "statutory"`: interest and compensation follow the law of
    /// the debtor's country (`StatutoryRules`) at the reference rate of each
    /// period. `interest_rate` and `compensation`, when also given, override
    /// the law's interest and compensation respectively; `applies_to` still
    /// limits where any of them applies.
    public var statutoryCharges = false
    /// `min_amount`: per currency, the overdue total below which a debtor is
    /// not reminded in that currency (from the due date on).
    public var minAmount: [String: Decimal] = [:]
    /// `promise_grace_days`: days after a promised date before a promise
    /// not kept gets its `broken_promise` letter; nil: no such letter, the
    /// ladder resumes the day after the date.
    public var promiseGraceDays: Int?
    /// `interest_during_dispute`: whether statutory interest runs while an
    /// invoice is disputed (true, the default: the law's interest runs on a
    /// debt that turns out to be owed). When false, the days from a
    /// `dispute` to its `resolve` carry none; a letter states which.
    public var interestDuringDispute = true
    /// `charges_from`: the first stage whose letters state late charges
    /// (fee, interest, compensation); letters of earlier stages state none.
    /// nil: `defaultChargesFrom`.
    public var chargesFrom: String?
    /// `waive_charges_on_payment`: once the principal is paid, the charges
    /// letters stated are waived (the receipt says nothing more is owed and
    /// the log records what was waived) instead of stated as still owed.
    public var waiveChargesOnPayment = false
    /// `allocation`: how a payment is split between principal and charges.
    public var allocation = PaymentAllocation.principalFirst

    /// The stage from which letters state charges: `charges_from`, else
    /// "firm" where the ladder has it, else the second stage after the due
    /// date (the first overdue letter says it may have been overlooked;
    /// charging in it contradicts that), else the last stage.
    public var chargesFromIndex: Int {
        if let name = chargesFrom, let index = stages.firstIndex(where: { $0.name == name }) { return index }
        if let index = stages.firstIndex(where: { $0.name == "firm" }) { return index }
        let postDue = stages.indices.filter { stages[$0].offsetDays > 0 || stages[$0].final }
        return postDue.count > 1 ? postDue[1] : postDue.first ?? max(0, stages.count - 1)
    }

    /// Whether a letter of `stage` states charges (rule: `chargesFromIndex`).
    /// A stage not on the ladder (none reached yet) states none.
    public func statesCharges(at stage: String) -> Bool {
        guard let index = stages.firstIndex(where: { $0.name == stage }) else { return false }
        return index >= chargesFromIndex
    }

    /// The member states of the EU, where the Late Payment Directive
    /// (2011/7/EU) gives the fixed compensation and statutory interest.
    public static let euCountries: Set<String> = [
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU",
        "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
    ]
}


extension Array where Element == Policy {
    /// The policy an invoice names, else the default (the first): the one
    /// lookup the planner and the message builder share. An unknown name
    /// never reaches here, since ingest refuses it.
    public func resolve(_ name: String?) -> Policy {
        name.flatMap { wanted in first { $0.name == wanted } } ?? self[0]
    }
}
