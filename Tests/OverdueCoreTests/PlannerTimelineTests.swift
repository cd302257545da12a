import Foundation
@testable import OverdueCore
import Testing

@Suite("Planner timeline over many debtors")
struct PlannerTimelineTests {
    @Test("1,500 debtors planned in parallel slices give exactly the sends of each debtor planned alone")
    func slicesAgree() {
        let start = Fixture.instant("2027-01-01T00:00:00Z"), end = Fixture.instant("2027-07-01T00:00:00Z")
        let zones = ["America/New_York", "Europe/Berlin", "Asia/Tokyo", "Australia/Sydney"]
        var records: [InboxRecord] = []
        for n in 0..<3000 {  // two invoices per debtor, so consolidation and gaps matter
            let day = 1 + n % 28, month = 2 + n % 3
            records.append(Fixture.invoice("T-\(n)", customer: "d\(n % 1500)", zone: zones[n % zones.count],
                                           due: String(format: "2027-%02d-%02d", month, day)))
        }
        var ledger = Ledger()
        for record in records { #expect(ledger.apply(record) == nil) }
        let planner = Fixture.planner()
        let together = planner.timeline(ledger: ledger, history: DeliveryHistory(), from: start, until: end)

        var alone: [PlannedSend] = []
        for debtor in 0..<1500 {
            var single = Ledger()
            for record in records {
                if case .invoice(let invoice) = record, invoice.customer.id == "d\(debtor)" { single.apply(record) }
            }
            alone += planner.timeline(ledger: single, history: DeliveryHistory(), from: start, until: end)
        }
        #expect(together.count == alone.count)
        #expect(Set(together.map { "\($0.key)@\($0.time.timeIntervalSince1970)" })
            == Set(alone.map { "\($0.key)@\($0.time.timeIntervalSince1970)" }))
        #expect(together.map(\.time) == together.map(\.time).sorted())
        #expect(together.count > 3000)
    }
}

@Suite("Delivery keys")
struct DeliveryKeyTests {
    /// Keys are how a restart knows what was sent: they must never change
    /// between versions. The expected value is SHA-256 computed outside
    /// Swift (Python's hashlib) over the documented input.
    @Test("the key of a known message is stable")
    func stableKey() {
        let key = PlannedSend.key(customer: "acme", stage: "overdue", channel: .email, recipient: "ap@acme.example", items: [
            ReminderItem(invoice: "INV-2", installment: 1, stage: "overdue"), ReminderItem(invoice: "INV-1", installment: nil, stage: "overdue"),
        ])
        #expect(key == "od1-cfae712020df92efdc6d31db0dfc66a7")
    }
}
