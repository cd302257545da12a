import Foundation
import OverdueCore

/// An invoice line of the ledger journal in the exact shape `RecordEncoder`
/// writes it (every value text), decoded by `JSONDecoder` into fields
/// rather than into a generic `JSONValue` tree: typed decoding is several
/// times faster, and the replay of a million invoices is the daemon's
/// start-up time. The fields are handed to the same `RecordDecoder` that
/// ingest uses, so replay still validates exactly what ingest accepted; a
/// line of any other shape (an event) takes the generic path.
struct JournalInvoiceLine: Decodable {
    var data: Invoice

    struct Invoice: Decodable {
        var invoice: String
        var customer: Customer
        var issued: String
        var due: String
        var currency: String
        var amount: String
        var balance: String
        var policy: String?
        var paymentURL: String?
        var discountPercent: String?
        var discountUntil: String?
        var installments: [Installment]?
        var document: String?

        enum CodingKeys: String, CodingKey {
            case invoice, customer, issued, due, currency, amount, balance, policy, installments, document
            case paymentURL = "payment_url", discountPercent = "discount_percent", discountUntil = "discount_until"
        }
    }

    /// The customer's fields are all text, so the model type decodes them.
    typealias Customer = OverdueCore.Customer

    struct Installment: Decodable {
        var due: String
        var amount: String
    }

    /// The record as `RecordDecoder` takes it.
    var object: [String: JSONValue] {
        let invoice = data
        var object: [String: JSONValue] = [
            "invoice": .string(invoice.invoice), "customer": .object(RecordEncoder.object(invoice.customer)), "issued": .string(invoice.issued),
            "due": .string(invoice.due), "currency": .string(invoice.currency), "amount": .string(invoice.amount),
            "balance": .string(invoice.balance),
        ]
        object["policy"] = invoice.policy.map(JSONValue.string)
        object["payment_url"] = invoice.paymentURL.map(JSONValue.string)
        object["discount_percent"] = invoice.discountPercent.map(JSONValue.string)
        object["discount_until"] = invoice.discountUntil.map(JSONValue.string)
        object["document"] = invoice.document.map(JSONValue.string)
        object["installments"] = invoice.installments.map { list in
            .array(list.map { .object(["due": .string($0.due), "amount": .string($0.amount)]) })
        }
        return object
    }
}
