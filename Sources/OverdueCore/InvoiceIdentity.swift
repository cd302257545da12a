import Foundation

// One number, one invoice: a number names one invoice of one customer, for
// good. Checked on records coming in (the ingester, `preview`), before they
// are applied; `Ledger.apply` does not check it, because the journal holds
// only records that passed, and a journal written before this rule must
// replay into the ledger the daemon had.

extension Ledger {
    /// Why an invoice record may not take its number: the ledger has that
    /// number for another customer (by the invoice's own `customer.id`, as
    /// dropped). The same customer's number is an update. A cancelled or
    /// paid invoice keeps its number too: reminders, letters and payments
    /// already name it.
    public func identityProblem(_ record: InboxRecord) -> FieldProblem? {
        guard case .invoice(let invoice) = record, let existing = entries[invoice.id],
              existing.invoice.customer.id != invoice.customer.id else { return nil }
        let number = FieldRules.printable(invoice.id)
        let owner = "customer \"\(FieldRules.printable(existing.invoice.customer.id))\" (\(FieldRules.printable(existing.invoice.customer.name)))"
        let reason = if existing.cancelled {
            "invoice \"\(number)\" belonged to \(owner) and was cancelled; a cancelled number is not given to another customer: drop this invoice under a new number"
        } else if existing.balance <= 0 {
            "invoice \"\(number)\" already belongs to \(owner), paid; correct the number (a paid invoice keeps its number)"
        } else {
            "invoice \"\(number)\" already belongs to \(owner); correct the number, or if that customer's invoice is the mistake, "
                + "cancel it ({\"event\": \"cancel\", \"invoice\": \"\(number)\"}) and drop this one under a new number"
        }
        return FieldProblem(field: "invoice", reason: reason)
    }
}

/// One inbox file's invoice numbers. A number on rows that differ is a
/// mistake in the file, and which row is right cannot be told: every such
/// row is rejected (rather than the last silently winning). A row that
/// repeats an earlier one field for field says the same thing twice: it is
/// taken once.
public struct InvoiceNumbersInFile: Sendable {
    /// By index in the file's records: why that row is rejected.
    private var conflicts: [Int: FieldProblem] = [:]
    /// By index: the earlier row that row repeats.
    private var repeats: [Int: Int] = [:]

    public init(_ records: [ParsedRecord]) {
        var rowsByNumber: [String: [(index: Int, invoice: Invoice)]] = [:]
        for (index, record) in records.enumerated() {
            if case .accepted(.invoice(let invoice)) = record.outcome { rowsByNumber[invoice.id, default: []].append((index, invoice)) }
        }
        for (number, rows) in rowsByNumber where rows.count > 1 {
            let first = rows[0]
            let differing = Set(rows.dropFirst().flatMap { InvoiceFieldChange.list(from: first.invoice, to: $0.invoice).map(\.field) })
            guard !differing.isEmpty else {
                for row in rows.dropFirst() { repeats[row.index] = first.index }
                continue
            }
            let places = rows.map { records[$0.index].position }
            let problem = FieldProblem(field: "invoice", reason:
                "invoice \"\(FieldRules.printable(number))\" is on \(places.dropLast().joined(separator: ", ")) and \(places.last ?? "") of this file, "
                + "with different \(differing.sorted().joined(separator: ", ")); one number is one invoice: keep the right row, "
                + "or give the other invoice its own number")
            for row in rows { conflicts[row.index] = problem }
        }
    }

    /// Why the row at `index` is rejected: its number is on other rows of the file with other fields.
    public func conflict(at index: Int) -> FieldProblem? { conflicts[index] }

    /// The index of the earlier row that the row at `index` repeats field for field.
    public func earlierRow(repeatedAt index: Int) -> Int? { repeats[index] }
}
