import Crypto
import Foundation
import OverdueCalendar

/// Which invoices a statement's credit pays, and by which rule; or why it
/// is left for a person. Pure: the ledger as it is, the entry as read.
///
/// The rules, in order (the first that names invoices decides):
/// 1. `creditor_reference`: an ISO 11649 reference ("RF18…") whose body is
///    an open invoice's number (`CreditorReference.make` of it), or a
///    national one (`NationalReference`) the customer record declares,
///    whose body is the invoice number's digits.
/// 2. `invoice_number`: open invoice numbers in the remittance text, the
///    end-to-end id or the customer reference, tolerant of case, spaces,
///    dashes and leading zeros ("inv 0042" is INV-42), never of another
///    number. A number of only digits counts from four digits on: shorter
///    ones are amounts and days.
/// 3. `payer_iban`: the payer's IBAN paid this debtor before (learned from
///    earlier matched credits) or is in their customer record, and the amount is exactly one open
///    invoice's balance or the debtor's overdue total.
/// 4. `amount_and_name`: the payer's name is the debtor's name and the
///    amount is exactly one of their open invoices' balance.
/// Named invoices are paid as follows: one invoice takes the whole credit
/// (a part payment, or an overpayment that becomes credit, as a payment
/// record does); several are paid when the credit is their total. Anything
/// else — no invoice, several candidates, an invoice named that is not open
/// any more, another currency — is unmatched, never guessed.
public struct StatementMatcher {
    public enum Rule: String, Sendable {
        case creditorReference = "creditor_reference", invoiceNumber = "invoice_number"
        case payerIBAN = "payer_iban", amountAndName = "amount_and_name"
    }

    public struct Allocation: Sendable, Equatable {
        public var invoice: String
        public var amount: Decimal
    }

    public enum Outcome: Sendable, Equatable {
        case matched(Rule, [Allocation])
        case unmatched(reason: String)
        /// Applied before (the same entry in an earlier notification or statement).
        case applied
        /// A debit, or a debit's reversal: not a payment to us.
        case notACredit
        /// A credit taken back: the earlier credit it reverses, if known.
        case reversal(of: String?)
    }

    struct OpenInvoice {
        var id: String
        var customer: String
        var currency: String
        var balance: Decimal
        var due: CalendarDate
    }

    var byNumber: [String: [String]] = [:]
    var open: [String: OpenInvoice] = [:]
    var byCustomer: [String: [String]] = [:]
    var customersByName: [String: Set<String>] = [:]
    var customersByIBAN: [String: Set<String>] = [:]
    var allNumbers: Set<String> = []
    /// The shapes of the ledger's invoice numbers ("INV-2027-0060" is
    /// "INV99999999"): a word of such a shape that is no invoice is a number
    /// the payer meant, and no weaker rule may put the credit elsewhere.
    var numberShapes: Set<String> = []
    /// Bank keys of credits already applied, and what each paid.
    public private(set) var appliedKeys: [String: [String]] = [:]
    /// The key of each applied credit by its end-to-end id (for reversals).
    var appliedEndToEnd: [String: String] = [:]
    /// What each applied credit paid, less what was returned of it since.
    var appliedPayments: [String: [Allocation]] = [:]
    /// The payer's IBAN of each applied credit, when the statement gave one.
    var appliedIBAN: [String: String] = [:]
    /// Credits waiting for a person (a reversal may return one of them).
    public let unplaced: [String: UnplacedCredit]
    /// The listed credits by end-to-end id, amount and value date: the same credit in
    /// the day's camt.053 after its camt.054 (another key) is listed once.
    var unplacedEndToEnd: Set<String> = []
    /// Invoices by their number's digits, per national reference scheme
    /// their customer record declares.
    var byNationalReference: [NationalReference: [String: [String]]] = [:]

    public init(ledger: Ledger) {
        unplaced = ledger.unplacedCredits.filter { !$0.value.returned }
        for credit in unplaced.values {
            if let endToEnd = credit.endToEnd { unplacedEndToEnd.insert("\(Self.word(endToEnd)) \(credit.amount) \(credit.valueDate)") }
        }
        // Returned or dismissed credits count as applied: a re-export lists them no more.
        for key in ledger.settledCredits.keys { appliedKeys[key] = [] }
        var returns: [(amount: Decimal, invoice: String, original: String)] = []
        // (The directory is asked per invoice only when a record declares accounts or a scheme.)
        let declared = ledger.directory.records.values.contains { !$0.ibans.isEmpty || $0.referenceScheme != nil }
        for entry in ledger.entries.values {
            let invoice = entry.invoice
            allNumbers.insert(invoice.id)
            numberShapes.insert(Self.shape(invoice.id))
            if declared, let record = ledger.directory.effective(for: invoice).record {
                for iban in record.ibans { customersByIBAN[iban, default: []].insert(invoice.customer.id) }
                if let scheme = record.referenceScheme {
                    let digits = NationalReference.trimmed(ArraySlice(invoice.id.compactMap { $0.isASCII ? $0.wholeNumberValue : nil }))
                    byNationalReference[scheme, default: [:]][digits, default: []].append(invoice.id)
                }
            }
            for event in entry.events {
                switch event {
                case .payment(_, let amount, _, let reference?):
                    guard let bank = BankReference(reference) else { continue }
                    appliedKeys[bank.key, default: []].append(invoice.id)
                    appliedPayments[bank.key, default: []].append(Allocation(invoice: invoice.id, amount: amount))
                    if let iban = bank.iban {
                        customersByIBAN[iban, default: []].insert(invoice.customer.id)
                        appliedIBAN[bank.key] = iban
                    }
                    if let endToEnd = bank.endToEnd { appliedEndToEnd[endToEnd] = bank.key }
                case .paymentReturned(_, let amount, _, let reference?):
                    guard let bank = BankReference(reference) else { continue }
                    appliedKeys[bank.key, default: []].append(invoice.id)
                    if let original = bank.returns { returns.append((amount, invoice.id, original)) }
                default:
                    continue
                }
            }
            // Every number, open or not: a credit naming a paid invoice is for a person, not for the next rule.
            byNumber[Self.normalizedNumber(invoice.id), default: []].append(invoice.id)
            guard entry.balance > 0, !entry.cancelled, entry.handedOff == nil else { continue }
            open[invoice.id] = OpenInvoice(id: invoice.id, customer: invoice.customer.id, currency: invoice.currency,
                                           balance: entry.balance, due: invoice.due)
            byCustomer[invoice.customer.id, default: []].append(invoice.id)
            customersByName[Self.normalizedName(invoice.customer.name), default: []].insert(invoice.customer.id)
        }
        // After every payment is known (a credit can pay invoices of several entries).
        for item in returns { deduct(item.amount, of: item.invoice, from: item.original) }
    }

    /// The entry's key for "once and only once": the account with the bank's
    /// reference, else the end-to-end id with amount and value date, else a
    /// fingerprint of what the entry says.
    public static func key(_ entry: StatementEntry, account: String?, occurrence: Int = 1) -> String {
        let account = account ?? "-"
        let day = entry.valueDate.description
        let key: String
        if let reference = entry.bankReference {
            key = "\(account):\(reference)"
        } else if let endToEnd = entry.endToEndID {
            key = "\(account):e2e:\(endToEnd):\(entry.amount):\(day)"
        } else {
            // What the entry says, hashed (the text can be long); `occurrence` tells identical
            // entries of one statement apart (two equal instalments on one day are two payments).
            let fields = [entry.currency, "\(entry.amount)", day, entry.payerIBAN ?? "", entry.payerName ?? "", entry.remittance]
            let digest = Hex.lowercase(SHA256.hash(data: Array(fields.joined(separator: "|").utf8))).prefix(24)
            key = "\(account):fp:\(digest)" + (occurrence > 1 ? "#\(occurrence)" : "")
        }
        return word(key)
    }

    public func match(_ entry: StatementEntry, key: String) -> Outcome {
        switch entry.direction {
        case .debit, .debitReversal: return .notACredit
        case .creditReversal:
            if appliedKeys[key] != nil { return .applied }
            return .reversal(of: original(of: entry))
        case .credit: break
        }
        if appliedKeys[key] != nil { return .applied }
        // The same payment with another key (a notification without the bank's
        // reference, the day's statement with it): its end-to-end id was applied.
        if let endToEnd = entry.endToEndID, appliedEndToEnd[Self.word(endToEnd)] != nil { return .applied }
        if let endToEnd = entry.endToEndID, unplacedEndToEnd.contains("\(Self.word(endToEnd)) \(entry.amount) \(entry.valueDate)") { return .applied }
        if let reference = entry.creditorReference.flatMap(CreditorReference.normalized) {
            let ids = byNumber[Self.normalizedNumber(String(reference.dropFirst(4)))] ?? []
            if !ids.isEmpty { return allocate(entry, ids, rule: .creditorReference) }
        }
        if let ids = nationalReferenceInvoices(entry) { return allocate(entry, ids, rule: .creditorReference) }
        let text = [entry.remittance, entry.endToEndID ?? "", entry.customerReference ?? ""].joined(separator: " ")
        let named = invoiceNumbers(in: text)
        // "INV-2027-0060 + 0061": the others written short are named too (and then paid only at their total).
        if !named.isEmpty { return allocate(entry, named + shortWritten(besides: named, in: text), rule: .invoiceNumber) }
        if let unknown = unknownNumber(in: entry.remittance) {
            return .unmatched(reason: "names \(unknown), which is no invoice in the ledger; a person decides what it pays")
        }
        if let iban = entry.payerIBAN, let customers = customersByIBAN[iban], customers.count == 1, let customer = customers.first,
           let ids = byAmount(entry, customer: customer, overdueTotal: true) {
            return allocate(entry, ids, rule: .payerIBAN)
        }
        if let name = entry.payerName, let customers = customersByName[Self.normalizedName(name)], customers.count == 1,
           let customer = customers.first, let ids = byAmount(entry, customer: customer, overdueTotal: false) {
            return allocate(entry, ids, rule: .amountAndName)
        }
        return .unmatched(reason: "no open invoice number, known payer account or payer name with this amount")
    }

    /// What a matched credit paid, so that the next entry of the same file
    /// sees the invoices as they are after it (an invoice paid in full is
    /// no longer open). Keys of applied credits count as applied.
    public mutating func record(_ outcome: Outcome, of entry: StatementEntry, key: String) {
        let endToEnd = entry.endToEndID
        if case .reversal = outcome { appliedKeys[key] = appliedKeys[key] ?? [] }
        if case .unmatched = outcome, let endToEnd { unplacedEndToEnd.insert("\(Self.word(endToEnd)) \(entry.amount) \(entry.valueDate)") }
        guard case .matched(_, let allocations) = outcome else { return }
        appliedPayments[key] = allocations
        appliedKeys[key] = allocations.map(\.invoice)
        if let endToEnd { appliedEndToEnd[Self.word(endToEnd)] = key }
        for allocation in allocations {
            guard var invoice = open[allocation.invoice] else { continue }
            invoice.balance -= allocation.amount
            if invoice.balance > 0 {
                open[allocation.invoice] = invoice
            } else {
                open[allocation.invoice] = nil
            }
        }
    }

    /// Invoices a national structured reference in the credit names (only
    /// of customers whose record declares that scheme).
    func nationalReferenceInvoices(_ entry: StatementEntry) -> [String]? {
        guard !byNationalReference.isEmpty else { return nil }
        for candidate in NationalReference.candidates(reference: entry.creditorReference, text: entry.remittance) {
            for (scheme, index) in byNationalReference.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                if let body = scheme.body(of: candidate), let ids = index[body] { return ids }
            }
        }
        return nil
    }

    /// Who a credit could be from: debtors of the payer's name, or paid
    /// from the payer's IBAN before (sorted, for a stable record).
    public func possibleDebtors(_ entry: StatementEntry) -> [String] {
        var found = Set<String>()
        if let iban = entry.payerIBAN { found.formUnion(customersByIBAN[iban] ?? []) }
        if let name = entry.payerName { found.formUnion(customersByName[Self.normalizedName(name)] ?? []) }
        return found.sorted()
    }

    /// The customer's open invoices the amount pays exactly: one invoice's
    /// balance, or (with `overdueTotal`) all of their overdue ones.
    func byAmount(_ entry: StatementEntry, customer: String, overdueTotal: Bool) -> [String]? {
        let invoices = (byCustomer[customer] ?? []).compactMap { open[$0] }.filter { $0.currency == entry.currency }
        let exact = invoices.filter { $0.balance == entry.amount }
        if exact.count == 1 { return [exact[0].id] }
        guard overdueTotal, exact.isEmpty else { return nil }
        let overdue = invoices.filter { $0.due < entry.valueDate }
        let total = overdue.reduce(Decimal(0)) { $0 + $1.balance }
        return !overdue.isEmpty && total == entry.amount ? overdue.map(\.id).sorted() : nil
    }

    func allocate(_ entry: StatementEntry, _ ids: [String], rule: Rule) -> Outcome {
        let names = ids.sorted().joined(separator: ", ")
        let invoices = ids.compactMap { open[$0] }
        if invoices.count < ids.count {
            let closed = ids.filter { open[$0] == nil }.sorted().joined(separator: ", ")
            return .unmatched(reason: "names \(names), but \(closed) is not open (paid, cancelled or handed off)")
        }
        guard invoices.allSatisfy({ $0.currency == entry.currency }) else {
            return .unmatched(reason: "names \(names) in \(invoices.map(\.currency).first ?? "?"), but the credit is in \(entry.currency)")
        }
        if invoices.count == 1 { return .matched(rule, [Allocation(invoice: invoices[0].id, amount: entry.amount)]) }
        let total = invoices.reduce(Decimal(0)) { $0 + $1.balance }
        guard total == entry.amount else {
            return .unmatched(reason: "names \(names), but the amount is not their total \(total) \(entry.currency)")
        }
        return .matched(rule, invoices.sorted { $0.id < $1.id }.map { Allocation(invoice: $0.id, amount: $0.balance) })
    }

    /// One word (the parts of a payment's reference are separated by spaces).
    static func word(_ text: String) -> String { String(text.map { $0.isWhitespace ? "_" : $0 }) }

    /// Case, punctuation and spacing do not tell names apart.
    static func normalizedName(_ text: String) -> String {
        // By bytes for ASCII (every debtor's name is indexed once per statement).
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            var out: [UInt8] = []
            out.reserveCapacity(text.utf8.count)
            var pendingSpace = false
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
                    if pendingSpace, !out.isEmpty { out.append(UInt8(ascii: " ")) }
                    pendingSpace = false
                    out.append(byte | (byte >= UInt8(ascii: "A") ? 0x20 : 0))
                default:
                    pendingSpace = true
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
        return text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).joined(separator: " ")
    }
}
