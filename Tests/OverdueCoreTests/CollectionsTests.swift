import Foundation
import OverdueCalendar
@testable import OverdueCore
import Testing

/// The call list and the hand-off selection on a ledger worked out by hand
/// (the day is 2027-04-30).
@Suite("Collections: call list priority and hand-off eligibility")
struct CollectionsTests {
    static let day = CalendarDate(iso: "2027-04-30")!

    func invoice(_ id: String, _ customer: String, _ amount: Decimal, due: String, currency: String = "EUR",
                 phone: String? = "+442071838750") -> InboxRecord {
        .invoice(Invoice(id: id, customer: Customer(id: customer, name: customer.capitalized, email: "ap@\(customer).example",
                                                    phone: phone, timezone: "Europe/London"),
                         issued: CalendarDate(iso: due)!.adding(days: -30), due: CalendarDate(iso: due)!, currency: currency,
                         amount: amount, balance: amount))
    }

    func pay(_ id: String, _ amount: Decimal, on date: String) -> InboxRecord {
        .event(.payment(invoice: id, amount: amount, date: CalendarDate(iso: date)!, reference: nil))
    }

    func sent(_ customer: String, _ stage: String, _ channel: Channel, on day: String, invoices: [String]) -> SentMessage {
        SentMessage(key: "k-\(customer)-\(stage)-\(channel)", customer: customer, channel: channel, recipient: "r", stage: stage,
                    items: invoices.map { ReminderItem(invoice: $0, installment: nil, stage: stage) },
                    time: Fixture.instant("\(day)T09:00:00Z"))
    }

    var ledger: Ledger {
        var ledger = Ledger()
        for record in [
            // acme: 2,900.00 overdue, oldest 60 days; paid 20 and 10 days late before.
            invoice("A1", "acme", 2500, due: "2027-03-01"), invoice("A2", "acme", 400, due: "2027-04-20"),
            invoice("A0", "acme", 100, due: "2027-01-10"), pay("A0", 100, on: "2027-01-30"),
            invoice("A9", "acme", 100, due: "2027-02-01"), pay("A9", 100, on: "2027-02-11"),
            // bolt: 12,000.00 overdue for 150 days, one invoice in dispute, never paid.
            invoice("B1", "bolt", 12000, due: "2026-12-01"), invoice("B2", "bolt", 500, due: "2027-03-15"),
            .event(.dispute(invoice: "B2", date: CalendarDate(iso: "2027-04-02")!, reason: "damaged")),
            // cork: GBP 950.50 overdue 20 days; paid one invoice 45 days late.
            invoice("C1", "cork", Decimal(string: "950.50")!, due: "2027-04-10", currency: "GBP"),
            invoice("C0", "cork", 300, due: "2027-02-01", currency: "GBP"), pay("C0", 300, on: "2027-03-18"),
            // dune paid after the call stage; echo was phoned after it; fern is listed after the day; gulf never listed.
            invoice("D1", "dune", 700, due: "2027-03-01"), pay("D1", 700, on: "2027-04-25"),
            invoice("E1", "echo", 800, due: "2027-03-01"),
            .event(.called(customer: "echo", date: CalendarDate(iso: "2027-04-28")!, note: "pays Friday")),
            invoice("F1", "fern", 900, due: "2027-03-01"),
            invoice("G1", "gulf", 5000, due: "2027-01-01"),
        ] { #expect(ledger.apply(record) == nil) }
        return ledger
    }

    var calls: [SentMessage] {
        [
            sent("acme", "call", .call, on: "2027-04-12", invoices: ["A1"]),
            sent("bolt", "call", .call, on: "2027-04-01", invoices: ["B1", "B2"]),
            sent("cork", "call", .call, on: "2027-04-25", invoices: ["C1"]),
            sent("dune", "call", .call, on: "2027-04-10", invoices: ["D1"]),
            sent("echo", "call", .call, on: "2027-04-20", invoices: ["E1"]),
            sent("fern", "call", .call, on: "2027-05-02", invoices: ["F1"]),
            sent("gulf", "firm", .email, on: "2027-04-01", invoices: ["G1"]),
        ]
    }

    @Test("order and every score component match the hand-worked list")
    func callList() {
        let list = CallList(ledger: ledger, calls: calls, on: Self.day) { CalendarDate(daysSinceEpoch: Int(($0.time.timeIntervalSince1970 / 86_400).rounded(.down))) }
        #expect(list.entries.map(\.customer) == ["bolt", "acme", "cork"])
        let scores = Dictionary(uniqueKeysWithValues: list.entries.map { ($0.customer, $0.score) })
        // bolt: 150 days → 90 (cap); 12,000 → 120 → 100 (cap); no paid invoices → 0; one dispute → 15.
        #expect(scores["bolt"] == CallList.Score(days: 90, amount: 100, history: 0, disputes: 15))
        #expect(scores["bolt"]?.total == 205)
        // acme: 60 days; 2,900 → 29; (20 + 10) / 2 = 15; no dispute.
        #expect(scores["acme"] == CallList.Score(days: 60, amount: 29, history: 15, disputes: 0))
        #expect(scores["acme"]?.total == 104)
        // cork: 20 days; 950.50 → 9; 45 days late once.
        #expect(scores["cork"] == CallList.Score(days: 20, amount: 9, history: 45, disputes: 0))
        let acme = list.entries[1]
        #expect(acme.overdue == ["EUR": 2900])
        #expect(acme.invoices == ["A1", "A2"])
        #expect(acme.averageDaysLate == 15)
        #expect(acme.listed == CalendarDate(iso: "2027-04-12"))
        let bolt = list.entries[0]
        #expect(bolt.disputed == 1)
        #expect(bolt.invoices == ["B1"])
        #expect(bolt.averageDaysLate == nil)
    }

    @Test("on an earlier day: what was paid or disputed later still counts as open")
    func earlierDay() {
        let list = CallList(ledger: ledger, calls: calls, on: CalendarDate(iso: "2027-04-15")!) { CalendarDate(daysSinceEpoch: Int(($0.time.timeIntervalSince1970 / 86_400).rounded(.down))) }
        // cork is not listed yet; dune had not paid yet; bolt's dispute came on 04-02.
        #expect(list.entries.map(\.customer) == ["bolt", "acme", "dune"])
        #expect(list.entries[2].score == CallList.Score(days: 45, amount: 7, history: 0, disputes: 0))
    }

    @Test("a later call stage puts a phoned debtor back on the list")
    func listedAgain() {
        var calls = calls
        calls.append(sent("echo", "call-again", .call, on: "2027-04-29", invoices: ["E1"]))
        let list = CallList(ledger: ledger, calls: calls, on: Self.day) { CalendarDate(daysSinceEpoch: Int(($0.time.timeIntervalSince1970 / 86_400).rounded(.down))) }
        #expect(list.entries.map(\.customer).contains("echo"))
    }

    @Test("hand-off: final notice 14 days old and unpaid; disputes and promises stay; a named debtor gives all open")
    func handoff() {
        var ledger = ledger
        #expect(ledger.apply(.event(.promise(invoice: "C1", date: CalendarDate(iso: "2027-05-10")!, amount: nil))) == nil)
        let policy = Policy(name: "standard", stages: [
            Stage(name: "overdue", offsetDays: 1, channels: [.email], template: "overdue", final: false),
            Stage(name: "final", offsetDays: 30, channels: [.email], template: "final", final: true),
        ])
        let settings = PlannerSettings(policies: [policy], schedule: Fixture.schedule(), enabledChannels: [.email])
        var history = DeliveryHistory()
        history.record(sent("acme", "final", .email, on: "2027-04-01", invoices: ["A1"]))  // 29 days ago
        history.record(sent("acme", "overdue", .email, on: "2027-04-21", invoices: ["A2"]))
        history.record(sent("bolt", "final", .email, on: "2027-04-20", invoices: ["B1"]))  // 10 days ago
        history.record(sent("cork", "final", .email, on: "2027-04-01", invoices: ["C1"]))  // promised
        history.record(sent("gulf", "final", .email, on: "2027-02-01", invoices: ["G1"]), reached: false)  // never reached

        let eligible = Planner(settings: settings).handoff(ledger: ledger, history: history, on: Self.day, afterFinalDays: 14)
        #expect(eligible.debtors.map(\.customer.id) == ["acme"])
        #expect(eligible.debtors.first?.invoices == ["A1"])
        #expect(eligible.debtors.first?.finalNotice == CalendarDate(iso: "2027-04-01"))
        let later = Planner(settings: settings).handoff(ledger: ledger, history: history, on: CalendarDate(iso: "2027-05-04")!,
                                     afterFinalDays: 14)
        #expect(later.debtors.map(\.customer.id) == ["acme", "bolt"])

        let named = Planner(settings: settings).handoff(ledger: ledger, history: history, on: Self.day, afterFinalDays: 14, only: "bolt")
        #expect(named.debtors.map(\.invoices) == [["B1"]])  // B2 is in dispute

        // Once handed off, the invoice is neither selected again nor reminded.
        #expect(ledger.apply(.event(.handoff(invoice: "A1", date: Self.day, agency: "Agency"))) == nil)
        #expect(Planner(settings: settings).handoff(ledger: ledger, history: history, on: Self.day, afterFinalDays: 14).debtors.isEmpty)
        #expect(ledger["A1"]?.state(on: Self.day) == .handedOff)
        let planner = Planner(settings: settings)
        let monday = Fixture.instant("2027-05-03T10:00:00Z")
        #expect(ledger.apply(invoice("H1", "hale", 300, due: "2027-04-01")) == nil)
        #expect(planner.plan(ledger: ledger, history: history, now: monday).due.contains { $0.invoices.contains("H1") })
        #expect(ledger.apply(.event(.handoff(invoice: "H1", date: Self.day, agency: nil))) == nil)
        #expect(!planner.plan(ledger: ledger, history: history, now: monday).due.contains { $0.invoices.contains("H1") })
    }
    @Test("hand-off counts a final as the ladder does: one only our webhook accepted (its e-mail refused) is no final notice")
    func handoffFinalAsTheLadderReadsIt() {
        let policy = Policy(name: "standard", stages: [
            Stage(name: "final", offsetDays: 30, channels: [.email, .webhook], template: "final", final: true),
        ])
        let settings = PlannerSettings(policies: [policy], schedule: Fixture.schedule(), enabledChannels: [.email, .webhook])
        var history = DeliveryHistory()
        history.record(sent("acme", "final", .email, on: "2027-04-01", invoices: ["A1"]), reached: false)
        history.record(sent("acme", "final", .webhook, on: "2027-04-01", invoices: ["A1"]))
        let planner = Planner(settings: settings)
        #expect(planner.handoff(ledger: ledger, history: history, on: Self.day, afterFinalDays: 14).debtors.isEmpty)
        var again = sent("acme", "final", .email, on: "2027-04-02", invoices: ["A1"])
        again.key = "k-acme-final-email-again"  // sent again (a person re-queued it) and accepted
        history.record(again)
        #expect(planner.handoff(ledger: ledger, history: history, on: Self.day, afterFinalDays: 14).debtors.first?.finalNotice
            == CalendarDate(iso: "2027-04-02"))
    }

    @Test("hand-off waits for every deadline a letter about the invoice gave: installment 2's firm notice, not only installment 1's final")
    func handoffWaitsForEveryDeadline() {
        let policy = Policy(name: "standard", stages: [
            Stage(name: "firm", offsetDays: 8, channels: [.email], template: "firm", final: false),
            Stage(name: "final", offsetDays: 15, channels: [.email], template: "final", final: true),
        ])
        let settings = PlannerSettings(policies: [policy], schedule: Fixture.schedule(), enabledChannels: [.email])
        var ledger = Ledger()
        _ = ledger.apply(.invoice(Invoice(id: "I1", customer: Customer(id: "inst", name: "Inst", email: "ap@inst.example", timezone: "Europe/London"),
                                          issued: CalendarDate(iso: "2027-02-01")!, due: CalendarDate(iso: "2027-03-01")!, currency: "EUR",
                                          amount: 600, balance: 600, installments: [
                                              Installment(due: CalendarDate(iso: "2027-03-01")!, amount: 300),
                                              Installment(due: CalendarDate(iso: "2027-04-10")!, amount: 300),
                                          ])))
        var history = DeliveryHistory()
        var final = SentMessage(key: "k-final", customer: "inst", channel: .email, recipient: "ap@inst.example", stage: "final",
                                items: [ReminderItem(invoice: "I1", installment: 1, stage: "final")], time: Fixture.instant("2027-03-16T09:00:00Z"))
        final.payBy = CalendarDate(iso: "2027-03-23")
        history.record(final)
        var firm = SentMessage(key: "k-firm", customer: "inst", channel: .email, recipient: "ap@inst.example", stage: "firm",
                               items: [ReminderItem(invoice: "I1", installment: 2, stage: "firm")], time: Fixture.instant("2027-04-25T09:00:00Z"))
        firm.payBy = CalendarDate(iso: "2027-05-02")
        history.record(firm)
        func eligible(_ day: String) -> [String] {
            Planner(settings: settings).handoff(ledger: ledger, history: history, on: CalendarDate(iso: day)!, afterFinalDays: 14)
                .debtors.flatMap(\.invoices)
        }
        #expect(eligible("2027-04-30").isEmpty, "installment 2's firm notice said pay by 2 May")
        #expect(eligible("2027-05-02").isEmpty)
        #expect(eligible("2027-05-03") == ["I1"])
    }
}
