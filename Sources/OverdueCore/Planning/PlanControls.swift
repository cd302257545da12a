import Foundation
import OverdueCalendar

/// Something the controls keep from going out, and why: `overdue plan` and
/// `overdue status` list these, the daemon logs each once as `held`.
public struct HeldItem: Sendable, Equatable {
    public enum Reason: Sendable, Equatable {
        /// The directory says `exclude = true`.
        case excluded
        /// Neither the invoice nor the directory has an e-mail or a phone.
        case noContact
        /// No inbox file with payments or invoices since `since`
        /// (`[schedule] payments_stale_after_hours`).
        case staleFeed(since: Date)
        /// The debtor's overdue total in the currency is under the policy's `min_amount`.
        case belowMinimum(currency: String, overdue: Decimal, minimum: Decimal)
        /// A person held the message waiting for approval (`overdue hold`).
        case onHold(key: String, reason: String)
        /// The stage is due but an earlier letter gave the debtor until
        /// `payBy`: it goes on `until` (the day after) at the earliest.
        case awaitingDeadline(payBy: CalendarDate, until: CalendarDate)
        /// The stage was tried and no channel (nor a fallback) can deliver
        /// it; the ladder waits on it. One line per channel.
        case undeliverable([String])
        /// The debtor's language has no templates and no
        /// `[brand] fallback_language` is set.
        case noLanguage(String)
        /// A bank credit no rule placed could be the debtor's (their name, or
        /// an account that paid them before): no escalation until it is placed.
        case unplacedCredit(key: String, amount: Decimal, currency: String)
    }

    public var customer: String
    public var invoices: [String]
    /// The stage held back (nil when all of the debtor's reminders are).
    public var stage: String?
    public var reason: Reason

    public init(customer: String, invoices: [String], stage: String?, reason: Reason) {
        self.customer = customer
        self.invoices = invoices
        self.stage = stage
        self.reason = reason
    }

    /// Every `kind`, in the order `status` lists them.
    public static let kinds = ["excluded", "no_contact", "payments_stale", "below_min_amount", "on_hold", "awaiting_deadline",
                               "undeliverable", "no_language", "unplaced_credit"]

    /// A short name for the log's `reason` field and `status --json`.
    public var kind: String {
        switch reason {
        case .excluded: "excluded"
        case .noContact: "no_contact"
        case .staleFeed: "payments_stale"
        case .belowMinimum: "below_min_amount"
        case .onHold: "on_hold"
        case .awaitingDeadline: "awaiting_deadline"
        case .undeliverable: "undeliverable"
        case .noLanguage: "no_language"
        case .unplacedCredit: "unplaced_credit"
        }
    }

    /// What a person reads: "no payment data since 2027-03-01T10:00:00Z …" (views put "held: " before it).
    public var detail: String {
        switch reason {
        case .excluded:
            "excluded by the customer directory (exclude = true): no reminders"
        case .noContact:
            "no contact yet: neither the invoice nor the customer directory has an e-mail or a phone; drop a customer record with id \(customer)"
        case .staleFeed(let since):
            "no payment data since \(since.formatted(.iso8601)) ([schedule] payments_stale_after_hours); the next file with payments or invoices, or a current bank statement of every account, releases it"
        case .belowMinimum(let currency, let overdue, let minimum):
            "not reminded in \(currency): the overdue total \(overdue) is below the policy's min_amount \(minimum)"
        case .onHold(let key, let reason):
            "held by a person (overdue hold \(key)): \(reason)"
        case .awaitingDeadline(let payBy, let until):
            "\(stage ?? "the next stage") waits for the deadline an earlier letter gave: pay by \(payBy); not before \(until)"
        case .unplacedCredit(let key, let amount, let currency):
            "a bank credit of \(Money.format(amount, minorUnits: Currency.minorUnits(currency))) \(currency) that no rule placed may be theirs (entry \(key)); `overdue payments --unmatched`, then `overdue assign` (or `overdue dismiss`) releases it"
        case .noLanguage(let language):
            "the customer's language \"\(language)\" has no templates: add a folder \(language)/ to [brand] templates (docs/templates.md), "
                + "set [brand] fallback_language to write in another, or give the customer a language that has them"
        case .undeliverable(let channels):
            "no deliverable channel for \(stage ?? "the stage"), the next stages wait: " + channels.joined(separator: "; ")
                // The directory only fills an address the invoice lacks, so a new one comes with the invoice.
                + "; an opt-in (overdue optout remove), the invoice dropped again with a new address, or overdue retry lets it go"
        }
    }

    /// Held items merge per debtor, kind and stage; the log names each once.
    var mergeKey: String { "\(kind)|\(customer)|\(stage ?? "")" }
}

/// A message that waits for a person's approval, and since when.
public struct PendingApproval: Sendable, Equatable {
    public var send: PlannedSend
    public var since: Date
    /// Not yet in the delivery journal: the daemon records (and logs) it.
    public var isNew: Bool
}

/// The promise to pay a `broken_promise` letter cites.
public struct PromiseTerms: Sendable, Equatable {
    public var date: CalendarDate
    public var amount: Decimal?

    public init(date: CalendarDate, amount: Decimal?) {
        self.date = date
        self.amount = amount
    }
}

/// One Cc copy made of a unit's letter.
public struct CopySend: Sendable, Equatable {
    public var stage: String
    public var recipient: String
}

/// Since when each message has waited for approval: the delivery journal's
/// `pending` lines, and `expired` lines that end a wait (the next `pending`
/// line starts a new one).
public struct ApprovalLog: Sendable {
    public private(set) var pendingSince: [String: Date] = [:]

    public init() {}

    public mutating func pending(_ key: String, since: Date) {
        if pendingSince[key] == nil { pendingSince[key] = since }
    }

    public mutating func expired(_ key: String) { pendingSince[key] = nil }
}
