import Foundation
import OverdueCalendar

/// What `overdue forget CUSTOMER` erases, worked out from the ledger before
/// any file is touched (pure; the spool module applies it to each file).
///
/// A GDPR erasure request meets a tax law that keeps invoices 6 to 10 years:
/// the invoice numbers, amounts, currencies and dates stay, everything that
/// names or reaches the person goes. Identifiers (the customer's ids) become
/// one tombstone, `forgotten-<12 hex>`, keyed by a secret of the spool so the
/// tombstone cannot be tested against a guessed id, and the same for every
/// run, so a run stopped half-way and started again finishes the job with
/// the same name. Free text (dispute reasons, notes, hold reasons) becomes
/// `[forgotten YYYY-MM-DD]`. Addresses and phone numbers are dropped from
/// records (an invoice without them is never reminded) and replaced by the
/// tombstone wherever they appear in other text.
public struct Erasure: Sendable {
    public let tombstone: String
    public let day: CalendarDate
    /// The customer's ids: the one asked for, the ids its invoices carry
    /// (an e-invoice matched by VAT id has its own buyer id), the tombstone.
    public let ids: Set<String>
    /// The invoice numbers that stay, now of the tombstone.
    public let invoices: Set<String>
    /// Lowercased e-mail addresses and phone numbers that only this customer
    /// used: opt-outs and bounces of them are dropped, text naming them scrubbed.
    public let addresses: Set<String>
    /// SHA-256 of the customer's invoice PDFs (they carry the buyer's name and address).
    public let documents: Set<String>
    /// Invoices still being chased (balance owed, not cancelled, not handed
    /// off): what refuses the erasure without `--force`.
    public let chased: [String]
    /// Delivery keys of the customer's messages (from the delivery journal).
    public var keys: Set<String> = []
    /// The directory record's choices that carry no personal data, kept on
    /// the tombstone's record (policy, language, timezone, country).
    public let keptRecordFields: [String: JSONValue]
    /// Names, addresses, numbers: replaced wherever they appear in text.
    private(set) var identifiers: Set<String>
    /// Free text about the customer (reasons, notes), replaced where found.
    private(set) var freeTexts: Set<String>

    public var freeText: String { "[forgotten \(day)]" }

    /// Identifiers shorter than this are only replaced where a field holds
    /// exactly them: "Li" inside other words is not this customer's name.
    static let minimumScrubLength = 4
    /// Free text shorter than this ("n/a", "late") is only replaced in the
    /// customer's own records, never in other customers' text.
    static let minimumFreeTextLength = 8

    /// The erasure of `customer`, or nil when the ledger knows no such customer.
    /// `tombstone` names the customer from now on (`forgotten-…`).
    public static func plan(customer: String, ledger: Ledger, tombstone: String, day: CalendarDate) -> Erasure? {
        var ids: Set<String> = [customer]
        var mine: [LedgerEntry] = []
        // An e-invoice matched by VAT id carries its own buyer id: both ids
        // are the customer, and invoices of either id are theirs.
        while true {
            mine = ledger.entries.values.filter { entry in
                ids.contains(entry.invoice.customer.id) || ids.contains(ledger.directory.effective(for: entry.invoice).customer.id)
            }
            let found = ids.union(mine.map(\.invoice.customer.id))
            if found == ids { break }
            ids = found
        }
        let records = ids.compactMap { ledger.directory[$0] }
        guard !mine.isEmpty || !records.isEmpty || ledger.customerCredits[customer] != nil || ledger.lastCalled[customer] != nil
        else { return nil }

        var values: [String] = []
        var addresses: [String] = []
        var texts: [String] = []
        for entry in mine {
            let customers = [entry.invoice.customer, ledger.directory.effective(for: entry.invoice).customer]
            for person in customers {
                values += [person.name, person.contact, person.vatID].compactMap { $0 }
                texts += [person.salutation].compactMap { $0 }
                addresses += [person.email, person.phone].compactMap { $0 }
            }
            for event in entry.events {
                switch event {
                case .dispute(_, _, let reason?): texts.append(reason)
                default: break
                }
            }
        }
        for record in records {
            values += [record.name, record.contact, record.vatID].compactMap { $0 }
            addresses += [record.email, record.phone].compactMap { $0 } + record.cc
            texts += [record.note, record.salutation].compactMap { $0 }
        }
        // What another customer uses too stays theirs: a shared address or a
        // common name is not this customer's to erase.
        let others = Self.otherCustomersValues(ledger: ledger, excluding: ids, invoices: Set(mine.map(\.invoice.id)))
        let own = Set((values + addresses).map { $0.lowercased() }).subtracting(others)
        let invoiceIDs = Set(mine.map(\.invoice.id))
        let today = day
        var kept: [String: JSONValue] = [:]
        if let record = ledger.directory[customer] ?? records.first {
            kept["policy"] = record.policy.map(JSONValue.string)
            kept["language"] = record.language.map(JSONValue.string)
            kept["timezone"] = record.timezone.map(JSONValue.string)
            kept["country"] = record.country.map(JSONValue.string)
        }
        return Erasure(
            tombstone: tombstone, day: day, ids: ids.union([tombstone]), invoices: invoiceIDs,
            addresses: Set(addresses.map { $0.lowercased() }).intersection(own),
            // A PDF another customer's invoice names too is theirs as well: kept.
            documents: Set(mine.compactMap { $0.document?.sha256 }).subtracting(
                ledger.entries.values.filter { !invoiceIDs.contains($0.invoice.id) }.compactMap { $0.document?.sha256 }),
            chased: mine.filter { $0.balance > 0 && !$0.cancelled && $0.handedOff == nil }.map(\.invoice.id).sorted(),
            keptRecordFields: kept,
            identifiers: Set((values + addresses).filter { own.contains($0.lowercased()) }),
            freeTexts: Set(texts.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty && $0 != "[forgotten \(today)]" }))
    }

    /// Names, contacts and addresses of every other customer, lowercased.
    static func otherCustomersValues(ledger: Ledger, excluding ids: Set<String>, invoices: Set<String>) -> Set<String> {
        var values: Set<String> = []
        for entry in ledger.entries.values where !invoices.contains(entry.invoice.id) {
            for person in [entry.invoice.customer, ledger.directory.effective(for: entry.invoice).customer] {
                for value in [person.name, person.contact, person.vatID, person.email, person.phone].compactMap({ $0 }) {
                    values.insert(value.lowercased())
                }
            }
        }
        for (id, record) in ledger.directory.records where !ids.contains(id) {
            for value in [record.name, record.contact, record.vatID, record.email, record.phone].compactMap({ $0 }) + record.cc {
                values.insert(value.lowercased())
            }
        }
        return values
    }

    /// Free text found while reading the customer's journal lines (a `called`
    /// note, a hold reason), scrubbed from other files too.
    public mutating func noteFreeText(_ text: String) {
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty, text != freeText, text != tombstone else { return }
        freeTexts.insert(text)
    }

    /// Whether `address` (an e-mail or a phone number) is one being forgotten.
    public func isForgotten(address: String) -> Bool { addresses.contains(address.lowercased()) }

    /// Every value the erasure looks for, for a test or a person checking a
    /// spool afterwards (`grep -F`): identifiers and free text.
    public var searchedValues: [String] { (identifiers.union(freeTexts)).sorted() }
}
