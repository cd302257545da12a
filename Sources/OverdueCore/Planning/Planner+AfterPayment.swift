import Foundation
import OverdueCalendar

/// What the receipt says about charges once the principal is paid: the
/// charges earlier letters stated, less what was paid beyond the
/// principal, as still owed — or waived (`waive_charges_on_payment`).
extension Planner {
    /// The charges still owed on a paid invoice: for each unit whose letters
    /// stated charges (its last stage reached is at or after `charges_from`),
    /// the fee of that stage and the interest that ran until it was paid
    /// (what was owed fell to nothing on the payment's date, so interest
    /// stops there); the compensation once per invoice. Payments beyond the
    /// principal (the ledger's credit) settle costs first, then interest.
    func chargesAfterPayment(_ entry: LedgerEntry, account: InvoiceAccount, policy: Policy, basis: ChargeBasis,
                             history: DeliveryHistory, today: CalendarDate) -> (owed: LateCharges, stated: LateCharges) {
        let invoice = entry.invoice
        var stated = LateCharges()
        for unit in account.units {
            let unitID = ReminderItem(invoice: invoice.id, installment: unit.installment, stage: "").unitID
            var item = PlannedItem(item: ReminderItem(invoice: invoice.id, installment: unit.installment, stage: ""),
                                   stageOffsetDays: 0, final: false, amount: 0, currency: invoice.currency, due: unit.due,
                                   daysOverdue: 0)
            charge(&item, entry, unit, policy: policy, stage: lastReachedStage(unitID, history: history), basis: basis,
                   today: today)
            stated.fee += item.charges.fee
            stated.interest += item.charges.interest
            stated.paidFee += item.charges.paidFee
            stated.paidInterest += item.charges.paidInterest
            // The fixed compensation is per invoice, not per installment.
            stated.compensation = max(stated.compensation, item.charges.compensation)
            stated.paidCompensation = max(stated.paidCompensation, item.charges.paidCompensation)
        }
        // What payments already paid off (`costs_first`), then what was paid
        // beyond the principal: costs first, then interest.
        var owed = LateCharges(fee: stated.fee - stated.paidFee, interest: stated.interest - stated.paidInterest,
                               compensation: stated.compensation - stated.paidCompensation)
        var paid = account.credit
        for component in [\LateCharges.fee, \LateCharges.compensation, \LateCharges.interest] {
            let settled = min(paid, owed[keyPath: component])
            owed[keyPath: component] -= settled
            paid -= settled
        }
        return (owed, stated)
    }
}
