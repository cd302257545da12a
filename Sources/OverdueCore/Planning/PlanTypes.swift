import Crypto
import Foundation
import OverdueCalendar

/// What the planner needs from the configuration.
public struct PlannerSettings: Sendable {
    /// The first is the default.
    public var policies: [Policy]
    public var schedule: Schedule
    /// Channels that can send: e-mail always (the embedded Maildir at least),
    /// SMS and webhooks when configured.
    public var enabledChannels: Set<Channel>
    /// Where webhooks go; the "recipient" of a webhook send.
    public var webhookEndpoint: String?
    /// Send a "thanks" e-mail once an invoice that was reminded is paid in
    /// full: `[schedule] thank_after_payment`, kept in the schedule only.
    public var thankAfterPayment: Bool { schedule.thankAfterPayment }
    /// IANA timezone → ISO 3166 country (the tz database's zone.tab), for
    /// debtors without `customer.country`.
    public var zoneCountries: [String: String] = [:]
    /// `[schedule] payments_stale_after_hours`: with no inbox file of
    /// payments or invoices for this long, stages from the due date on are
    /// held (nil: the guard is off).
    public var paymentsStaleAfterHours: Int?
    /// `[schedule] approval_expires_days`: a message waiting for approval
    /// longer than this expires (logged) and is planned again.
    public var approvalExpiresDays = 14
    /// How long after a letter its Cc copies may still go (a copy deferred
    /// by the relay is retried this long: `[daemon] retry_lifetime_hours`).
    public var copyWindowHours = 120
    /// The reference rates statutory interest runs at: the bundled table
    /// with `[charges] reference_rates` merged in.
    public var referenceRates = ReferenceRates.bundled
    /// The languages letters can be written in (bundled and the user's
    /// templates); nil: not checked (a planner without templates, in tests).
    public var templateLanguages: Set<String>?
    /// `[brand] fallback_language`: written in for a debtor whose language
    /// has no templates; nil: such a debtor is held.
    public var fallbackLanguage: String?

    /// Whether any policy sets `min_amount` (the planner then totals each
    /// debtor's overdue amounts).
    var usesMinimumAmounts: Bool { policies.contains { !$0.minAmount.isEmpty } }

    public init(policies: [Policy], schedule: Schedule, enabledChannels: Set<Channel>, webhookEndpoint: String? = nil) {
        self.policies = policies
        self.schedule = schedule
        self.enabledChannels = enabledChannels
        self.webhookEndpoint = webhookEndpoint
    }

    /// The stage name of the receipt after full payment.
    public static let thanksStage = "thanks"
    /// The stage name of the letter after a promise to pay was not kept.
    public static let brokenPromiseStage = "broken_promise"

    public func policy(named name: String?) -> Policy { policies.resolve(name) }

    /// Every policy's reminder stages in the order a debtor meets them (by
    /// offset), then the broken-promise letter. The receipt is not one: it
    /// follows a payment. What the report lists stages by.
    public var reminderStages: [String] {
        let stages = policies.flatMap(\.stages).enumerated()
            .sorted { ($0.element.offsetDays, $0.offset) < ($1.element.offsetDays, $1.offset) }.map(\.element.name)
        var seen: Set<String> = [Self.thanksStage]
        return (stages + [Self.brokenPromiseStage]).filter { seen.insert($0).inserted }
    }
}

/// One invoice or installment in a planned message, with what the message
/// shows about it.
public struct PlannedItem: Sendable, Equatable {
    public var item: ReminderItem
    public var stageOffsetDays: Int
    public var final: Bool
    /// What is still owed on this invoice or installment.
    public var amount: Decimal
    public var currency: String
    public var due: CalendarDate
    /// Days past due in the debtor's timezone (negative = before due).
    public var daysOverdue: Int
    /// What the letter charges on this item beside `amount` (shown only;
    /// the ledger balance never changes). Computed once, by the planner.
    public var charges = LateCharges()
    /// The periods the invoice was disputed (when statutory interest
    /// applies): the letter says whether interest ran during them.
    public var disputes: [DisputePeriod] = []
    /// A receipt's item whose `charges` the policy waives on payment
    /// (`waive_charges_on_payment`): stated as waived, not demanded.
    public var waived = false
    /// What payments paid of all the invoice's charges (`costs_first`):
    /// `letter` states the part its items do not list (`paidElsewhere`).
    var invoiceChargesPaid: Decimal = 0

    /// The item's amount plus its charges: what the letter demands for it.
    public var totalDue: Decimal { amount + (waived ? 0 : charges.total) }

    public init(item: ReminderItem, stageOffsetDays: Int, final: Bool, amount: Decimal, currency: String, due: CalendarDate,
                daysOverdue: Int) {
        self.item = item
        self.stageOffsetDays = stageOffsetDays
        self.final = final
        self.amount = amount
        self.currency = currency
        self.due = due
        self.daysOverdue = daysOverdue
    }
}

/// One message the planner says to send: to one debtor, on one channel, to
/// one recipient, listing every invoice due a reminder in this window.
public struct PlannedSend: Sendable, Equatable {
    public var time: Date
    public var customer: String
    public var customerName: String
    public var channel: Channel
    public var recipient: String
    /// The most advanced stage among the items; it picks the template.
    public var stage: String
    public var final: Bool
    public var policy: String
    public var timeZone: String
    public var items: [PlannedItem]
    /// The idempotency key: the same debtor, stage, channel, recipient and
    /// invoice set always give the same key.
    public var key: String
    /// Set when this message replaces one the debtor could not get on that channel.
    public var fallbackFrom: Channel?
    /// Set on a skipped message: why it cannot go out (opted out, no address).
    public var skipReason: String?
    /// The debtor's other overdue invoices (or installments), at another
    /// stage of their own ladder: the letter demands them too — in its table
    /// and its total, as all that is overdue — but they do not climb: only
    /// `items` are recorded as reached at `stage`, and only they make the key.
    public var otherOverdue: [PlannedItem] = []
    /// The debtor's other open units not yet due, which the letter lists
    /// apart and does not demand. Never in the key or the totals.
    public var alsoOpen: [PlannedItem] = []
    /// The payment deadline a letter after the due date states (today +
    /// `final_deadline_days`): a business day of the debtor's calendar.
    public var deadline: CalendarDate?
    /// Which rule decided the statutory charges (interest, compensation),
    /// for the log: "country IE (customer.country) in applies_to", …
    public var chargesRule: String?
    /// E-mail: the directory's Cc addresses (those not opted out), in the
    /// Cc header of the letter and of each copy.
    public var cc: [String] = []
    /// A Cc copy: the same letter delivered to one Cc address (`recipient`)
    /// as its own envelope; `to` is the debtor's address the header shows.
    public var copy = false
    public var to: String?
    /// The debtor's country (directory, invoice, e-invoice BT-55, else its
    /// timezone's): the holiday calendar the send was planned on.
    public var country: String?
    /// The stage waits for a person's approval (`approve = true`).
    public var needsApproval = false
    /// Where it stands with approval, as the planner decided (set on a
    /// timeline's sends, which `plan` shows: a Cc copy stands as its letter).
    public var approval: ApprovalState = .notNeeded
    /// The holidays that moved it past its stage's day (set on a timeline's sends).
    public var movedBy: HolidayMove?
    /// False for a letter pending approval outside the debtor's business
    /// window: it may be approved now, and goes when the window opens.
    var windowOpen = true
    /// A broken-promise letter: the promise it cites.
    public var promise: PromiseTerms?

    public init(time: Date, customer: String, customerName: String, channel: Channel, recipient: String, stage: String,
                final: Bool, policy: String, timeZone: String, items: [PlannedItem], key: String) {
        self.time = time
        self.customer = customer
        self.customerName = customerName
        self.channel = channel
        self.recipient = recipient
        self.stage = stage
        self.final = final
        self.policy = policy
        self.timeZone = timeZone
        self.items = items
        self.key = key
    }

    /// Everything the letter demands, by due date: its stage's units and
    /// every other overdue one. The one table a template shows.
    public var demanded: [PlannedItem] {
        otherOverdue.isEmpty ? items : (items + otherOverdue).sorted { ($0.due, $0.item.unitID) < ($1.due, $1.item.unitID) }
    }

    /// What the letter demands, per currency: principal, charges and the
    /// total now due. The one source of every figure a template shows.
    public var totals: [LetterTotal] { LetterTotal.of(demanded) }

    /// The invoice ids in the message, each once.
    public var invoices: [String] {
        var seen = Set<String>()
        return items.map(\.item.invoice).filter { seen.insert($0).inserted }
    }

    public func sentMessage(at time: Date) -> SentMessage {
        var message = SentMessage(key: key, customer: customer, channel: channel, recipient: recipient, stage: stage,
                                  items: items.map(\.item), time: time)
        message.copy = copy
        message.payBy = deadline
        return message
    }

    /// `attempt`: a stage offered again on a channel after an undelivered
    /// try (an opt-out lifted) needs a key of its own; the first try's key
    /// is what it always was.
    static func key(customer: String, stage: String, channel: Channel, recipient: String, items: [ReminderItem],
                    attempt: Int = 0) -> String {
        let units = items.map { "\($0.unitID):\($0.stage)" }.sorted().joined(separator: ",")
        let text = [customer, stage, channel.rawValue, recipient, units].joined(separator: "\u{1F}") + (attempt > 0 ? "\u{1F}\(attempt)" : "")
        return "od1-" + Hex.lowercase(SHA256.hash(data: Array(text.utf8)).prefix(16))
    }
}

/// The planner's answer for one instant.
public struct PlanResult: Sendable {
    /// Messages to send now.
    public var due: [PlannedSend]
    /// When something next becomes due if nothing changes (nil: never).
    public var nextWake: Date?
    /// Messages due now that cannot go out (opted out, no address): logged
    /// as suppressed once, and the stage falls back to another channel.
    public var skipped: [PlannedSend] = []
    /// Messages due that wait for a person's approval (`overdue pending`).
    public var pending: [PendingApproval] = []
    /// Pending messages older than `approval_expires_days`: logged as
    /// expired; they are pending again from now (planned again).
    public var expired: [PendingApproval] = []
    /// What the controls hold back, and why (excluded, no contact, stale
    /// payment feed, below `min_amount`, held by a person).
    public var held: [HeldItem] = []
}

/// The demanded figures of one currency in one letter.
public struct LetterTotal: Sendable, Equatable {
    public var currency: String
    /// The open amounts demanded.
    public var amount: Decimal
    public var charges: LateCharges
    /// `amount` plus the charges: the one "total now due" of the letter.
    public var totalDue: Decimal { amount + charges.total }

    static func of(_ items: [PlannedItem]) -> [LetterTotal] {
        var byCurrency: [String: LetterTotal] = [:]
        for item in items {
            var total = byCurrency[item.currency] ?? LetterTotal(currency: item.currency, amount: 0, charges: LateCharges())
            total.amount += item.amount
            guard !item.waived else { byCurrency[item.currency] = total; continue }  // stated as waived, not demanded
            total.charges.fee += item.charges.fee
            total.charges.interest += item.charges.interest
            total.charges.compensation += item.charges.compensation
            total.charges.paidFee += item.charges.paidFee
            total.charges.paidInterest += item.charges.paidInterest
            total.charges.paidCompensation += item.charges.paidCompensation
            total.charges.paidElsewhere += item.charges.paidElsewhere
            byCurrency[item.currency] = total
        }
        return byCurrency.values.sorted { $0.currency < $1.currency }
    }
}
