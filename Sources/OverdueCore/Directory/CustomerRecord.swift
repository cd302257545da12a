import Foundation

/// A customer as the CRM exports it, dropped in the inbox like invoices:
/// `{"record": "customer", "id": "C-1007", "name": …, "email": …, "cc": […],
/// "country": "DE", "vat_id": "DE136695976", "policy": "strict", "exclude": false}`.
/// The accounting system's invoices often lack the contact details (most
/// e-invoices carry no buyer e-mail); the directory supplies them, and the
/// credit controller's choices (policy, exclusion) live here rather than on
/// every invoice. A record dropped again with the same id replaces the earlier one.
public struct CustomerRecord: Sendable, Equatable {
    public var id: String
    public var name: String?
    public var email: String?
    /// Addresses that get a copy of every e-mail (Cc), each its own delivery.
    public var cc: [String]
    public var phone: String?
    public var contact: String?
    /// The letter's first line, overriding the one made from `contact`.
    public var salutation: String?
    public var language: String?
    public var timezone: String?
    public var country: String?
    /// The buyer's VAT id (EN 16931 BT-48), how an e-invoice without the
    /// customer id finds its record.
    public var vatID: String?
    /// A `[[policy]]` name; overrides the invoice's.
    public var policy: String?
    /// No reminders at all for this customer (listed as excluded by `plan` and `status`).
    public var exclude: Bool
    /// The credit controller's note, shown by `overdue show CUSTOMER`; never sent.
    public var note: String?
    /// A consumer, not a business: the late-payment laws overdue applies
    /// (Directive 2011/7/EU, the UK Act) cover B2B debts only, so no
    /// statutory interest or compensation is charged (`"consumer": true`).
    public var consumer = false
    /// The accounts the debtor pays from (`"ibans"`): a statement's credit
    /// from one of them is theirs, as if learned from an earlier payment.
    public var ibans: [String] = []
    /// The national structured reference their invoices carry
    /// (`"reference_scheme"`: be, fi, no, ch), matched like an RF reference.
    public var referenceScheme: NationalReference?

    public init(id: String, name: String? = nil, email: String? = nil, cc: [String] = [], phone: String? = nil,
                contact: String? = nil, language: String? = nil, timezone: String? = nil, country: String? = nil,
                vatID: String? = nil, policy: String? = nil, exclude: Bool = false, note: String? = nil, consumer: Bool = false,
                salutation: String? = nil) {
        self.consumer = consumer
        self.salutation = salutation
        self.id = id
        self.name = name
        self.email = email
        self.cc = cc
        self.phone = phone
        self.contact = contact
        self.language = language
        self.timezone = timezone
        self.country = country
        self.vatID = vatID
        self.policy = policy
        self.exclude = exclude
        self.note = note
    }

    /// VAT ids compare without spaces, dots or dashes and without case
    /// ("DE 136 695 976" is "DE136695976").
    public static func normalizeVAT(_ vat: String) -> String {
        String(vat.uppercased().filter { $0.isLetter || $0.isNumber })
    }
}

/// A debtor as the planner sees it: the invoice's customer with the
/// directory applied. What the invoice lacks (e-mail, phone, contact) comes
/// from the directory; the directory's policy, language, timezone and
/// country override the invoice's. Built in one place,
/// `CustomerDirectory.effective(for:)`, so the planner, the letters and
/// `overdue show` never disagree about who the debtor is.
public struct EffectiveCustomer: Sendable, Equatable {
    public var customer: Customer
    /// Copy recipients of every e-mail.
    public var cc: [String]
    /// The policy name to use (directory first, then the invoice's).
    public var policy: String?
    public var excluded: Bool
    /// The directory record applied, if one matched.
    public var record: CustomerRecord?

    /// Whether the directory says the debtor is a consumer (no statutory charges).
    public var consumer: Bool { record?.consumer ?? false }

    /// Whether any channel could reach the debtor at all: without an e-mail
    /// or a phone the invoice waits ("no contact yet") for a directory record.
    public var hasContact: Bool { customer.email != nil || customer.phone != nil }
}

/// Every customer record, by id and by VAT id. Pure; part of the `Ledger`.
public struct CustomerDirectory: Sendable, Equatable {
    public private(set) var records: [String: CustomerRecord] = [:]
    private var idsByVAT: [String: String] = [:]

    public init() {}

    /// A directory restored from its parts (a snapshot): which record a VAT
    /// id finds depends on the order records arrived, so the index is kept, not rebuilt.
    public init(records: [String: CustomerRecord], idsByVAT: [String: String]) {
        self.records = records
        self.idsByVAT = idsByVAT
    }

    /// Normalized VAT id → customer id, what `init(records:idsByVAT:)` restores.
    public var vatIndex: [String: String] { idsByVAT }

    public var isEmpty: Bool { records.isEmpty }

    public subscript(id: String) -> CustomerRecord? { records[id] }

    /// Adds or replaces the record of `record.id`.
    public mutating func upsert(_ record: CustomerRecord) {
        if let old = records[record.id]?.vatID.map(CustomerRecord.normalizeVAT), idsByVAT[old] == record.id {
            idsByVAT[old] = nil
        }
        records[record.id] = record
        if let vat = record.vatID.map(CustomerRecord.normalizeVAT), !vat.isEmpty { idsByVAT[vat] = record.id }
    }

    /// The record for an invoice's customer: by customer id (for e-invoices
    /// the buyer id, BT-46), else by VAT id (BT-48).
    public func record(for customer: Customer) -> CustomerRecord? {
        if let record = records[customer.id] { return record }
        guard let vat = customer.vatID.map(CustomerRecord.normalizeVAT), let id = idsByVAT[vat] else { return nil }
        return records[id]
    }

    /// The debtor the planner reminds: see `EffectiveCustomer`.
    public func effective(for invoice: Invoice) -> EffectiveCustomer {
        guard !records.isEmpty, let record = record(for: invoice.customer) else {
            return EffectiveCustomer(customer: invoice.customer, cc: [], policy: invoice.policy, excluded: false, record: nil)
        }
        let own = invoice.customer
        var merged = own
        // The directory's id, so an e-invoice matched by VAT id is the same
        // debtor as the JSON invoices of that customer (one letter, one gap).
        merged.id = record.id
        merged.email = own.email ?? record.email
        merged.phone = own.phone ?? record.phone
        merged.contact = own.contact ?? record.contact
        // The directory's salutation first, like its language: it is the
        // credit controller's choice for this debtor, made once.
        merged.salutation = record.salutation ?? own.salutation
        merged.vatID = own.vatID ?? record.vatID
        merged.language = record.language ?? own.language
        merged.timezone = record.timezone ?? own.timezone
        merged.country = record.country ?? own.country
        return EffectiveCustomer(customer: merged, cc: record.cc, policy: record.policy ?? invoice.policy,
                                 excluded: record.exclude, record: record)
    }
}
