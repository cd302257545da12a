import Foundation
import OverdueCore

/// The webhook body (`docs/webhooks.md`, schema version 1) built as a value
/// and encoded once: no Mustache and no re-validation of the JSON per
/// message, which was a third of a webhook's CPU. Its fields are the ones
/// the bundled `partials/webhook.json` template renders, with the same
/// values (`WebhookPayloadTests` compares the two for every stage and
/// language); a user's own webhook template still goes through Mustache.
struct WebhookPayload: Encodable {
    struct Party: Encodable {
        var id, name, email, phone: String
    }

    struct Item: Encodable {
        var number, installment, due, amount: String
        var totalDue: String?
        var currency: String
        var daysOverdue: Int
        var stage: String
        var paymentURL: String?

        enum CodingKeys: String, CodingKey {
            case number, installment, due, amount, currency, stage
            case totalDue = "total_due", daysOverdue = "days_overdue", paymentURL = "payment_url"
        }
    }

    struct Total: Encodable {
        var currency, amount: String
        var totalDue: String
        enum CodingKeys: String, CodingKey { case currency, amount, totalDue = "total_due" }
    }

    struct Document: Encodable {
        var invoices, fileName: String
        var size: Int
        var sha256: String
        enum CodingKeys: String, CodingKey { case invoices, size, sha256, fileName = "file_name" }
    }

    struct Earlier: Encodable {
        var date, stage, channel: String
    }

    var type = "overdue.reminder"
    var version = 1
    var key, stage: String
    var final: Bool
    var date: String
    var customer: Party
    var invoices: [Item]
    var totals: [Total]
    var totalDue: String
    var deadline: String
    var documents: [Document]
    var earlierReminders: [Earlier]
    var alsoOpen: [Item]

    enum CodingKeys: String, CodingKey {
        case type, version, key, stage, final, date, customer, invoices, totals, deadline, documents
        case totalDue = "total_due", earlierReminders = "earlier_reminders", alsoOpen = "also_open"
    }

    /// `language`: the letter's, for the words `earlier_reminders` gives a channel (as the template does).
    init(_ request: RenderRequest, language: String) {
        let send = request.send
        func item(_ planned: PlannedItem, demanded: Bool) -> Item {
            let units = Currency.minorUnits(planned.currency)
            return Item(number: planned.item.invoice, installment: planned.item.installment.map(String.init) ?? "",
                        due: planned.due.description, amount: Money.format(planned.amount, minorUnits: units),
                        totalDue: demanded ? Money.format(planned.totalDue, minorUnits: units) : nil, currency: planned.currency,
                        daysOverdue: planned.daysOverdue, stage: planned.item.stage,
                        paymentURL: demanded ? request.invoices[planned.item.invoice]?.paymentURL ?? "" : nil)
        }
        key = send.key
        stage = send.stage
        final = send.final
        date = request.today.description
        customer = Party(id: request.customer.id, name: request.customer.name, email: request.customer.email ?? "",
                         phone: request.customer.phone ?? "")
        invoices = send.demanded.map { item($0, demanded: true) }
        totals = send.totals.map { total in
            let units = Currency.minorUnits(total.currency)
            return Total(currency: total.currency, amount: Money.format(total.amount, minorUnits: units),
                         totalDue: Money.format(total.totalDue, minorUnits: units))
        }
        totalDue = send.totals.count == 1 ? Money.format(send.totals[0].totalDue, minorUnits: Currency.minorUnits(send.totals[0].currency)) : ""
        deadline = send.deadline?.description ?? ""
        documents = request.documents.attached.map {
            Document(invoices: $0.invoices.joined(separator: ", "), fileName: $0.name, size: $0.size, sha256: $0.sha256)
        }
        earlierReminders = request.earlier.map {
            Earlier(date: $0.date.description, stage: $0.stage, channel: LetterWords.channelName($0.channel, language: language))
        }
        alsoOpen = send.alsoOpen.map { item($0, demanded: false) }
    }

    /// One encoder for every message: its settings never change after this.
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    func json() -> String {
        // Encoding plain strings, numbers and arrays cannot fail.
        String(decoding: (try? Self.encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }
}
