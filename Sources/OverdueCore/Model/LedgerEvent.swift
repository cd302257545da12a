import Foundation
import OverdueCalendar

/// The channels a reminder can go out on; also the scope of an opt-out.
/// `call` sends nothing: it puts the debtor on `overdue calls`, the work list
/// for a person on the phone.
public enum Channel: String, Sendable, Codable, CaseIterable {
    case email, sms, webhook, call
}

/// Something that happened to an invoice or a debtor after the invoice was
/// dropped. Events arrive through the inbox like invoices.
public enum LedgerEvent: Sendable, Equatable {
    case payment(invoice: String, amount: Decimal, date: CalendarDate, reference: String?)
    /// The bank took a payment back (a returned or recalled credit): the
    /// invoice is owed again. `reference` "bank:KEY returns:ORIGINAL" when a
    /// statement's reversal made it; at most what was paid on the invoice.
    case paymentReturned(invoice: String, amount: Decimal, date: CalendarDate, reference: String?)
    case dispute(invoice: String, date: CalendarDate?, reason: String?)
    case resolve(invoice: String, date: CalendarDate?)
    case promise(invoice: String, date: CalendarDate, amount: Decimal?)
    case cancel(invoice: String, date: CalendarDate?, reason: String?)
    /// `channel` nil = every channel.
    case optout(address: String, channel: Channel?)
    case optin(address: String, channel: Channel?)
    /// The address does not exist (e.g. SMTP 550 5.1.1): kept apart from
    /// opt-outs, cleared by an `optin`.
    case bounce(address: String, channel: Channel, reason: String?)
    /// Money the customer may set against future invoices (e.g. a credit
    /// note that names no invoice).
    case credit(customer: String, amount: Decimal, currency: String, reference: String?)
    /// The invoice went to a collection agency (`overdue handoff`): no more reminders.
    case handoff(invoice: String, date: CalendarDate, agency: String?)
    /// Someone phoned the debtor (`overdue calls done`): off the call list
    /// until a later call stage puts them back.
    case called(customer: String, date: CalendarDate, note: String?)
    /// Put a failed delivery (nil: every failed one) back in the queue
    /// (`overdue retry`): the daemon re-queues it in the delivery journal.
    /// Nothing in the ledger changes.
    case retry(key: String?)
    /// A PDF named `name` arrived in the inbox and is kept in the spool under
    /// its SHA-256. Written by overdue itself, never dropped by a person:
    /// invoices that name the file get it attached.
    case document(name: String, sha256: String, size: Int)
    /// A bounce, reply or unsubscribe read from the feedback mailbox.
    case feedback(FeedbackEvent)
    /// A bank statement's credit no rule tied to an invoice, for a person.
    case unplacedCredit(UnplacedCredit)

    public var name: String {
        switch self {
        case .payment: "payment"
        case .paymentReturned: "payment_return"
        case .dispute: "dispute"
        case .resolve: "resolve"
        case .promise: "promise"
        case .cancel: "cancel"
        case .optout: "optout"
        case .optin: "optin"
        case .bounce: "bounce"
        case .credit: "credit"
        case .handoff: "handoff"
        case .called: "called"
        case .retry: "retry"
        case .document: "document"
        case .feedback: "feedback"
        case .unplacedCredit: "bank_credit"
        }
    }

    /// The invoice the event is about, if it is about one.
    public var invoiceID: String? {
        switch self {
        case .payment(let id, _, _, _), .paymentReturned(let id, _, _, _), .dispute(let id, _, _), .resolve(let id, _), .promise(let id, _, _),
             .cancel(let id, _, _), .handoff(let id, _, _):
            id
        case .optout, .optin, .bounce, .credit, .called, .retry, .document, .feedback, .unplacedCredit:
            nil
        }
    }
}

/// A record read from an inbox file.
public enum InboxRecord: Sendable, Equatable {
    case invoice(Invoice)
    case event(LedgerEvent)
    /// A customer of the directory (`{"record": "customer", …}`).
    case customer(CustomerRecord)
    /// `approve` / `hold` of a message waiting for approval.
    case approval(ApprovalDecision)
}

extension InboxRecord {
    /// The invoice the record is, or is about.
    public var invoiceID: String? {
        switch self {
        case .invoice(let invoice): invoice.id
        case .event(let event): event.invoiceID
        case .customer, .approval: nil
        }
    }
}
