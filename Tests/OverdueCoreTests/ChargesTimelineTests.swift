import Foundation
import OverdueCalendar
@testable import OverdueCore
import Testing

/// When charges appear and what the receipt says about them. Due Wed
/// 2027-03-10 in New York, USD 1,000.00, 10 % a year and a compensation of
/// 40.00: overdue (+1) goes Thu 03-11, firm (+8) Fri 03-19, the day after
/// the overdue letter's pay-by date.
@Suite("Charges over time: charges_from, the receipt after payment, waivers")
struct ChargesTimelineTests {
    static let overdueTime = Fixture.instant("2027-03-11T15:00:00Z")
    static let firmTime = Fixture.instant("2027-03-19T14:00:00Z")
    static let receiptTime = Fixture.instant("2027-03-23T14:00:00Z")

    static func policy(_ change: (inout Policy) -> Void = { _ in }) -> Policy {
        var policy = Fixture.referencePolicy
        policy.interestRatePercent = 10
        policy.compensation = 40
        change(&policy)
        return policy
    }

    static func planner(_ policy: Policy) -> Planner {
        var schedule = Fixture.schedule()
        schedule.thankAfterPayment = true
        return Planner(settings: PlannerSettings(policies: [policy], schedule: schedule, enabledChannels: [.email],
                                                 webhookEndpoint: nil))
    }

    /// Fee, interest and compensation (the periods behind the interest aside).
    static func figures(_ charges: LateCharges) -> [Decimal] { [charges.fee, charges.interest, charges.compensation] }

    static func step(_ planner: Planner, _ ledger: Ledger, _ history: inout DeliveryHistory, _ now: Date) -> PlanResult {
        PlannerControlsTests.step(planner, ledger, &history, now)
    }

    static func paid(_ amount: Decimal, on day: String) -> InboxRecord {
        .event(.payment(invoice: "INV-1", amount: amount, date: CalendarDate(iso: day)!, reference: nil))
    }

    /// The overdue and firm letters go, then `amount` is paid on 03-20: the receipt planned on 03-23.
    static func receiptAfterFirm(_ policy: Policy, paying amount: Decimal) throws -> PlannedSend {
        var ledger = Fixture.ledger(Fixture.invoice("INV-1", due: "2027-03-10", amount: 1000))
        var history = DeliveryHistory()
        let planner = Self.planner(policy)
        _ = Self.step(planner, ledger, &history, Self.overdueTime)
        _ = Self.step(planner, ledger, &history, Self.firmTime)
        ledger.apply(Self.paid(amount, on: "2027-03-20"))
        return try #require(Self.step(planner, ledger, &history, Self.receiptTime).due.first)
    }

    @Test("by default the first overdue letter states no charges and the firm one states them; charges_from moves the start")
    func chargesFrom() throws {
        let ledger = Fixture.ledger(Fixture.invoice("INV-1", due: "2027-03-10", amount: 1000))
        var history = DeliveryHistory()
        let planner = Self.planner(Self.policy())
        let overdue = try #require(Self.step(planner, ledger, &history, Self.overdueTime).due.first)
        #expect(overdue.stage == "overdue" && overdue.items[0].charges.isEmpty && overdue.totals[0].totalDue == 1000)
        let firm = try #require(Self.step(planner, ledger, &history, Self.firmTime).due.first)
        // 9 days × 1,000.00 × 10 % / 365 = 2.4658 → 2.47; compensation 40.00.
        #expect(firm.stage == "firm" && Self.figures(firm.items[0].charges) == Self.figures(LateCharges(interest: Decimal(string: "2.47")!, compensation: 40)))

        var early = DeliveryHistory()
        let fromOverdue = Self.planner(Self.policy { $0.chargesFrom = "overdue" })
        let letter = try #require(Self.step(fromOverdue, ledger, &early, Self.overdueTime).due.first)
        // 1 day: 0.2740 → 0.27.
        #expect(Self.figures(letter.items[0].charges) == Self.figures(LateCharges(interest: Decimal(string: "0.27")!, compensation: 40)))
    }

    @Test("a ladder without firm starts charges at its second stage after the due date")
    func defaultWithoutFirm() {
        var policy = Self.policy()
        policy.stages = policy.stages.filter { $0.name != "firm" }
        #expect(policy.stages[policy.chargesFromIndex].name == "final")
        #expect(!policy.statesCharges(at: "overdue") && policy.statesCharges(at: "final") && !policy.statesCharges(at: ""))
    }

    @Test("after the principal is paid, the receipt states the charges the letters stated, interest until the payment's date, and a date to pay them")
    func receiptStatesChargesOwed() throws {
        let receipt = try Self.receiptAfterFirm(Self.policy(), paying: 1000)
        #expect(receipt.stage == "thanks")
        // Interest ran 10 days (03-10 to 03-20): 2.7397 → 2.74; it stops when the principal is paid.
        #expect(Self.figures(receipt.items[0].charges) == Self.figures(LateCharges(interest: Decimal(string: "2.74")!, compensation: 40)))
        #expect(receipt.totals[0].charges.total == Decimal(string: "42.74")! && receipt.deadline != nil)
    }

    @Test("what was paid beyond the principal settles costs first, then interest; all of it paid, the receipt owes nothing")
    func overpaymentSettlesCharges() throws {
        let partly = try Self.receiptAfterFirm(Self.policy(), paying: 1041)
        #expect(Self.figures(partly.items[0].charges) == Self.figures(LateCharges(interest: Decimal(string: "1.74")!)))
        let settled = try Self.receiptAfterFirm(Self.policy(), paying: Decimal(string: "1042.74")!)
        #expect(settled.items[0].charges.isEmpty && settled.deadline == nil)
    }

    @Test("waive_charges_on_payment: the receipt states the charges as waived, demands nothing and sets no date")
    func waived() throws {
        let receipt = try Self.receiptAfterFirm(Self.policy { $0.waiveChargesOnPayment = true }, paying: 1000)
        #expect(receipt.items[0].waived && receipt.items[0].charges.total == Decimal(string: "42.74")!)
        #expect(receipt.totals[0].charges.isEmpty && receipt.deadline == nil)
    }

    @Test("paid after a letter that stated no charges: the receipt states none")
    func noChargesStated() throws {
        var ledger = Fixture.ledger(Fixture.invoice("INV-1", due: "2027-03-10", amount: 1000))
        var history = DeliveryHistory()
        let planner = Self.planner(Self.policy())
        _ = Self.step(planner, ledger, &history, Self.overdueTime)
        ledger.apply(Self.paid(1000, on: "2027-03-12"))
        let receipt = try #require(Self.step(planner, ledger, &history, Fixture.instant("2027-03-16T14:00:00Z")).due.first)
        #expect(receipt.stage == "thanks" && receipt.items[0].charges.isEmpty && receipt.deadline == nil)
    }

    @Test("three installments: the compensation is stated once for the invoice, in the letter and on the receipt")
    func compensationOncePerInvoice() throws {
        let parts = [Installment(due: CalendarDate(iso: "2027-03-10")!, amount: 300),
                     Installment(due: CalendarDate(iso: "2027-03-10")!, amount: 300),
                     Installment(due: CalendarDate(iso: "2027-03-10")!, amount: 400)]
        var ledger = Fixture.ledger(Fixture.invoice("INV-1", due: "2027-03-10", amount: 1000, installments: parts))
        var history = DeliveryHistory()
        let planner = Self.planner(Self.policy())
        _ = Self.step(planner, ledger, &history, Self.overdueTime)
        let firm = try #require(Self.step(planner, ledger, &history, Self.firmTime).due.first)
        #expect(firm.totals[0].charges.compensation == 40)
        ledger.apply(Self.paid(1000, on: "2027-03-20"))
        let receipt = try #require(Self.step(planner, ledger, &history, Self.receiptTime).due.first)
        #expect(receipt.items[0].charges.compensation == 40)
        // Interest per installment, each rounded: 300 → 0.82, 300 → 0.82, 400 → 1.10.
        #expect(receipt.items[0].charges.interest == Decimal(string: "2.74")!)
    }
}
