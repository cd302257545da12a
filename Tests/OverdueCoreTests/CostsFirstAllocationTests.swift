import Foundation
import OverdueCalendar
@testable import OverdueCore
import Testing

/// `allocation = "costs_first"` (§ 367 BGB): a payment pays the costs the
/// letters stated, then the interest to its date, then the principal. The
/// same ladder as ChargesTimelineTests: USD 1,000.00 due Wed 2027-03-10 in
/// New York, 10 % a year, compensation 40.00; overdue goes 03-11, firm
/// (the first stage stating charges) 03-19.
@Suite("Payments applied costs first (§ 367 BGB)")
struct CostsFirstAllocationTests {
    static func policy(_ allocation: PaymentAllocation = .costsFirst) -> Policy {
        ChargesTimelineTests.policy { $0.allocation = allocation }
    }

    static func paid(_ amount: String, on day: String, invoice: String = "INV-1") -> InboxRecord {
        .event(.payment(invoice: invoice, amount: Decimal(string: amount)!, date: CalendarDate(iso: day)!, reference: nil))
    }

    /// Runs the plan once a day at 15:00 UTC through `last`, delivering what is due; the letters in order.
    static func run(_ planner: Planner, _ ledger: Ledger, _ history: inout DeliveryHistory, from first: String,
                    through last: String) -> [PlannedSend] {
        var letters: [PlannedSend] = []
        var day = CalendarDate(iso: first)!
        while day <= CalendarDate(iso: last)! {
            letters += ChargesTimelineTests.step(planner, ledger, &history, Fixture.instant("\(day)T15:00:00Z")).due
            day = day.adding(days: 1)
        }
        return letters
    }

    /// The ladder through the firm letter (03-19), then `amount` paid on 03-20.
    static func paidAfterFirm(_ amount: String, _ allocation: PaymentAllocation = .costsFirst,
                              installments: [Installment] = []) -> (Planner, Ledger, DeliveryHistory) {
        var ledger = Fixture.ledger(Fixture.invoice("INV-1", due: "2027-03-10", amount: 1000, installments: installments))
        var history = DeliveryHistory()
        let planner = ChargesTimelineTests.planner(Self.policy(allocation))
        _ = Self.run(planner, ledger, &history, from: "2027-03-11", through: "2027-03-19")
        ledger.apply(Self.paid(amount, on: "2027-03-20"))
        return (planner, ledger, history)
    }

    @Test("a payment after the firm letter pays the compensation and the interest to its date first; the principal left is demanded, no receipt")
    func paymentAfterChargesStated() throws {
        var ledger = Fixture.ledger(Fixture.invoice("INV-1", due: "2027-03-10", amount: 1000))
        var history = DeliveryHistory()
        let planner = ChargesTimelineTests.planner(Self.policy())
        let before = Self.run(planner, ledger, &history, from: "2027-03-11", through: "2027-03-19")
        #expect(before.map(\.stage) == ["overdue", "firm"])
        ledger.apply(Self.paid("1000.00", on: "2027-03-20"))
        // 40.00 compensation, then 10 days of interest on 1,000.00 (2.7397 → 2.74), then 957.26 of principal.
        #expect(planner.principalOpen(ledger["INV-1"]!, ledger: ledger, history: history) == Decimal(string: "42.74")!)
        #expect(planner.state(ledger["INV-1"]!, ledger: ledger, history: history, on: CalendarDate(iso: "2027-03-21")!) == .open)
        #expect(ledger["INV-1"]!.state(on: CalendarDate(iso: "2027-03-21")!) == .paid)  // the cash alone would say paid

        let after = Self.run(planner, ledger, &history, from: "2027-03-20", through: "2027-04-10")
        let final = try #require(after.first { $0.stage == "final" })
        #expect(!after.contains { $0.stage == "thanks" })
        let item = final.items[0]
        #expect(item.amount == Decimal(string: "42.74")!)
        // Charges as they arose, and what the payment paid of them.
        #expect(item.charges.compensation == 40 && item.charges.paidCompensation == 40)
        #expect(item.charges.paidInterest == Decimal(string: "2.74")! && item.charges.fee == 0)
        // Interest: 10 days on 1,000.00, then on the 42.74 left from 03-21 to the letter's day.
        let days = Decimal(CalendarDate(iso: "2027-03-20")!.days(until: CalendarDate(iso: "\(final.time)".prefix(10).description)!))
        var expected = Decimal(1000) * 10 * 10 / 36_500 + Decimal(string: "42.74")! * 10 * days / 36_500
        var rounded = Decimal()
        NSDecimalRound(&rounded, &expected, 2, .plain)
        #expect(item.charges.interest == rounded)
        #expect(final.totals[0].totalDue == Decimal(string: "42.74")! + rounded - Decimal(string: "2.74")!)
    }

    @Test("paying what the final demanded settles it: the receipt follows and states nothing owed")
    func payingTheDemandSettles() throws {
        var (planner, ledger, history) = Self.paidAfterFirm("1000.00")
        let final = try #require(Self.run(planner, ledger, &history, from: "2027-03-20", through: "2027-04-10").first { $0.stage == "final" })
        let finalDay = String("\(final.time)".prefix(10))
        ledger.apply(Self.paid("\(final.totals[0].totalDue)", on: finalDay))
        #expect(planner.principalOpen(ledger["INV-1"]!, ledger: ledger, history: history) == 0)
        let receipt = try #require(Self.run(planner, ledger, &history, from: finalDay, through: "2027-04-30").first)
        #expect(receipt.stage == "thanks" && receipt.totals[0].charges.total == 0 && receipt.deadline == nil)
    }

    @Test("a payment before any letter stated charges goes to the principal, as with principal_first")
    func paymentBeforeCharges() throws {
        for allocation in PaymentAllocation.allCases {
            var ledger = Fixture.ledger(Fixture.invoice("INV-1", due: "2027-03-10", amount: 1000))
            var history = DeliveryHistory()
            let planner = ChargesTimelineTests.planner(Self.policy(allocation))
            _ = Self.run(planner, ledger, &history, from: "2027-03-11", through: "2027-03-12")
            ledger.apply(Self.paid("600.00", on: "2027-03-12"))
            #expect(planner.principalOpen(ledger["INV-1"]!, ledger: ledger, history: history) == 400, "\(allocation)")
            let firm = try #require(Self.run(planner, ledger, &history, from: "2027-03-13", through: "2027-03-19").first)
            #expect(firm.stage == "firm" && firm.items[0].amount == 400 && firm.items[0].charges.paid == 0, "\(allocation)")
        }
    }

    @Test("principal_first with the same payment: the principal is paid, the receipt states the charges still owed")
    func principalFirstForComparison() throws {
        var (planner, ledger, history) = Self.paidAfterFirm("1000.00", .principalFirst)
        #expect(planner.principalOpen(ledger["INV-1"]!, ledger: ledger, history: history) == 0)
        let receipt = try #require(Self.run(planner, ledger, &history, from: "2027-03-20", through: "2027-04-10").first)
        #expect(receipt.stage == "thanks" && receipt.totals[0].charges.total == Decimal(string: "42.74")!)
    }

    @Test("installments: the invoice's compensation first, then the oldest installment's interest and principal, then the next")
    func installmentsOldestFirst() throws {
        let parts = [Installment(due: CalendarDate(iso: "2027-03-10")!, amount: 600),
                     Installment(due: CalendarDate(iso: "2027-04-10")!, amount: 400)]
        let (planner, ledger, history) = Self.paidAfterFirm("700.00", installments: parts)
        // 40.00 compensation, 10 days on 600.00 (1.6438 → 1.64), 600.00 principal; 58.36 of the second installment.
        let entry = ledger["INV-1"]!
        #expect(planner.principalOpen(entry, ledger: ledger, history: history) == Decimal(string: "341.64")!)
        let account = planner.account(entry, debtor: ledger.directory.effective(for: entry.invoice), history: history)
        #expect(account.units.map(\.open) == [0, Decimal(string: "341.64")!])
        #expect(account.units[0].settled.interest == Decimal(string: "1.64")! && account.units[0].settled.compensation == 40)
        #expect(account.credit == 0)
    }

    @Test("an overpayment beyond principal and charges is credit; a later letter states it nowhere as owed")
    func overpayment() throws {
        var (planner, ledger, history) = Self.paidAfterFirm("1100.00")
        let entry = ledger["INV-1"]!
        let account = planner.account(entry, debtor: ledger.directory.effective(for: entry.invoice), history: history)
        #expect(account.principalOpen == 0 && account.credit == Decimal(string: "57.26")!)
        let receipt = try #require(Self.run(planner, ledger, &history, from: "2027-03-20", through: "2027-04-10").first)
        #expect(receipt.stage == "thanks" && receipt.totals[0].charges.total == 0)
    }

    @Test("status, the report, the call list and hand-off count the principal costs_first leaves open; charges paid are not credit")
    func viewsSeeThePrincipal() throws {
        let (planner, ledger, history) = Self.paidAfterFirm("1000.00")
        let entry = ledger["INV-1"]!
        #expect(planner.counts(ledger: ledger, history: history, on: CalendarDate(iso: "2027-03-21")!)[.open] == 1)
        #expect(planner.credit(entry, ledger: ledger, history: history) == 0 && entry.credit == 0)
        let owed = planner.owed(ledger: ledger, history: history)
        #expect(owed(entry, CalendarDate(iso: "2027-03-19")!) == 1000)  // before the payment
        #expect(owed(entry, CalendarDate(iso: "2027-03-21")!) == Decimal(string: "42.74")!)
        // The report takes this `owed` (ReportView; ReceivablesReportTests.principalFromThePlanner), the hand-off and call list too.
        #expect(entry.balance(on: CalendarDate(iso: "2027-03-21")!) == 0)  // what the cash alone says, and what the views no longer show

        let (overpaid, overLedger, overHistory) = Self.paidAfterFirm("1100.00")
        #expect(overpaid.credit(overLedger["INV-1"]!, ledger: overLedger, history: overHistory) == Decimal(string: "57.26")!)
        #expect(overLedger["INV-1"]!.credit == 100)  // the ledger's cash view: beyond the amount
    }

    @Test("the next installment's courtesy note demands no charges: those paid are stated as paid, which explains the principal")
    func courtesyNoteAfterChargesPaid() throws {
        let parts = [Installment(due: CalendarDate(iso: "2027-03-10")!, amount: 600),
                     Installment(due: CalendarDate(iso: "2027-04-21")!, amount: 400)]
        var (planner, ledger, history) = Self.paidAfterFirm("641.64", installments: parts)
        #expect(planner.principalOpen(ledger["INV-1"]!, ledger: ledger, history: history) == 400)
        let letters = Self.run(planner, ledger, &history, from: "2027-03-20", through: "2027-04-20")
        let courtesy = try #require(letters.first { $0.stage == "courtesy" })
        #expect(courtesy.items.map(\.item.unitID) == ["INV-1#2"])
        // 40.00 compensation paid (stated, as every letter after the firm one states it) and 1.64 interest paid on the first.
        #expect(courtesy.totals[0].charges.total == 0 && courtesy.totals[0].totalDue == 400, "\(courtesy.totals)")
        #expect(courtesy.items[0].charges.paid + courtesy.items[0].charges.paidElsewhere == Decimal(string: "41.64")!, "\(courtesy.items[0].charges)")
    }
}
