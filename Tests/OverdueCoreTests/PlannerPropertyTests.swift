import Foundation
import OverdueCalendar
@testable import OverdueCore
import PropertyBased
import Testing

/// The planner's own invariants over random debtors, in the core's test
/// target with shrinking (x-sheep/swift-property-based): a failing debtor
/// is reduced to the smallest one that still fails (fewest invoices, the
/// earliest due date, no payment), and the seed to replay it is printed.
/// The daemon-level property tests (OverdueDaemonTests) build every letter's
/// bytes too; these ask only the planner, over its own timeline.
@Suite("Planner invariants on random debtors, shrunk to the smallest failing one")
struct PlannerPropertyTests {
    static let start = Fixture.instant("2027-03-01T00:00:00Z")
    static let zones = ["America/New_York", "Europe/Berlin", "Asia/Kolkata", "Europe/London", "Australia/Sydney"]
    static let ladder = Fixture.referencePolicy.stages.map(\.name)

    /// One debtor: `invoices` invoices due a week apart from `dueOffset` days after
    /// the start, the first paid `paidPercent` % (100: in full), in zone `zone`.
    static func ledger(invoices: Int, dueOffset: Int, paidPercent: Int, zone: Int) -> Ledger {
        var ledger = Ledger()
        let first = CalendarDate(iso: "2027-03-01")!.adding(days: dueOffset)
        for index in 0..<invoices {
            let due = first.adding(days: 7 * index).description
            _ = ledger.apply(Fixture.invoice("P-\(index)", zone: zones[zone], due: due, amount: 100))
        }
        if paidPercent > 0 {
            _ = ledger.apply(.event(.payment(invoice: "P-0", amount: Decimal(paidPercent), date: first, reference: nil)))
        }
        return ledger
    }

    @Test("letters climb the ladder, once per stage, inside the debtor's business hours, never for a paid invoice, at least the gap apart")
    func invariants() async {
        let planner = Fixture.planner()
        await propertyCheck(count: 150, input: Gen.int(in: 1...4), Gen.int(in: -10...40), Gen.int(in: 0...100), Gen.int(in: 0...4)) {
            invoices, dueOffset, paidPercent, zone in
            let ledger = Self.ledger(invoices: invoices, dueOffset: dueOffset, paidPercent: paidPercent, zone: zone)
            let sends = planner.timeline(ledger: ledger, history: DeliveryHistory(), from: Self.start,
                                         until: Self.start.addingTimeInterval(120 * 86_400))
            var reached: [String: Int] = [:]  // unit → highest ladder step
            var stagesSent: Set<String> = []
            var lastLetter: Date?
            for send in sends.filter({ !$0.copy }).sorted(by: { $0.time < $1.time }) {
                let local = Fixture.local(send.time, Self.zones[zone])
                let hour = Int(local.dropFirst(11).prefix(2)) ?? -1
                #expect((9..<17).contains(hour) && !local.hasSuffix("Sat") && !local.hasSuffix("Sun"), "\(send.stage) at \(local)")
                for item in send.items where item.item.stage == send.stage {
                    let step = Self.ladder.firstIndex(of: item.item.stage) ?? -1
                    #expect(step >= (reached[item.item.unitID] ?? -1), "\(item.item.unitID): \(item.item.stage) after a higher stage")
                    reached[item.item.unitID] = max(reached[item.item.unitID] ?? -1, step)
                    #expect(stagesSent.insert("\(item.item.unitID) \(item.item.stage) \(send.channel)").inserted,
                            "\(item.item.unitID): \(item.item.stage) on \(send.channel) twice")
                    #expect(!(paidPercent == 100 && item.item.invoice == "P-0"), "a letter about the paid invoice P-0")
                }
                if send.channel == .email, let lastLetter {
                    // Letters to one debtor keep the gap (3 days); a courtesy note before the due date is not a demand.
                    #expect(send.time.timeIntervalSince(lastLetter) >= 2 * 86_400 || send.stage == "courtesy",
                            "\(send.stage) \(send.time.timeIntervalSince(lastLetter) / 86_400) days after the last letter")
                }
                if send.channel == .email { lastLetter = send.time }
            }
        }
    }
}
