import Foundation
import OverdueCalendar
import OverdueCore
@testable import OverdueDelivery
import Testing

@Suite("The sent log says which charges the law gave but the letter does not state")
struct ChargesLogTests {
    @Test("charges_remarks lists each remark of the letter's items once, after charges_rule")
    func remarks() {
        func item(_ invoice: String, _ remarks: [String]) -> PlannedItem {
            var item = PlannedItem(item: ReminderItem(invoice: invoice, installment: nil, stage: "final"), stageOffsetDays: 15,
                                   final: true, amount: 100, currency: "EUR", due: CalendarDate(iso: "2026-07-15")!, daysOverdue: 30)
            item.charges.remarks = remarks
            return item
        }
        let gap = "the de-basiszins rate in force on 2026-07-01 is not in the reference rates"
        var send = PlannedSend(time: Date(), customer: "c1", customerName: "C1", channel: .email, recipient: "c1@example.com",
                               stage: "final", final: true, policy: "law", timeZone: "Europe/Berlin",
                               items: [item("A", [gap]), item("B", [gap, "converted? no"]), item("C", [])], key: "od1-x")
        send.chargesRule = "statutory rule of DE"
        let fields = Dispatcher.fields(send, attempt: 0)
        #expect(fields["charges_rule"] == .string("statutory rule of DE"))
        #expect(fields["charges_remarks"] == .array([.string(gap), .string("converted? no")]))
        send.items = [item("C", [])]
        #expect(Dispatcher.fields(send, attempt: 0)["charges_remarks"] == nil)
    }
}
