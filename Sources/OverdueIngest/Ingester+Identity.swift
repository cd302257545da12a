import Foundation
import OverdueCore
import OverdueSpool

// The log's side of "one number, one invoice" (the rules are the core's
// `InvoiceIdentity.swift`): a re-dropped invoice says what it changed, a
// row repeated in its file says it was taken once.
extension Ingester {
    /// The invoice an invoice record would replace, read before the record
    /// is applied: the "updated" line compares with it.
    static func replacedEntry(_ record: InboxRecord, in ledger: Ledger) -> LedgerEntry? {
        if case .invoice(let invoice) = record { ledger[invoice.id] } else { nil }
    }

    /// The log line of an accepted record: `ingested`, or for an invoice the
    /// ledger held already, `updated` with what changed, as `changes`
    /// (`{"amount": {"from": "1200.00", "to": "1500.00"}}`, for jq) and in
    /// `detail` (for `overdue log`), or that nothing did.
    static func acceptedLine(_ record: InboxRecord, replacing replaced: LedgerEntry?, fields: [String: JSONValue],
                             time: Date) -> LogEntry {
        guard case .invoice(let invoice) = record, let replaced else { return LogEntry(time: time, event: "ingested", fields: fields) }
        let changes = InvoiceFieldChange.list(replacing: replaced, with: invoice)
        var fields = fields
        fields["changes"] = .object(Dictionary(uniqueKeysWithValues: changes.map { change in
            (change.field, JSONValue.object(["from": change.old.map(JSONValue.string) ?? .null,
                                             "to": change.new.map(JSONValue.string) ?? .null]))
        }))
        let said = changes.isEmpty ? "dropped again with nothing changed"
            : "dropped again: " + changes.map(\.description).joined(separator: ", ")
        fields["detail"] = .string([said, fields["detail"]?.plainText].compactMap { $0 }.joined(separator: "; "))
        return LogEntry(time: time, event: "updated", fields: fields)
    }

    /// The log line of a row that repeats an earlier row of its file field
    /// for field: nothing to fix, so not rejected; taken once, with that row.
    static func repeatedRowLine(_ record: InboxRecord, _ parsed: ParsedRecord, repeating earlier: ParsedRecord, file: String,
                                time: Date) -> LogEntry {
        var fields = fields(of: record, parsed, file: file)
        fields["detail"] = .string("the same invoice as \(earlier.position) of this file, field for field; taken once")
        return LogEntry(time: time, event: "duplicate", fields: fields)
    }
}
