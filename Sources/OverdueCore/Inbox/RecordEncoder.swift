import Foundation

/// Writes records back in the inbox format (amounts as decimal strings), for
/// the ledger journal and for `show --json`. `RecordDecoder` reads them back.
public enum RecordEncoder {
    public static func object(_ record: InboxRecord) -> [String: JSONValue] {
        switch record {
        case .invoice(let invoice): object(invoice)
        case .event(let event): object(event)
        case .customer(let record): object(record)
        case .approval(let decision): object(decision)
        }
    }

    public static func object(_ customer: Customer) -> [String: JSONValue] {
        var object = ContactFields(customer).json
        object["id"] = .string(customer.id)
        object["name"] = .string(customer.name)
        return object
    }

    public static func object(_ invoice: Invoice) -> [String: JSONValue] {
        let units = Currency.minorUnits(invoice.currency)
        var object: [String: JSONValue] = [
            "invoice": .string(invoice.id),
            "customer": .object(object(invoice.customer)),
            "issued": .string(invoice.issued.description),
            "due": .string(invoice.due.description),
            "currency": .string(invoice.currency),
            "amount": .string(Money.format(invoice.amount, minorUnits: units)),
            "balance": .string(Money.format(invoice.balance, minorUnits: units)),
        ]
        object["policy"] = invoice.policy.map(JSONValue.string)
        object["payment_url"] = invoice.paymentURL.map(JSONValue.string)
        object["discount_percent"] = invoice.discountPercent.map { .string("\($0)") }
        object["discount_until"] = invoice.discountUntil.map { .string($0.description) }
        object["document"] = invoice.document.map(JSONValue.string)
        if !invoice.installments.isEmpty {
            object["installments"] = .array(invoice.installments.map {
                .object(["due": .string($0.due.description), "amount": .string(Money.format($0.amount, minorUnits: units))])
            })
        }
        return object
    }

    public static func object(_ event: LedgerEvent) -> [String: JSONValue] {
        var object: [String: JSONValue] = ["event": .string(event.name)]
        object["invoice"] = event.invoiceID.map(JSONValue.string)
        switch event {
        case .payment(_, let amount, let date, let reference), .paymentReturned(_, let amount, let date, let reference):
            object["amount"] = .string("\(amount)")
            object["date"] = .string(date.description)
            object["reference"] = reference.map(JSONValue.string)
        case .dispute(_, let date, let reason), .cancel(_, let date, let reason):
            object["date"] = date.map { .string($0.description) }
            object["reason"] = reason.map(JSONValue.string)
        case .resolve(_, let date):
            object["date"] = date.map { .string($0.description) }
        case .promise(_, let date, let amount):
            object["date"] = .string(date.description)
            object["amount"] = amount.map { .string("\($0)") }
        case .optout(let address, let channel), .optin(let address, let channel):
            object["address"] = .string(address)
            object["channel"] = channel.map { .string($0.rawValue) }
        case .credit(let customer, let amount, let currency, let reference):
            object["customer"] = .string(customer)
            object["amount"] = .string("\(amount)")
            object["currency"] = .string(currency)
            object["reference"] = reference.map(JSONValue.string)
        case .handoff(_, let date, let agency):
            object["date"] = .string(date.description)
            object["agency"] = agency.map(JSONValue.string)
        case .called(let customer, let date, let note):
            object["customer"] = .string(customer)
            object["date"] = .string(date.description)
            object["note"] = note.map(JSONValue.string)
        case .retry(let key):
            object["key"] = key.map(JSONValue.string)
        case .feedback(let feedback):
            object["kind"] = .string(feedback.kind.rawValue)
            object["message_id"] = .string(feedback.messageID)
            object["digest"] = feedback.digest.map(JSONValue.string)
            object["date"] = .string(feedback.date.description)
            object["key"] = feedback.key.map(JSONValue.string)
            object["customer"] = feedback.customer.map(JSONValue.string)
            object["address"] = feedback.address.map(JSONValue.string)
            object["status"] = feedback.status.map(JSONValue.string)
            object["reason"] = feedback.reason.map(JSONValue.string)
            object["evidence"] = feedback.evidence.map(JSONValue.string)
        case .document(let name, let sha256, let size):
            object["name"] = .string(name)
            object["sha256"] = .string(sha256)
            object["size"] = .string("\(size)")
        case .bounce(let address, let channel, let reason):
            object["address"] = .string(address)
            object["channel"] = .string(channel.rawValue)
            object["reason"] = reason.map(JSONValue.string)
        case .unplacedCredit(let credit):
            object["entry"] = .string(credit.key)
            object["amount"] = .string("\(credit.amount)")
            object["currency"] = .string(credit.currency)
            object["date"] = .string(credit.valueDate.description)
            object["payer"] = credit.payerName.map(JSONValue.string)
            object["iban"] = credit.payerIBAN.map(JSONValue.string)
            object["remittance"] = credit.remittance.map(JSONValue.string)
            object["reason"] = credit.reason.map(JSONValue.string)
            if !credit.possibleDebtors.isEmpty { object["debtors"] = .array(credit.possibleDebtors.map(JSONValue.string)) }
            object["settled"] = credit.settled.map(JSONValue.string)
            object["end_to_end_id"] = credit.endToEnd.map(JSONValue.string)
            if credit.returned { object["returned"] = .bool(true) }
        }
        return object
    }
}
