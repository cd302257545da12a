import Foundation
import OverdueCalendar

/// A credit from a bank statement that no rule tied to an invoice: kept in
/// the ledger until a payment carrying its key places it (`overdue assign`),
/// and, while kept, holding the escalation of any debtor it could belong to
/// (the payer's name is theirs, or the payer's IBAN paid them before).
public struct UnplacedCredit: Sendable, Equatable {
    /// The statement entry's key (`StatementMatcher.key`).
    public var key: String
    public var amount: Decimal
    public var currency: String
    public var valueDate: CalendarDate
    public var payerName: String?
    public var payerIBAN: String?
    public var remittance: String?
    /// Why no rule placed it.
    public var reason: String?
    /// The debtors it could be from, as the ledger stood when it came: the
    /// payer's name is theirs, or the payer's IBAN paid them before. Their
    /// reminders do not escalate while it is unplaced.
    public var possibleDebtors: [String] = []
    /// Set when the credit is settled without a payment — returned to the
    /// payer, or dismissed by a person as not a debtor's: why. A record
    /// with it takes the credit off the list and releases whom it held.
    public var settled: String?
    /// The payment's end-to-end id, if the statement gave one (`assign`
    /// carries it, so that a later return of the credit finds it).
    public var endToEnd: String?
    /// A credit the bank took back whose credit is not known: for a person
    /// to say which invoice it reopens (`assign`). It holds nobody.
    public var returned = false
    /// How `overdue dismiss` begins `settled`.
    public static let dismissedPrefix = "dismissed: "

    public init(key: String, amount: Decimal, currency: String, valueDate: CalendarDate, payerName: String?, payerIBAN: String?,
                remittance: String?, reason: String?) {
        self.key = key
        self.amount = amount
        self.currency = currency
        self.valueDate = valueDate
        self.payerName = payerName
        self.payerIBAN = payerIBAN
        self.remittance = remittance
        self.reason = reason
    }
}

extension Ledger {
    /// A person's decision about a listed bank credit (`overdue assign`,
    /// `overdue dismiss`) applies only while the credit is still listed:
    /// two decisions dropped before the daemon read either (assign it to
    /// one invoice, then to another) would place the same money twice.
    func placementProblem(_ record: InboxRecord) -> FieldProblem? {
        let key: String
        switch record {
        case .event(.payment(_, _, _, let reference?)), .event(.paymentReturned(_, _, _, let reference?)):
            guard let bank = BankReference(reference), bank.assigned else { return nil }
            key = bank.key
        case .event(.unplacedCredit(let credit)) where credit.settled?.hasPrefix(UnplacedCredit.dismissedPrefix) == true:
            key = credit.key
        default:
            return nil
        }
        guard unplacedCredits[key] == nil else { return nil }
        return FieldProblem(field: "reference", reason: "the bank credit \(key) is no longer listed (it was assigned or dismissed already); `overdue payments --unmatched` lists what is open")
    }
}
