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

    /// The `ingested` line's fields: the position, the record's type, invoice, customer and amount.
    static func fields(of record: InboxRecord, _ parsed: ParsedRecord, file: String, currency: String? = nil) -> [String: JSONValue] {
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
            switch event {
            case .payment(_, let amount, _, _), .promise(_, _, .some(let amount)):
                fields["amount"] = .string(Money.format(amount, minorUnits: currency.map(Currency.minorUnits) ?? 2))
                fields["currency"] = currency.map(JSONValue.string)
            case .credit(_, let amount, let code, _):
                fields["amount"] = .string(Money.format(amount, minorUnits: Currency.minorUnits(code)))
                fields["currency"] = .string(code)
            default: break
            }
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
