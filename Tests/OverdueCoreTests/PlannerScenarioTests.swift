import Foundation
import OverdueCalendar
@testable import OverdueCore
import Testing

@Suite("Planner: consolidation, gaps, money events, installments, opt-outs (rules 5-8)")
struct PlannerScenarioTests {
    let start = Fixture.instant("2027-01-01T00:00:00Z")
    let end = Fixture.instant("2028-01-01T00:00:00Z")
    let zone = "America/New_York"

    func localDay(_ date: Date) -> CalendarDate {
        BusinessCalendar(timeZone: TimeZone(identifier: zone)!, schedule: Fixture.schedule()).localDay(date)
    }

    @Test("a debtor with ten invoices: one message per window and channel, min_gap_days apart, every invoice reminded")
    func tenInvoices() {
        var ledger = Ledger()
        for number in 0..<10 {
            // Due dates spread over six weeks, some on the same day.
            let due = CalendarDate(iso: "2027-03-01")!.adding(days: (number / 2) * 9)
            ledger.apply(Fixture.invoice("INV-\(number)", due: due.description))
        }
        let sends = Fixture.planner().timeline(ledger: ledger, history: DeliveryHistory(), from: start, until: end)
        for channel in Channel.allCases {
            let times = sends.filter { $0.channel == channel }.map(\.time)
            #expect(times == times.sorted())
            for (earlier, later) in zip(times, times.dropFirst()) {
                #expect(localDay(earlier).days(until: localDay(later)) >= 3, "\(channel): \(earlier) then \(later)")
            }
            // One message per instant and channel.
            #expect(Set(times).count == times.count)
        }
        // Invoices due on the same day share their messages.
        let first = sends.first { $0.channel == .email }!
        #expect(first.invoices == ["INV-0", "INV-1"])
        // Every invoice got a final notice by e-mail, after an earlier notice.
        for number in 0..<10 {
            let stages = sends.filter { $0.channel == .email }.flatMap(\.items).filter { $0.item.invoice == "INV-\(number)" }.map(\.item.stage)
            #expect(stages.last == "final", "INV-\(number): \(stages)")
            #expect(stages.contains("overdue") || stages.contains("firm"), "INV-\(number): \(stages)")
        }
        // The most advanced stage picks the message's stage.
        for send in sends {
            let leading = send.items.max { ($0.final ? 1 : 0, $0.stageOffsetDays) < ($1.final ? 1 : 0, $1.stageOffsetDays) }!
            #expect(send.stage == leading.item.stage)
        }
    }

    @Test("rule 7: a full payment stops everything after it")
    func fullPayment() {
        var ledger = Fixture.ledger(Fixture.invoice("INV-1", due: "2027-03-26"))
        let planner = Fixture.planner()
        let before = planner.timeline(ledger: ledger, history: DeliveryHistory(), from: start, until: Fixture.instant("2027-03-31T00:00:00Z"))
        #expect(before.map(\.stage) == ["courtesy", "overdue"])
        var history = DeliveryHistory()
        for send in before { history.record(send.sentMessage(at: send.time)) }
        ledger.apply(.event(.payment(invoice: "INV-1", amount: 100, date: CalendarDate(iso: "2027-03-30")!, reference: nil)))
        let after = planner.timeline(ledger: ledger, history: history, from: Fixture.instant("2027-03-31T00:00:00Z"), until: end)
        #expect(after.isEmpty)
        #expect(planner.plan(ledger: ledger, history: history, now: Fixture.instant("2027-04-05T13:00:00Z")).nextWake == nil)
    }

    @Test("rule 7: a partial payment lowers the amount shown")
    func partialPayment() {
        var ledger = Fixture.ledger(Fixture.invoice("INV-1", due: "2027-03-26", amount: 100))
        ledger.apply(.event(.payment(invoice: "INV-1", amount: Decimal(string: "40.50")!, date: CalendarDate(iso: "2027-03-27")!, reference: nil)))
        let sends = Fixture.planner().plan(ledger: ledger, history: DeliveryHistory(), now: Fixture.instant("2027-03-29T13:00:00Z")).due
        #expect(sends.first?.items.first?.amount == Decimal(string: "59.50"))
        #expect(sends.first?.items.first?.daysOverdue == 3)
    }

    @Test("rule 7: cancel removes; a dispute pauses until resolve, then the latest stage that applies")
    func cancelAndDispute() {
        let planner = Fixture.planner()
        var cancelled = Fixture.ledger(Fixture.invoice("INV-1", due: "2027-03-26"))
        cancelled.apply(.event(.cancel(invoice: "INV-1", date: nil, reason: nil)))
        #expect(planner.timeline(ledger: cancelled, history: DeliveryHistory(), from: start, until: end).isEmpty)

        var ledger = Fixture.ledger(Fixture.invoice("INV-1", due: "2027-03-26"))
        ledger.apply(.event(.dispute(invoice: "INV-1", date: nil, reason: "damaged")))
        #expect(planner.timeline(ledger: ledger, history: DeliveryHistory(), from: start, until: end).isEmpty)
        ledger.apply(.event(.resolve(invoice: "INV-1", date: nil)))
        let resumed = planner.timeline(ledger: ledger, history: DeliveryHistory(), from: Fixture.instant("2027-04-07T14:00:00Z"), until: end)
        #expect(resumed.map(\.stage) == ["firm", "firm", "final", "final"])
    }

    @Test("rule 7: a dispute resolved a month later resumes one step up with a fresh deadline, never straight to the final")
    func resolvedDisputeResumesOneStep() {
        var ledger = Fixture.ledger(Fixture.invoice("INV-1", due: "2027-03-26"))
        let planner = Fixture.planner()
        let disputed = Fixture.instant("2027-03-30T00:00:00Z")
        let before = planner.timeline(ledger: ledger, history: DeliveryHistory(), from: start, until: disputed)
        #expect(before.map(\.stage) == ["courtesy", "overdue"])
        var history = DeliveryHistory()
        for send in before { history.record(send.sentMessage(at: send.time)) }
        ledger.apply(.event(.dispute(invoice: "INV-1", date: CalendarDate(iso: "2027-03-30")!, reason: "damaged")))
        #expect(planner.timeline(ledger: ledger, history: history, from: disputed, until: Fixture.instant("2027-05-03T11:30:00Z")).isEmpty)
        // Resolved at 07:30 on Mon 3 May, long after the final's day: the firm letter at 09:00, the final after its deadline.
        ledger.apply(.event(.resolve(invoice: "INV-1", date: CalendarDate(iso: "2027-05-03")!)))
        let after = planner.timeline(ledger: ledger, history: history, from: Fixture.instant("2027-05-03T11:30:00Z"), until: end)
        #expect(after.map { "\(Fixture.local($0.time, zone)) \($0.stage) \($0.channel.rawValue)" } == [
            "2027-05-03 09:00 Mon firm email",
            "2027-05-03 09:00 Mon firm sms",
            "2027-05-11 09:00 Tue final email",  // pay by Mon 05-10
            "2027-05-11 09:00 Tue final webhook",
        ])
        #expect(after.first?.deadline == CalendarDate(iso: "2027-05-10"))
    }

    @Test("rule 7: a promise pauses until its date, then the next stage not yet sent")
    func promise() {
        var ledger = Fixture.ledger(Fixture.invoice("INV-1", due: "2027-03-26"))
        let planner = Fixture.planner()
        let untilPromise = Fixture.instant("2027-03-30T00:00:00Z")
        let before = planner.timeline(ledger: ledger, history: DeliveryHistory(), from: start, until: untilPromise)
        #expect(before.map(\.stage) == ["courtesy", "overdue"])
        var history = DeliveryHistory()
        for send in before { history.record(send.sentMessage(at: send.time)) }
        ledger.apply(.event(.promise(invoice: "INV-1", date: CalendarDate(iso: "2027-04-20")!, amount: nil)))
        let after = planner.timeline(ledger: ledger, history: history, from: untilPromise, until: end)
        // Firm and final fell inside the promise; on 04-21 it lapsed: firm
        // (the next not yet sent), then the final the day after the firm
        // letter's deadline (pay by Wed 04-28).
        #expect(after.map { "\(Fixture.local($0.time, zone)) \($0.stage) \($0.channel.rawValue)" } == [
            "2027-04-21 09:00 Wed firm email",
            "2027-04-21 09:00 Wed firm sms",
            "2027-04-29 09:00 Thu final email",
            "2027-04-29 09:00 Thu final webhook",
        ])
    }

    @Test("rule 7: installments are reminded each on its own due date and amount")
    func installments() {
        let plan = [Installment(due: CalendarDate(iso: "2027-03-26")!, amount: 60),
                    Installment(due: CalendarDate(iso: "2027-06-25")!, amount: 40)]
        let ledger = Fixture.ledger(Fixture.invoice("INV-1", due: "2027-03-26", amount: 100, installments: plan))
        let sends = Fixture.planner(channels: [.email]).timeline(ledger: ledger, history: DeliveryHistory(), from: start, until: end)
        let first = sends.filter { $0.items.contains { $0.item.installment == 1 } }
        let second = sends.filter { $0.items.contains { $0.item.installment == 2 } }
        #expect(first.map(\.stage) == ["courtesy", "overdue", "firm", "final"])
        #expect(second.map(\.stage) == ["courtesy", "overdue", "firm", "final"])
        #expect(first[0].items[0].amount == 60)
        #expect(second[0].items[0].amount == 40)
        #expect(Fixture.local(second[0].time, zone) == "2027-06-22 09:00 Tue")

        // Paying the first installment stops its reminders only.
        var paid = ledger
        paid.apply(.event(.payment(invoice: "INV-1", amount: 60, date: CalendarDate(iso: "2027-03-20")!, reference: nil)))
        let remaining = Fixture.planner(channels: [.email]).timeline(ledger: paid, history: DeliveryHistory(), from: start, until: end)
        #expect(remaining.allSatisfy { $0.items.allSatisfy { $0.item.installment == 2 } })
        #expect(remaining.count == 4)

        // `preview --stage final` in April demands the first installment only; the second is listed apart, not yet due.
        let forced = Fixture.planner(channels: [.email]).forcedLetter(invoice: "INV-1", stage: "final", channel: .email, ledger: ledger,
                                                                     history: DeliveryHistory(), now: Fixture.instant("2027-04-20T15:00:00Z"))
        #expect(forced?.demanded.map(\.item.installment) == [1])
        #expect(forced?.alsoOpen.map(\.item.installment) == [2])
    }

    @Test("rule 8: an opted-out channel is skipped, the others still go")
    func optOut() {
        var ledger = Fixture.ledger(Fixture.invoice("INV-1", due: "2027-03-26"))
        ledger.apply(.event(.optout(address: "+12125550100", channel: .sms)))
        let sends = Fixture.planner().timeline(ledger: ledger, history: DeliveryHistory(), from: start, until: end)
        #expect(!sends.contains { $0.channel == .sms })
        #expect(sends.filter { $0.channel == .email }.count == 4)
    }

    @Test("channels that are off or a customer without a phone: no SMS, e-mail unaffected")
    func channelsOff() {
        let ledger = Fixture.ledger(Fixture.invoice("INV-1", due: "2027-03-26", phone: nil))
        let sends = Fixture.planner(channels: [.email]).timeline(ledger: ledger, history: DeliveryHistory(), from: start, until: end)
        #expect(sends.map(\.channel) == [.email, .email, .email, .email])
    }

    @Test("a different policy per invoice")
    func otherPolicy() {
        let gentle = Policy(name: "gentle", stages: [Stage(name: "nudge", offsetDays: 5, channels: [.email], template: "overdue", final: false)])
        var ledger = Ledger()
        if case .invoice(var invoice) = Fixture.invoice("INV-1", due: "2027-03-26") {
            invoice.policy = "gentle"
            ledger.apply(.invoice(invoice))
        }
        let sends = Fixture.planner(policies: [Fixture.referencePolicy, gentle]).timeline(
            ledger: ledger, history: DeliveryHistory(), from: start, until: end)
        #expect(sends.map(\.stage) == ["nudge"])
        #expect(sends.first?.policy == "gentle")
    }
}

@Suite("Planner: thanks after full payment")
struct PlannerThanksTests {
    @Test("a reminded invoice paid in full gets one thanks e-mail; an invoice never reminded gets none")
    func thanks() {
        var schedule = Fixture.schedule()
        schedule.thankAfterPayment = true
        let planner = Planner(settings: PlannerSettings(policies: [Fixture.referencePolicy], schedule: schedule,
                                                        enabledChannels: [.email]))
        var ledger = Fixture.ledger(Fixture.invoice("A", due: "2027-03-26"), Fixture.invoice("B", customer: "other", due: "2027-03-26"))
        var history = DeliveryHistory()
        let courtesy = planner.plan(ledger: ledger, history: history, now: Fixture.instant("2027-03-23T13:00:00Z"))
        for send in courtesy.due where send.invoices == ["A"] { history.record(send.sentMessage(at: send.time)) }
        for id in ["A", "B"] {
            ledger.apply(.event(.payment(invoice: id, amount: 100, date: CalendarDate(iso: "2027-03-24")!, reference: nil)))
        }
        let sends = planner.timeline(ledger: ledger, history: history, from: Fixture.instant("2027-03-24T14:00:00Z"),
                                     until: Fixture.instant("2027-06-01T00:00:00Z"))
        #expect(sends.map(\.stage) == ["thanks"])
        #expect(sends.first?.invoices == ["A"])
    }
}
