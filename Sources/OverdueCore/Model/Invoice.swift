import Foundation
import OverdueCalendar

/// The debtor: who owes, and how to reach them.
public struct Customer: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    public var email: String?
    public var phone: String?
    public var contact: String?
    /// The letter's first line as the credit controller wants it ("Sehr
    /// geehrte Frau Keller,"); else one is made from `contact` and the language.
    public var salutation: String?
    /// BCP 47 language tag, e.g. "de" or "fr-CH"; templates fall back to English.
    public var language: String?
    /// IANA timezone, e.g. "Europe/Berlin"; else the config's `[schedule].timezone`.
    public var timezone: String?
    /// ISO 3166-1 alpha-2 country ("IE"); else derived from the timezone.
    /// Decides the letter's locale when no language is given, and whether
    /// statutory charges apply.
    public var country: String?
    /// The buyer's VAT id (EN 16931 BT-48): matches the customer directory
    /// when the customer id does not.
    public var vatID: String?

    public init(id: String, name: String, email: String? = nil, phone: String? = nil, contact: String? = nil,
                language: String? = nil, timezone: String? = nil, country: String? = nil, vatID: String? = nil,
                salutation: String? = nil) {
        self.salutation = salutation
        self.vatID = vatID
        self.country = country
        self.id = id
        self.name = name
        self.email = email
        self.phone = phone
        self.contact = contact
        self.language = language
        self.timezone = timezone
    }

    enum CodingKeys: String, CodingKey {
        case id, name, email, phone, contact, salutation, language, timezone, country
        case vatID = "vat_id"
    }
}

/// One part of a payment plan.
public struct Installment: Sendable, Equatable, Codable {
    public var due: CalendarDate
    public var amount: Decimal

    public init(due: CalendarDate, amount: Decimal) {
        self.due = due
        self.amount = amount
    }
}

/// An invoice as the finance team dropped it. `balance` is what was still
/// owed when the file was written; payments recorded later reduce it in the
/// ledger.
public struct Invoice: Sendable, Equatable, Codable {
    public var id: String
    public var customer: Customer
    public var issued: CalendarDate
    public var due: CalendarDate
    public var currency: String
    public var amount: Decimal
    public var balance: Decimal
    public var policy: String?
    public var paymentURL: String?
    public var installments: [Installment]
    /// Early-payment discount from the invoice terms: this percent off if
    /// paid by `discountUntil`.
    public var discountPercent: Decimal?
    public var discountUntil: CalendarDate?
    /// The file name of the invoice's PDF ("INV-2026-0042.pdf"), dropped in
    /// the inbox before or after the invoice; attached to its reminders.
    public var document: String?

    public init(id: String, customer: Customer, issued: CalendarDate, due: CalendarDate, currency: String,
                amount: Decimal, balance: Decimal, policy: String? = nil, paymentURL: String? = nil,
                installments: [Installment] = [], discountPercent: Decimal? = nil, discountUntil: CalendarDate? = nil,
                document: String? = nil) {
        self.document = document
        self.discountPercent = discountPercent
        self.discountUntil = discountUntil
        self.id = id
        self.customer = customer
        self.issued = issued
        self.due = due
        self.currency = currency
        self.amount = amount
        self.balance = balance
        self.policy = policy
        self.paymentURL = paymentURL
        self.installments = installments
    }

    enum CodingKeys: String, CodingKey {
        case id = "invoice", customer, issued, due, currency, amount, balance, policy
        case paymentURL = "payment_url", installments
        case discountPercent = "discount_percent", discountUntil = "discount_until", document
    }
}
