import Foundation

/// Turns one record (a JSON object, or a CSV row already nested by its
/// dotted headers) into an invoice or an event, or into every problem found,
/// so a finance team fixes a file in one pass rather than one error at a time.
///
/// The same decoder reads the ledger journal back at start, so what is
/// accepted and what is replayed cannot drift apart.
/// A decoded record, or everything wrong with it.
public enum RecordOutcome: Sendable, Equatable {
    case accepted(InboxRecord)
    case rejected([FieldProblem])
}

public struct RecordDecoder: Sendable {
    public init() {}

    static let invoiceFields: Set<String> = [
        "invoice", "customer", "issued", "due", "currency", "amount", "balance", "policy", "payment_url", "installments",
        "discount_percent", "discount_until", "document",
    ]
    static let customerFields: Set<String> = ["id", "name", "email", "phone", "contact", "salutation", "language", "timezone", "country", "vat_id"]
    static let eventFields: [String: Set<String>] = [
        "payment": ["event", "invoice", "amount", "date", "reference", "currency"],
        "payment_return": ["event", "invoice", "amount", "date", "reference", "currency"],
        "dispute": ["event", "invoice", "date", "reason"],
        "resolve": ["event", "invoice", "date"],
        "promise": ["event", "invoice", "date", "amount"],
        "cancel": ["event", "invoice", "date", "reason"],
        "optout": ["event", "address", "channel", "customer"],
        "optin": ["event", "address", "channel", "customer"],
        "bounce": ["event", "address", "channel", "reason"],
        "credit": ["event", "customer", "amount", "currency", "reference"],
        "handoff": ["event", "invoice", "date", "agency"],
        "called": ["event", "customer", "date", "note"],
        "retry": ["event", "key"],
        "document": ["event", "name", "sha256", "size"],
        "feedback": ["event", "kind", "message_id", "digest", "date", "key", "customer", "address", "status", "reason", "evidence"],
        "bank_credit": ["event", "entry", "amount", "currency", "date", "payer", "iban", "remittance", "reason", "debtors", "settled",
                        "end_to_end_id", "returned"],
    ]

    public func decode(_ object: [String: JSONValue]) -> RecordOutcome {
        var reader = FieldReader(object: object, prefix: "")
        let record: InboxRecord?
        if case .string(let kind) = object["event"], kind == "approve" || kind == "hold" {
            record = decodeApproval(&reader, kind: kind)
        } else if object["event"] != nil {
            record = decodeEvent(&reader)
        } else if object["invoice"] != nil {
            record = decodeInvoice(&reader)
        } else if object["record"] != nil {
            record = decodeRecord(&reader)
        } else {
            reader.problems.append(FieldProblem(
                field: "", reason: "has neither an \"invoice\" nor an \"event\" field; an invoice needs \"invoice\" (its number), an event needs \"event\" (payment, payment_return, dispute, resolve, promise, cancel, optout, optin, bounce, credit, handoff, called, retry, approve or hold), a customer of the directory needs \"record\": \"customer\""))
            record = nil
        }
        if let record, reader.problems.isEmpty { return .accepted(record) }
        return .rejected(reader.problems)
    }

    private func decodeInvoice(_ reader: inout FieldReader) -> InboxRecord? {
        reader.rejectUnknown(allowed: Self.invoiceFields)
        let id = reader.identifier("invoice")
        var customerReader = reader.nested("customer")
        customerReader.rejectUnknown(allowed: Self.customerFields)
        let customerID = customerReader.identifier("id")
        let name = customerReader.text("name")
        let details = customerReader.contactFields()
        // Without e-mail and phone the invoice is still taken: the customer
        // directory may supply the contact, before or after (the invoice
        // waits as "no contact yet" meanwhile; nothing dropped is lost).
        reader.problems += customerReader.problems

        let issued = reader.date("issued")
        let due = reader.date("due")
        let currency = reader.required("currency", FieldRules.currency)
        let minorUnits = currency.map(Currency.minorUnits) ?? 4
        // An amount of 0 is a settled invoice (e.g. an e-invoice already paid).
        let amount = reader.amount("amount", minorUnits: minorUnits, allowZero: true)
        let balance = reader.isAbsent("balance") ? amount : reader.amount("balance", minorUnits: minorUnits, allowZero: true)
        if let amount, let balance, balance > amount {
            reader.problems.append(FieldProblem(
                field: "balance", reason: "\(balance) is more than the invoice amount \(amount); the balance is what is still owed"))
        }
        let policy = reader.optional("policy", FieldRules.identifier)
        let paymentURL = reader.optional("payment_url", FieldRules.url)
        let installments = reader.installments(minorUnits: minorUnits)
        if let amount, !installments.isEmpty {
            let total = installments.reduce(Decimal(0)) { $0 + $1.amount }
            if total != amount {
                reader.problems.append(FieldProblem(
                    field: "installments", reason: "add up to \(total) but the invoice amount is \(amount); make them match"))
            }
        }
        let discountPercent = reader.isAbsent("discount_percent") ? nil : reader.amount("discount_percent", minorUnits: 4, allowZero: false)
        let discountUntil = reader.optionalDate("discount_until")
        let document = reader.optional("document", FieldRules.documentName)
        if (discountPercent == nil) != (discountUntil == nil), reader.problems.isEmpty {
            reader.problems.append(FieldProblem(field: discountPercent == nil ? "discount_percent" : "discount_until",
                                                reason: "is missing; an early-payment discount needs both discount_percent and discount_until"))
        }
        if let percent = discountPercent, percent >= 100 {
            reader.problems.append(FieldProblem(field: "discount_percent", reason: "\(percent) must be below 100"))
        }
        guard let id, let customerID, let name, let issued, let due, let currency, let amount, let balance else { return nil }
        let customer = Customer(id: customerID, name: name, email: details.email, phone: details.phone, contact: details.contact,
                                language: details.language, timezone: details.timezone, country: details.country,
                                vatID: details.vatID, salutation: details.salutation)
        return .invoice(Invoice(id: id, customer: customer, issued: issued, due: due, currency: currency, amount: amount,
                                balance: balance, policy: policy, paymentURL: paymentURL, installments: installments,
                                discountPercent: discountPercent, discountUntil: discountUntil, document: document))
    }

    private func decodeEvent(_ reader: inout FieldReader) -> InboxRecord? {
        guard let kind = reader.string("event") else { return nil }
        guard let allowed = Self.eventFields[kind] else {
            reader.problems.append(FieldProblem(
                field: "event", reason: "\"\(FieldRules.printable(kind))\" is not an event; use one of payment, payment_return, dispute, resolve, promise, cancel, optout, optin, bounce, credit, handoff, called, retry, approve, hold"))
            return nil
        }
        reader.rejectUnknown(allowed: allowed)
        let event: LedgerEvent?
        switch kind {
        case "payment", "payment_return":
            let invoice = reader.identifier("invoice")
            let currency = reader.optional("currency", FieldRules.currency)
            let amount = reader.amount("amount", minorUnits: currency.map(Currency.minorUnits) ?? 4, allowZero: false)
            let date = reader.date("date")
            let reference = reader.optional("reference") { FieldRules.text($0) }
            guard let invoice, let amount, let date else { return nil }
            event = kind == "payment" ? .payment(invoice: invoice, amount: amount, date: date, reference: reference)
                : .paymentReturned(invoice: invoice, amount: amount, date: date, reference: reference)
        case "dispute", "cancel":
            let invoice = reader.identifier("invoice")
            let date = reader.optionalDate("date")
            let reason = reader.optional("reason") { FieldRules.text($0, maxLength: 500) }
            guard let invoice else { return nil }
            event = kind == "dispute" ? .dispute(invoice: invoice, date: date, reason: reason)
                : .cancel(invoice: invoice, date: date, reason: reason)
        case "resolve":
            guard let invoice = reader.identifier("invoice") else { return nil }
            event = .resolve(invoice: invoice, date: reader.optionalDate("date"))
        case "promise":
            let invoice = reader.identifier("invoice")
            let date = reader.date("date")
            let amount = reader.isAbsent("amount") ? nil : reader.amount("amount", minorUnits: 4, allowZero: false)
            guard let invoice, let date else { return nil }
            event = .promise(invoice: invoice, date: date, amount: amount)
        case "credit":
            let customer = reader.identifier("customer")
            let currency = reader.required("currency", FieldRules.currency)
            let amount = reader.amount("amount", minorUnits: currency.map(Currency.minorUnits) ?? 4, allowZero: false)
            let reference = reader.optional("reference") { FieldRules.text($0) }
            guard let customer, let currency, let amount else { return nil }
            event = .credit(customer: customer, amount: amount, currency: currency, reference: reference)
        case "bank_credit":
            // Written by overdue for a statement's credit no rule placed.
            let key = reader.required("entry") { FieldRules.text($0, maxLength: 300) }
            let currency = reader.required("currency", FieldRules.currency)
            let amount = reader.amount("amount", minorUnits: currency.map(Currency.minorUnits) ?? 4, allowZero: false)
            let date = reader.date("date")
            let payer = reader.optional("payer") { FieldRules.text($0, maxLength: 300) }
            let iban = reader.optional("iban") { FieldRules.text($0, maxLength: 64) }
            let remittance = reader.optional("remittance") { FieldRules.text($0, maxLength: 1000) }
            let reason = reader.optional("reason") { FieldRules.text($0, maxLength: 500) }
            let settled = reader.optional("settled") { FieldRules.text($0, maxLength: 500) }
            let endToEnd = reader.optional("end_to_end_id") { FieldRules.text($0, maxLength: 64) }
            let returned = reader.flag("returned") ?? false
            var debtors: [String] = []
            if case .array(let items)? = reader.object["debtors"] {
                for case .string(let id) in items where FieldRules.identifier(id) == nil { debtors.append(id) }
            }
            guard let key, let currency, let amount, let date else { return nil }
            var credit = UnplacedCredit(key: key, amount: amount, currency: currency, valueDate: date, payerName: payer,
                                        payerIBAN: iban, remittance: remittance, reason: reason)
            credit.possibleDebtors = debtors
            credit.settled = settled
            credit.endToEnd = endToEnd
            credit.returned = returned
            event = .unplacedCredit(credit)
        case "handoff":
            let invoice = reader.identifier("invoice")
            let date = reader.date("date")
            let agency = reader.optional("agency") { FieldRules.text($0, maxLength: 200) }
            guard let invoice, let date else { return nil }
            event = .handoff(invoice: invoice, date: date, agency: agency)
        case "called":
            let customer = reader.identifier("customer")
            let date = reader.date("date")
            let note = reader.optional("note") { FieldRules.text($0, maxLength: 500) }
            guard let customer, let date else { return nil }
            event = .called(customer: customer, date: date, note: note)
        case "retry":
            // A delivery key as `overdue log` shows it; absent = every failed delivery.
            let key = reader.optional("key") { FieldRules.deliveryKey($0).map { $0 + ", or leave it out for every failed delivery" } }
            guard reader.problems.isEmpty else { return nil }
            event = .retry(key: key)
        case "feedback":
            let kind = reader.required("kind") { FeedbackEvent.Kind(rawValue: $0) == nil ? "is not a feedback kind; use one of \(FeedbackEvent.Kind.allCases.map(\.rawValue).joined(separator: ", "))" : nil }
            let messageID = reader.required("message_id") { FieldRules.text($0, maxLength: 998) }
            let digest = reader.optional("digest") { $0.count <= 64 && $0.allSatisfy(\.isHexDigit) ? nil : "is not hex digits" }
            let date = reader.date("date")
            let key = reader.optional("key") { FieldRules.text($0) }
            let customer = reader.optional("customer", FieldRules.identifier)
            let address = reader.optional("address", FieldRules.contactAddress)
            let status = reader.optional("status") { FieldRules.text($0, maxLength: 20) }
            let reason = reader.optional("reason") { FieldRules.text($0, maxLength: 300) }
            let evidence = reader.optional("evidence") { FieldRules.text($0, maxLength: 300) }
            guard let kind = kind.flatMap(FeedbackEvent.Kind.init(rawValue:)), let messageID, let date else { return nil }
            event = .feedback(FeedbackEvent(kind: kind, messageID: messageID, digest: digest, date: date, key: key, customer: customer,
                                            address: address, status: status, reason: reason, evidence: evidence))
        case "document":
            let name = reader.required("name", FieldRules.documentName)
            let sha256 = reader.required("sha256") { $0.count == 64 && $0.allSatisfy(\.isHexDigit) ? nil : "is not a SHA-256 (64 hex digits)" }
            let size = reader.required("size") { Int($0).map { $0 >= 0 } == true ? nil : "is not a size in bytes" }
            guard let name, let sha256, let size = size.flatMap({ Int($0) }) else { return nil }
            event = .document(name: name, sha256: sha256, size: size)
        case "bounce":
            let address = reader.required("address", FieldRules.contactAddress)
            let channel = reader.required("channel") { Channel(rawValue: $0) == nil ? "\"\(FieldRules.printable($0))\" is not a channel; use email or sms" : nil }
            let reason = reader.optional("reason") { FieldRules.text($0, maxLength: 300) }
            guard let address, let channel = channel.flatMap(Channel.init(rawValue:)) else { return nil }
            event = .bounce(address: address, channel: channel, reason: reason)
        default:  // optout, optin
            let address = reader.required("address") { value in
                FieldRules.contactAddress(value).map { problem in
                    value.hasPrefix("+") ? problem : "\"\(FieldRules.printable(value))\" is neither an e-mail address nor an E.164 phone number"
                }
            }
            let channel = reader.optional("channel") { Channel(rawValue: $0) == nil ? "\"\(FieldRules.printable($0))\" is not a channel; use email, sms, webhook or call, or leave it out for all" : nil }
            _ = reader.optional("customer", FieldRules.identifier)
            guard let address else { return nil }
            let scope = channel.flatMap(Channel.init(rawValue:))
            event = kind == "optout" ? .optout(address: address, channel: scope) : .optin(address: address, channel: scope)
        }
        return event.map(InboxRecord.event)
    }
}
