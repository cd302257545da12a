import Foundation
import OverdueCore
import OverdueSpool

extension Ingester {
    /// Where a record stands in its file, for its log line.
    static func position(_ parsed: ParsedRecord, file: String) -> [String: JSONValue] {
        var fields: [String: JSONValue] = ["file": .string(file), "record": .number(Decimal(parsed.number))]
        if let line = parsed.line { fields["line"] = .number(Decimal(line)) }
        return fields
    }

    /// What `warning` lines and `status` say of an invoice due before it was issued.
    package static func dueBeforeIssue(_ invoice: Invoice) -> String {
        "due date \(invoice.due) is before the issue date \(invoice.issued): accepted as given and reminded from \(invoice.due); if it is a typing error, drop the invoice again with the right date"
    }

    /// The `paid` line when a payment brings an invoice's balance to zero.
    /// With `costs_first` the cash may have paid charges first: whether
    /// principal is still open is the planner's to say (`overdue show`).
    static func paidLine(_ entry: LedgerEntry, policy: Policy, file: String, time: Date) -> LogEntry {
        let detail = policy.allocation == .costsFirst
            ? "the payments reach the invoice amount; allocation = costs_first pays the charges letters stated first, so principal may still be open: see overdue show \(entry.invoice.id)"
            : "paid in full; no more reminders for this invoice"
        return LogEntry(time: time, event: policy.allocation == .costsFirst ? "amount_covered" : "paid", fields: [
            "invoice": .string(entry.invoice.id), "customer": .string(entry.invoice.customer.id), "file": .string(file),
            "detail": .string(detail),
        ])
    }

    /// The `ingested` line's fields: the position, the record's type, invoice, customer and amount.
    /// An event's `customer` is its invoice's (`log --customer` finds payments and promises).
    static func fields(of record: InboxRecord, _ parsed: ParsedRecord, file: String, currency: String? = nil,
                       customer: String? = nil) -> [String: JSONValue] {
        var fields = position(parsed, file: file)
        switch record {
        case .invoice(let invoice):
            fields["record_type"] = .string("invoice")
            fields["invoice"] = .string(invoice.id)
            fields["customer"] = .string(invoice.customer.id)
            fields["amount"] = .string(Money.format(invoice.amount, minorUnits: Currency.minorUnits(invoice.currency)))
            fields["currency"] = .string(invoice.currency)
        case .event(let event):
            fields["record_type"] = .string(event.name)
            fields["invoice"] = event.invoiceID.map(JSONValue.string)
            if fields["customer"] == nil { fields["customer"] = customer.map(JSONValue.string) }
            switch event {
            case .payment(_, let amount, _, _), .paymentReturned(_, let amount, _, _), .promise(_, _, .some(let amount)):
                fields["amount"] = .string(Money.format(amount, minorUnits: currency.map(Currency.minorUnits) ?? 2))
                fields["currency"] = currency.map(JSONValue.string)
            case .credit(_, let amount, let code, _):
                fields["amount"] = .string(Money.format(amount, minorUnits: Currency.minorUnits(code)))
                fields["currency"] = .string(code)
            case .unplacedCredit(let credit):
                // A bank credit listed, returned or dismissed: which, how much, and why (the audit trail of `overdue dismiss`).
                fields["entry"] = .string(credit.key)
                fields["amount"] = .string(Money.format(credit.amount, minorUnits: Currency.minorUnits(credit.currency)))
                fields["currency"] = .string(credit.currency)
                if let settled = credit.settled { fields["settled"] = .string(settled) }
            case .optout(let address, let channel), .optin(let address, let channel):
                fields["address"] = .string(address)
                fields["channel"] = .string(channel?.rawValue ?? "all")
            default: break
            }
            // A payment or return from a bank statement, or placed by `overdue assign`: the entry it places.
            if case .payment(_, _, _, let reference?) = event, let bank = BankReference(reference) { fields["entry"] = .string(bank.key) }
            if case .paymentReturned(_, _, _, let reference?) = event, let bank = BankReference(reference) { fields["entry"] = .string(bank.key) }
        case .customer(let customer):
            fields["record_type"] = .string("customer")
            fields["customer"] = .string(customer.id)
        case .approval(let decision):
            fields["record_type"] = .string(decision.name)
            fields["key"] = .string(decision.key)
        }
        return fields
    }

    /// The record's kind as the log names it: `invoice`, `payment`, `customer`, …
    static func recordType(_ record: InboxRecord) -> String {
        switch record {
        case .invoice: "invoice"
        case .event(let event): event.name
        case .customer: "customer"
        case .approval(let decision): decision.name
        }
    }
}
