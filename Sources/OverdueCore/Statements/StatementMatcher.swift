import Crypto
import Foundation

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

    private var byNumber: [String: [String]] = [:]
    private var open: [String: OpenInvoice] = [:]
    private var byCustomer: [String: [String]] = [:]
    private var customersByName: [String: Set<String>] = [:]
    private var customersByIBAN: [String: Set<String>] = [:]
    private var allNumbers: Set<String> = []
    /// The shapes of the ledger's invoice numbers ("INV-2027-0060" is
    /// "INV99999999"): a word of such a shape that is no invoice is a number
    /// the payer meant, and no weaker rule may put the credit elsewhere.
    private var numberShapes: Set<String> = []
    /// Bank keys of credits already applied, and what each paid.
    public private(set) var appliedKeys: [String: [String]] = [:]
    /// The key of each applied credit by its end-to-end id (for reversals).
    private var appliedEndToEnd: [String: String] = [:]
    /// What each applied credit paid, less what was returned of it since.
    private var appliedPayments: [String: [Allocation]] = [:]
    /// The payer's IBAN of each applied credit, when the statement gave one.
    private var appliedIBAN: [String: String] = [:]
    /// Credits waiting for a person (a reversal may return one of them).
    public let unplaced: [String: UnplacedCredit]
    /// The listed credits by end-to-end id, amount and value date: the same credit in
    /// the day's camt.053 after its camt.054 (another key) is listed once.
    private var unplacedEndToEnd: Set<String> = []
    /// Invoices by their number's digits, per national reference scheme
    /// their customer record declares.
    private var byNationalReference: [NationalReference: [String: [String]]] = [:]

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
    public mutating func record(_ outcome: Outcome, key: String, endToEnd: String? = nil, amount: Decimal? = nil, day: CalendarDate? = nil) {
        if case .reversal = outcome { appliedKeys[key] = appliedKeys[key] ?? [] }
        if case .unmatched = outcome, let endToEnd, let amount, let day { unplacedEndToEnd.insert("\(Self.word(endToEnd)) \(amount) \(day)") }
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
    private func nationalReferenceInvoices(_ entry: StatementEntry) -> [String]? {
        guard !byNationalReference.isEmpty else { return nil }
        for candidate in NationalReference.candidates(reference: entry.creditorReference, text: entry.remittance) {
            for (scheme, index) in byNationalReference.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                if let body = scheme.body(of: candidate), let ids = index[body] { return ids }
            }
        }
        return nil
    }

    /// The credit a reversal takes back: the applied or unplaced credit
    /// with its end-to-end id or its bank reference; else the one applied or
    /// unplaced credit of the same amount from the same IBAN (or, without an
    /// IBAN, unplaced from the same name). Nil when that is not one credit.
    func original(of reversal: StatementEntry) -> String? {
        if let endToEnd = reversal.endToEndID.map(Self.word) {
            if let key = appliedEndToEnd[endToEnd] { return key }
            // An unplaced credit without the bank's reference is keyed by its end-to-end id.
            if let key = unplaced.keys.first(where: { $0.contains(":e2e:\(endToEnd):") }) { return key }
        }
        if let reference = entry(reference: reversal.bankReference) { return reference }
        var candidates = Set<String>()
        if let iban = reversal.payerIBAN {
            for (key, paid) in appliedPayments where appliedIBAN[key] == iban && paid.reduce(Decimal(0), { $0 + $1.amount }) == reversal.amount {
                candidates.insert(key)
            }
            for (key, credit) in unplaced where credit.payerIBAN == iban && credit.amount == reversal.amount { candidates.insert(key) }
        } else if let name = reversal.payerName.map(Self.normalizedName) {
            for (key, credit) in unplaced where credit.payerName.map(Self.normalizedName) == name && credit.amount == reversal.amount {
                candidates.insert(key)
            }
        }
        return candidates.count == 1 ? candidates.first : nil
    }

    private func entry(reference: String?) -> String? {
        guard let reference else { return nil }
        let suffix = ":\(Self.word(reference))"
        return appliedKeys.keys.first { $0.hasSuffix(suffix) } ?? unplaced.keys.first { $0.hasSuffix(suffix) }
    }

    /// What returning `amount` of the credit `original` reopens, invoice by
    /// invoice (the last paid first), recorded so that a second return of
    /// it in the same file takes back only what is left. Empty when
    /// nothing of it is left to return (returned before, or never placed).
    public mutating func takeBack(_ amount: Decimal, of original: String) -> [Allocation] {
        var left = amount
        var returned: [Allocation] = []
        for allocation in (appliedPayments[original] ?? []).reversed() where left > 0 && allocation.amount > 0 {
            let taken = min(left, allocation.amount)
            returned.append(Allocation(invoice: allocation.invoice, amount: taken))
            left -= taken
        }
        for allocation in returned { deduct(allocation.amount, of: allocation.invoice, from: original) }
        return returned
    }

    private mutating func deduct(_ amount: Decimal, of invoice: String, from original: String) {
        guard var paid = appliedPayments[original] else { return }
        var left = amount
        for index in paid.indices.reversed() where paid[index].invoice == invoice && left > 0 {
            let taken = min(left, paid[index].amount)
            paid[index].amount -= taken
            left -= taken
        }
        appliedPayments[original] = paid
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
    private func byAmount(_ entry: StatementEntry, customer: String, overdueTotal: Bool) -> [String]? {
        let invoices = (byCustomer[customer] ?? []).compactMap { open[$0] }.filter { $0.currency == entry.currency }
        let exact = invoices.filter { $0.balance == entry.amount }
        if exact.count == 1 { return [exact[0].id] }
        guard overdueTotal, exact.isEmpty else { return nil }
        let overdue = invoices.filter { $0.due < entry.valueDate }
        let total = overdue.reduce(Decimal(0)) { $0 + $1.balance }
        return !overdue.isEmpty && total == entry.amount ? overdue.map(\.id).sorted() : nil
    }

    private func allocate(_ entry: StatementEntry, _ ids: [String], rule: Rule) -> Outcome {
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

    /// Open invoices whose numbers the text contains (as one word, or
    /// written over two or three words: "INV 0042").
    func invoiceNumbers(in text: String) -> [String] {
        // An amount ("10.42", "1.200,00") is not an invoice number written with a point.
        let words = text.split(whereSeparator: \.isWhitespace).filter { !Self.looksLikeAmount($0) }
            .flatMap { $0.split(whereSeparator: { ",;()[]".contains($0) }) }
        var found: [String] = []
        for start in words.indices {
            var candidate = ""
            for word in words[start..<min(start + 3, words.endIndex)] {
                candidate += word
                let normalized = Self.normalizedNumber(candidate)
                guard normalized.count >= 3, !(normalized.allSatisfy(\.isNumber) && normalized.count < 4) else { continue }
                for id in byNumber[normalized] ?? [] where !found.contains(id) { found.append(id) }
            }
        }
        return found
    }

    /// Invoices named only by the end of their number beside one named in
    /// full ("INV-2027-0060 + 0061", "RE 4711/12"): the named number with its
    /// last digits replaced by a short group of digits in the text, when
    /// that is an invoice.
    func shortWritten(besides named: [String], in text: String) -> [String] {
        let groups = text.split(whereSeparator: { $0.isWhitespace || ",;+&/()[]".contains($0) })
            .filter { $0.count >= 2 && $0.allSatisfy { $0.isASCII && $0.isNumber } }
        guard !groups.isEmpty else { return [] }
        var found: [String] = []
        for id in named {
            let digits = id.reversed().prefix { $0.isASCII && $0.isNumber }.count
            for group in groups where group.count <= digits {
                let sibling = String(id.dropLast(group.count)) + group
                if sibling != id, allNumbers.contains(sibling), !named.contains(sibling), !found.contains(sibling) { found.append(sibling) }
            }
        }
        return found
    }

    /// A word of the text shaped like the ledger's invoice numbers that is
    /// none of them (a number the payer meant that overdue does not know).
    func unknownNumber(in text: String) -> String? {
        for word in text.split(whereSeparator: \.isWhitespace) {
            let trimmed = word.trimmingCharacters(in: CharacterSet(charactersIn: ",;.:()[]"))
            guard trimmed.contains(where: \.isNumber), !Self.looksLikeAmount(Substring(trimmed)) else { continue }
            let shape = Self.shape(trimmed)
            guard numberShapes.contains(shape), !(shape.allSatisfy { $0 == "9" } && shape.count < 4),
                  byNumber[Self.normalizedNumber(trimmed)] == nil else { continue }
            return trimmed
        }
        return nil
    }

    /// Letters upper-cased, each digit a 9, the rest left out.
    static func shape(_ text: some StringProtocol) -> String {
        // By bytes for ASCII (every invoice number of the ledger is shaped once per statement).
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            var out: [UInt8] = []
            out.reserveCapacity(text.utf8.count)
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): out.append(UInt8(ascii: "9"))
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): out.append(byte & 0xDF)
                default: continue
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
        return String(text.compactMap { $0.isASCII && $0.isNumber ? "9" : $0.isLetter ? Character($0.uppercased()) : nil })
    }

    /// "10.42", "1.200,00", "99,5": digits with a decimal point or comma before one or two digits.
    static func looksLikeAmount(_ word: Substring) -> Bool {
        let bytes = Array(word.utf8)
        guard let separator = bytes.lastIndex(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: ",") }),
              (1...2).contains(bytes.count - separator - 1), separator > 0 else { return false }
        return bytes.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: ",") }
    }

    /// Upper case, letters and digits only, leading zeros of each run of digits dropped.
    static func normalizedNumber(_ text: String) -> String {
        // Invoice numbers are ASCII nearly always: bytes, not Characters
        // (the index of 300,000 numbers was a fifth of a statement's cost).
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            var out: [UInt8] = []
            out.reserveCapacity(text.utf8.count)
            var inRun = false
            var runStart = 0
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    if !inRun { inRun = true; runStart = out.count }
                    if !(byte == UInt8(ascii: "0") && out.count == runStart) { out.append(byte) }
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
                    if inRun, out.count == runStart { out.append(UInt8(ascii: "0")) }  // a run of zeros only
                    inRun = false
                    out.append(byte & 0xDF)
                default:
                    continue
                }
            }
            if inRun, out.count == runStart { out.append(UInt8(ascii: "0")) }
            return String(decoding: out, as: UTF8.self)
        }
        var out = ""
        var run = ""  // the current run of digits, without its leading zeros
        var inRun = false
        func endRun() {
            if inRun { out += run.isEmpty ? "0" : run }
            run = ""
            inRun = false
        }
        for character in text.uppercased() where character.isLetter || (character.isASCII && character.isNumber) {
            if character.isLetter {
                endRun()
                out.append(character)
            } else {
                inRun = true
                if !(run.isEmpty && character == "0") { run.append(character) }
            }
        }
        endRun()
        return out
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

/// The reference a payment from a bank statement carries: "bank:KEY", the
/// payer's IBAN when the statement gave one (" iban:DE89…": later credits
/// from that account are known to be the debtor's), and the end-to-end id
/// (" e2e:…": a return of the credit names it). A returned payment's
/// reference names the credit it returns (" returns:KEY").
public struct BankReference: Sendable, Equatable {
    public var key: String
    public var iban: String?
    public var endToEnd: String?
    public var returns: String?
    /// Placed by a person (`overdue assign`), not by a statement: valid only
    /// while the credit is still unplaced, and no news from the bank.
    public var assigned = false

    public init(key: String, iban: String?, endToEnd: String?, returns: String? = nil, assigned: Bool = false) {
        self.key = key
        self.iban = iban
        self.endToEnd = endToEnd.map(StatementMatcher.word)
        self.returns = returns
        self.assigned = assigned
    }

    public init?(_ reference: String) {
        guard reference.hasPrefix("bank:") else { return nil }
        let parts = reference.dropFirst(5).split(separator: " ")
        guard let first = parts.first else { return nil }
        key = String(first)
        iban = parts.dropFirst().first { $0.hasPrefix("iban:") }.map { String($0.dropFirst(5)) }
        endToEnd = parts.dropFirst().first { $0.hasPrefix("e2e:") }.map { String($0.dropFirst(4)) }
        returns = parts.dropFirst().first { $0.hasPrefix("returns:") }.map { String($0.dropFirst(8)) }
        assigned = parts.dropFirst().contains("assigned")
    }

    public var text: String {
        "bank:\(key)" + (iban.map { " iban:\($0)" } ?? "") + (endToEnd.map { " e2e:\($0)" } ?? "") + (returns.map { " returns:\($0)" } ?? "") + (assigned ? " assigned" : "")
    }
}
