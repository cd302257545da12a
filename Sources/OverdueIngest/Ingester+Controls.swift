import OverdueCore

extension InboxRecord {
    /// The `[[policy]]` the record names (an invoice's, a customer record's),
    /// which must exist in the configuration.
    var policyName: String? {
        switch self {
        case .invoice(let invoice): invoice.policy
        case .customer(let record): record.policy
        case .event, .approval: nil
        }
    }
}

extension Ingester {
    /// The log's word on an invoice accepted without a way to reach the
    /// debtor: it waits for the customer directory, so the team knows to
    /// drop a customer record rather than wonder why nothing goes out.
    static func contactNote(_ record: InboxRecord, ledger: Ledger) -> String? {
        guard case .invoice(let invoice) = record, !ledger.directory.effective(for: invoice).hasContact else { return nil }
        return "no e-mail or phone for customer \(invoice.customer.id) yet: accepted, and its reminders wait (\"no contact yet\") until a customer record ({\"record\": \"customer\", \"id\": \"\(invoice.customer.id)\", \"email\": …}) supplies one"
    }
}
