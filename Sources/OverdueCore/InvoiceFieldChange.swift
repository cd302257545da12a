import Foundation

/// One field that differs between two versions of an invoice, in the
/// inbox's words: `amount`, `customer.email`, with the values as the journal
/// writes them (nil where the field is absent).
public struct InvoiceFieldChange: Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var old: String?
    public var new: String?

    public init(field: String, old: String?, new: String?) {
        self.field = field
        self.old = old
        self.new = new
    }

    /// "amount 1200.00 → 1500.00"; "none" where a field is absent.
    public var description: String { "\(field) \(old ?? "none") → \(new ?? "none")" }

    /// What dropping `invoice` again changes about `entry`, by field name.
    /// The old balance is what the ledger says is owed (the dropped balance
    /// less the payments recorded since), since the new balance replaces that.
    public static func list(replacing entry: LedgerEntry, with invoice: Invoice) -> [InvoiceFieldChange] {
        var old = fields(of: entry.invoice)
        old["balance"] = Money.format(entry.balance, minorUnits: Currency.minorUnits(entry.invoice.currency))
        return list(old, fields(of: invoice))
    }

    /// The fields in which two versions of an invoice differ, by field name.
    public static func list(from old: Invoice, to new: Invoice) -> [InvoiceFieldChange] {
        list(fields(of: old), fields(of: new))
    }

    private static func list(_ old: [String: String], _ new: [String: String]) -> [InvoiceFieldChange] {
        Set(old.keys).union(new.keys).sorted().compactMap { field in
            old[field] == new[field] ? nil : InvoiceFieldChange(field: field, old: old[field], new: new[field])
        }
    }

    /// The invoice as the journal writes it (`RecordEncoder`, so a field added
    /// there is compared too), flattened to dotted names.
    private static func fields(of invoice: Invoice) -> [String: String] {
        var flat: [String: String] = [:]
        func add(_ object: [String: JSONValue], prefix: String) {
            for (key, value) in object {
                switch value {
                case .object(let nested): add(nested, prefix: prefix + key + ".")
                case .null: break
                default: flat[prefix + key] = text(value)
                }
            }
        }
        add(RecordEncoder.object(invoice), prefix: "")
        flat["invoice"] = nil  // the number is what the two have in common
        return flat
    }

    /// Installments as the CSV writes them: `2026-12-01=600.00;2027-01-01=600.00`.
    private static func text(_ value: JSONValue) -> String {
        if case .array(let items) = value { return items.map(text).joined(separator: ";") }
        if case .object(let fields) = value, let due = fields["due"], let amount = fields["amount"] {
            return "\(due.plainText)=\(amount.plainText)"
        }
        return value.plainText
    }
}
