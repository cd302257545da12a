import Foundation
import OverdueCalendar

/// One installment of an invoice, or the whole invoice when it has none.
public struct InvoicePart: Sendable, Equatable {
    /// 1-based installment number as the invoice lists them; nil for the whole invoice.
    public var installment: Int?
    /// Of how many installments.
    public var of: Int
    public var due: CalendarDate
    public var amount: Decimal
    /// What is still owed of it.
    public var open: Decimal
}

extension LedgerEntry {
    /// The invoice's parts, oldest due first, with what is open of each when
    /// `balance` is still owed: payments settle the oldest part first. The
    /// one rule the planner (`principal_first`), the report's aging and
    /// `show` use, so an installment is aged, reminded and shown alike.
    public func openParts(balance: Decimal? = nil) -> [InvoicePart] {
        let owed = max(0, balance ?? self.balance)
        guard !invoice.installments.isEmpty else {
            return [InvoicePart(installment: nil, of: 1, due: invoice.due, amount: invoice.amount, open: owed)]
        }
        var paid = invoice.amount - owed
        let count = invoice.installments.count
        return invoice.installments.enumerated().sorted { $0.element.due < $1.element.due }.map { index, installment in
            let covered = min(installment.amount, max(0, paid))
            paid -= covered
            return InvoicePart(installment: index + 1, of: count, due: installment.due, amount: installment.amount,
                               open: installment.amount - covered)
        }
    }

    /// What was owed on a day in cash: the balance plus the payments dated
    /// after that day (they had not happened yet), at most the amount.
    public func balance(on day: CalendarDate) -> Decimal {
        var owed = balance
        for payment in netPayments where payment.date > day { owed += payment.amount }
        return max(0, min(owed, invoice.amount))
    }
}
