import Foundation
import OverdueCalendar

/// A payment as it stands after any return of it.
public struct NetPayment: Sendable, Equatable {
    public var date: CalendarDate
    public var amount: Decimal
    public var reference: String?

    public init(date: CalendarDate, amount: Decimal, reference: String?) {
        self.date = date
        self.amount = amount
        self.reference = reference
    }
}

extension LedgerEntry {
    /// The payments recorded on the invoice, oldest first, each less what
    /// the bank took back of it (`payment_return`): a return naming its
    /// payment's statement entry ("returns:KEY") is taken off that payment,
    /// one naming none off the latest payments first. A payment returned in
    /// full is left out. The one list every use of paid money reads (cash
    /// allocation, the balance on a past day, promises kept).
    public var netPayments: [NetPayment] {
        var payments: [NetPayment] = []
        var returns: [(amount: Decimal, of: String?)] = []
        for event in events {
            switch event {
            case .payment(_, let amount, let date, let reference):
                payments.append(NetPayment(date: date, amount: amount, reference: reference))
            case .paymentReturned(_, let amount, _, let reference):
                returns.append((amount, reference.flatMap(BankReference.init)?.returns))
            default:
                continue
            }
        }
        guard !returns.isEmpty else { return payments }
        for (amount, original) in returns {
            var left = amount
            // Its own payment first, then the latest ones.
            let named = payments.indices.filter { index in
                original != nil && payments[index].reference.flatMap(BankReference.init)?.key == original
            }
            for index in named + payments.indices.reversed() where left > 0 {
                let taken = min(left, payments[index].amount)
                payments[index].amount -= taken
                left -= taken
            }
        }
        return payments.filter { $0.amount > 0 }
    }

    /// The day the balance reached 0 (the last payment's date), if it did;
    /// an invoice owing nothing from the start was settled when issued.
    public var settledOn: CalendarDate? {
        guard balance <= 0 else { return nil }
        return netPayments.map(\.date).max() ?? invoice.issued
    }

    /// What was paid on the invoice less what the bank took back.
    public var paidNet: Decimal {
        var total = Decimal(0)
        for event in events {
            switch event {
            case .payment(_, let amount, _, _): total += amount
            case .paymentReturned(_, let amount, _, _): total -= amount
            default: continue
            }
        }
        return total
    }
}
