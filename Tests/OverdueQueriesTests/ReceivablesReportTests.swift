import Foundation
import OverdueCalendar
import OverdueCore
@testable import OverdueQueries
import Testing

@Suite("Report figures, worked out by hand")
struct ReceivablesReportTests {
    func invoice(_ id: String, _ currency: String, _ amount: Decimal, issued: String, due: String) -> InboxRecord {
        .invoice(Invoice(id: id, customer: Customer(id: id.lowercased(), name: id, email: "\(id.lowercased())@x.example"),
                         issued: CalendarDate(iso: issued)!, due: CalendarDate(iso: due)!, currency: currency,
                         amount: amount, balance: amount))
    }

    func pay(_ id: String, _ amount: Decimal, on date: String) -> InboxRecord {
        .event(.payment(invoice: id, amount: amount, date: CalendarDate(iso: date)!, reference: nil))
    }

    @Test("open, overdue, aging, DSO, CEI, paid late, stage effectiveness, top debtors")
    func figures() throws {
        var ledger = Ledger()
        for record in [
            invoice("A", "EUR", 1000, issued: "2027-01-10", due: "2027-02-09"),
            invoice("B", "EUR", 500, issued: "2027-03-01", due: "2027-03-31"),
            invoice("C", "EUR", 300, issued: "2026-12-01", due: "2026-12-31"), pay("C", 300, on: "2027-01-15"),
            invoice("D", "EUR", 200, issued: "2027-02-01", due: "2027-03-03"), pay("D", 200, on: "2027-03-02"),
            invoice("G", "GBP", 100, issued: "2027-03-10", due: "2027-03-20"),
        ] { #expect(ledger.apply(record) == nil) }
        var history = DeliveryHistory()
        func sent(_ id: String, _ stage: String, _ day: String) -> SentMessage {
            SentMessage(key: "k-\(id)-\(stage)", customer: id.lowercased(), channel: .email, recipient: "r", stage: stage,
                        items: [ReminderItem(invoice: id, installment: nil, stage: stage)],
                        time: try! Date("\(day)T10:00:00Z", strategy: .iso8601))
        }
        history.record(sent("A", "overdue", "2027-02-10"))
        history.record(sent("D", "courtesy", "2027-02-28"))

        let report = ReceivablesReport(ledger: ledger, history: history, on: CalendarDate(iso: "2027-03-31")!, periodDays: 90)
        let eur = try #require(report.currencies.first { $0.currency == "EUR" })
        #expect(eur.open == 1500)
        #expect(eur.overdue == 1000)
        #expect(eur.aging.map(\.count) == [1, 0, 1, 0, 0])
        #expect(eur.aging.map(\.amount) == [500, 0, 1000, 0, 0])
        // DSO = 1500 / (1000 + 500 + 200) × 90 = 79.41…
        #expect(eur.dso == Decimal(string: "79.4"))
        // CEI = (300 + 1700 − 1500) / (300 + 1700 − 500) × 100 = 33.33…
        #expect(eur.cei == Decimal(string: "33.3"))
        #expect(eur.topDebtors.map(\.customer) == ["a"])
        let gbp = try #require(report.currencies.first { $0.currency == "GBP" })
        #expect(gbp.aging.map(\.count) == [0, 1, 0, 0, 0])
        #expect(gbp.dso == 90)
        #expect(gbp.cei == 0)
        #expect(report.paidCount == 2)
        #expect(report.paidLateCount == 1)
        #expect(report.paidLateShare == 50)
        #expect(report.stages == [
            ReceivablesReport.StageFigures(stage: "courtesy", reminded: 1, paidWithin7Days: 1),
            ReceivablesReport.StageFigures(stage: "overdue", reminded: 1, paidWithin7Days: 0),
        ])
    }

    @Test("each installment is aged from its own due date; payments settle the oldest first")
    func installmentsAgedApart() throws {
        var ledger = Ledger()
        let parts = [Installment(due: CalendarDate(iso: "2027-01-15")!, amount: 4000),
                     Installment(due: CalendarDate(iso: "2027-03-15")!, amount: 4400),
                     Installment(due: CalendarDate(iso: "2027-04-15")!, amount: 1000)]
        let invoice = Invoice(id: "M-1", customer: Customer(id: "m", name: "Müller KG", email: "m@x.example"),
                              issued: CalendarDate(iso: "2027-01-01")!, due: CalendarDate(iso: "2027-01-15")!, currency: "EUR",
                              amount: 9400, balance: 9400, installments: parts)
        #expect(ledger.apply(.invoice(invoice)) == nil)
        #expect(ledger.apply(pay("M-1", 1000, on: "2027-02-01")) == nil)
        let report = ReceivablesReport(ledger: ledger, history: DeliveryHistory(), on: CalendarDate(iso: "2027-03-30")!)
        let eur = try #require(report.currencies.first)
        // 3,000 of the first (74 days past due), 4,400 of the second (15 days), 1,000 not yet due.
        #expect(eur.aging.map(\.amount) == [1000, 4400, 0, 3000, 0])
        #expect(eur.aging.map(\.count) == [1, 1, 0, 1, 0])
        #expect(eur.overdue == 7400 && eur.open == 8400)
        #expect(eur.topDebtors.map(\.name) == ["Müller KG"] && eur.topDebtors.map(\.customer) == ["m"])
    }

    @Test("stages in ladder order; the receipt after payment is not a stage")
    func stagesInLadderOrder() throws {
        var ledger = Ledger()
        #expect(ledger.apply(invoice("A", "EUR", 100, issued: "2027-01-01", due: "2027-01-31")) == nil)
        #expect(ledger.apply(invoice("B", "EUR", 100, issued: "2027-01-01", due: "2027-01-31")) == nil)
        #expect(ledger.apply(pay("A", 100, on: "2027-02-20")) == nil)
        #expect(ledger.apply(pay("B", 100, on: "2027-02-21")) == nil)
        var history = DeliveryHistory()
        for (index, (id, stage, day)) in [("A", "overdue", "2027-02-01"), ("A", "firm", "2027-02-15"), ("A", "thanks", "2027-02-21"),
                                          ("B", "final", "2027-02-18"), ("B", "thanks", "2027-02-22"), ("B", "courtesy", "2027-01-28")].enumerated() {
            history.record(SentMessage(key: "k\(index)", customer: id.lowercased(), channel: .email, recipient: "r", stage: stage,
                                       items: [ReminderItem(invoice: id, installment: nil, stage: stage)],
                                       time: try Date("\(day)T10:00:00Z", strategy: .iso8601)))
        }
        let policy = Policy(name: "p", stages: ["courtesy", "final", "overdue", "firm"].enumerated().map { index, name in
            Stage(name: name, offsetDays: [-3, 24, 1, 10][index], channels: [.email], template: name, final: name == "final")
        })
        let settings = PlannerSettings(policies: [policy], schedule: Schedule(timezone: "Europe/London", businessHours: BusinessHours("09:00-17:00")!, businessDays: [.mon, .tue, .wed, .thu, .fri], holidays: [], minGapDays: 3, defaultTermsDays: 30), enabledChannels: [.email])
        #expect(settings.reminderStages == ["courtesy", "overdue", "firm", "final", "broken_promise"])
        let report = ReceivablesReport(ledger: ledger, history: history, on: CalendarDate(iso: "2027-03-01")!,
                                       ladder: settings.reminderStages)
        #expect(report.stages.map(\.stage) == ["courtesy", "overdue", "firm", "final"])
        #expect(report.stages.map(\.paidWithin7Days) == [0, 0, 1, 1])
        // Only what was first sent in the period up to the day counts: on 01-30 the courtesy note alone; over the 10 days to 03-01, none.
        #expect(ReceivablesReport(ledger: ledger, history: history, on: CalendarDate(iso: "2027-01-30")!, ladder: settings.reminderStages)
            .stages.map(\.stage) == ["courtesy"])
        #expect(ReceivablesReport(ledger: ledger, history: history, on: CalendarDate(iso: "2027-03-01")!, periodDays: 10,
                                  ladder: settings.reminderStages).stages.isEmpty)
    }

    @Test("the open and overdue figures are what the planner says is owed (costs_first leaves principal open that the cash calls paid)")
    func principalFromThePlanner() {
        let customer = Customer(id: "c", name: "C", email: "c@x.example")
        var ledger = Ledger()
        _ = ledger.apply(.invoice(Invoice(id: "INV-1", customer: customer, issued: CalendarDate(iso: "2027-01-01")!,
                                          due: CalendarDate(iso: "2027-01-31")!, currency: "EUR", amount: 1000, balance: 1000)))
        _ = ledger.apply(.event(.payment(invoice: "INV-1", amount: 1000, date: CalendarDate(iso: "2027-03-20")!, reference: nil)))
        let day = CalendarDate(iso: "2027-03-21")!
        let cash = ReceivablesReport(ledger: ledger, history: DeliveryHistory(), on: day)
        #expect(cash.currencies[0].open == 0)
        let principal = ReceivablesReport(ledger: ledger, history: DeliveryHistory(), on: day, owed: { _, _ in Decimal(string: "42.74")! })
        #expect(principal.currencies[0].open == Decimal(string: "42.74")! && principal.currencies[0].overdue == Decimal(string: "42.74")!)
    }

    @Test("as the planner sees the book: a debtor the directory joins (an e-invoice found by VAT id) is one top debtor; a send counts on the schedule's day")
    func asThePlannerSeesIt() throws {
        var ledger = Ledger()
        let day = CalendarDate(iso: "2027-03-31")!
        #expect(ledger.apply(.customer(CustomerRecord(id: "C-1007", name: "Acme GmbH", email: "ap@acme.example", vatID: "DE136695976"))) == nil)
        for (id, customer) in [("E-1", Customer(id: "acme-buyer", name: "ACME", vatID: "DE136695976")),
                               ("J-1", Customer(id: "C-1007", name: "Acme GmbH", email: "ap@acme.example"))] {
            #expect(ledger.apply(.invoice(Invoice(id: id, customer: customer, issued: CalendarDate(iso: "2027-01-01")!,
                                                  due: CalendarDate(iso: "2027-01-31")!, currency: "EUR", amount: 100, balance: 100))) == nil)
        }
        var history = DeliveryHistory()
        // 23:30 UTC on 31 December is New Year's Day in Auckland: inside the 90 days after 31 December, where UTC would put it outside.
        history.record(SentMessage(key: "k", customer: "C-1007", channel: .email, recipient: "r", stage: "overdue",
                                   items: [ReminderItem(invoice: "J-1", installment: nil, stage: "overdue")],
                                   time: try Date("2026-12-31T23:30:00Z", strategy: .iso8601)))
        var schedule = Schedule(timezone: "Pacific/Auckland", businessHours: BusinessHours("09:00-17:00")!, businessDays: [.mon, .tue, .wed, .thu, .fri],
                                holidays: [], minGapDays: 3, defaultTermsDays: 30)
        let planner = Planner(settings: PlannerSettings(policies: [Policy(name: "p", stages: [
            Stage(name: "overdue", offsetDays: 1, channels: [.email], template: "overdue", final: false),
        ])], schedule: schedule, enabledChannels: [.email]))
        let report = ReceivablesReport(ledger: ledger, history: history, planner: planner, on: day, periodDays: 90)
        #expect(report.currencies.first?.topDebtors.map(\.customer) == ["C-1007"])
        #expect(report.currencies.first?.topDebtors.first?.overdue == 200)
        #expect(report.stages.first?.reminded == 1)  // 1 January in Auckland: inside the period (UTC would say 31 December)
        schedule.timezone = "UTC"
        let utc = ReceivablesReport(ledger: ledger, history: history, planner: Planner(settings: PlannerSettings(
            policies: planner.settings.policies, schedule: schedule, enabledChannels: [.email])), on: day, periodDays: 90)
        #expect(utc.stages.first?.reminded == nil)
    }

    @Test("the tally counts every final outcome: a bounce is neither delivered nor lost from status and the report")
    func tallyCountsBounces() {
        let tally = DeliveryTally(["email": ["sent": 3, "bounced": 1], "sms": ["suppressed": 2], "all": ["deferred": 1]])
        #expect(tally.delivered == 3 && tally.bounced == 1 && tally.suppressed == 2 && tally.deferred == 1)
        #expect(tally.sentence == "3 delivered, 2 suppressed (opted out or bounced), 1 bounced (the address does not exist), 1 waiting to retry")
    }
}
