import Foundation
import OverdueCalendar
@testable import OverdueCore
import Testing

/// The three-invoice debtor of the README ("One debtor, one ladder per
/// invoice"): invoices due 10 and 24 November and 4 December 2026, the
/// default ladder (courtesy −3, overdue +1, firm +8, final +15), min_gap_days 3.
@Suite("The ladder on a debtor with three invoices (README example)")
struct LadderExampleTests {
    static let zone = "Europe/London"

    static func ledger() -> Ledger {
        Fixture.ledger(
            Fixture.invoice("INV-1", zone: zone, due: "2026-11-10", amount: 400),
            Fixture.invoice("INV-2", zone: zone, due: "2026-11-24", amount: 250),
            Fixture.invoice("INV-3", zone: zone, due: "2026-12-04", amount: 195))
    }

    /// "2026-11-23 courtesy [INV-2] + overdue [INV-1] not yet due [INV-3]"
    /// per e-mail: the stage's invoices, the other overdue ones it demands
    /// too, those it lists apart.
    static func lines(_ sends: [PlannedSend]) -> [String] {
        sends.filter { $0.channel == .email }.map { send in
            let day = BusinessCalendar(timeZone: TimeZone(identifier: zone)!, schedule: Fixture.schedule()).localDay(send.time)
            let others = send.otherOverdue.map(\.item.invoice)
            let open = send.alsoOpen.map(\.item.invoice)
            return "\(day) \(send.stage) [\(send.invoices.joined(separator: ", "))]"
                + (others.isEmpty ? "" : " + overdue [\(others.joined(separator: ", "))]")
                + (open.isEmpty ? "" : " not yet due [\(open.joined(separator: ", "))]")
        }
    }

    @Test("each invoice climbs its own ladder; every letter demands all that is overdue; invoices not yet due are listed apart")
    func threeInvoices() {
        let sends = Fixture.planner(Fixture.schedule(zone: Self.zone)).timeline(
            ledger: Self.ledger(), history: DeliveryHistory(), from: Fixture.instant("2026-11-01T00:00:00Z"),
            until: Fixture.instant("2027-01-31T00:00:00Z"))
        let lines = Self.lines(sends)
        print(lines.joined(separator: "\n"))
        // Each letter after the due date gives a pay-by date (+7 days); the
        // invoice's next stage waits for the day after it (and for the gap).
        #expect(lines == [
            "2026-11-09 courtesy [INV-1] not yet due [INV-2, INV-3]",
            "2026-11-12 overdue [INV-1] not yet due [INV-2, INV-3]",
            "2026-11-20 firm [INV-1] not yet due [INV-2, INV-3]",
            "2026-11-23 courtesy [INV-2] + overdue [INV-1] not yet due [INV-3]",
            "2026-11-26 overdue [INV-2] + overdue [INV-1] not yet due [INV-3]",
            "2026-11-30 final [INV-1] + overdue [INV-2] not yet due [INV-3]",
            "2026-12-03 courtesy [INV-3] + overdue [INV-1, INV-2]",
            "2026-12-07 firm [INV-2] + overdue [INV-1, INV-3]",
            "2026-12-10 overdue [INV-3] + overdue [INV-1, INV-2]",
            "2026-12-15 final [INV-2] + overdue [INV-1, INV-3]",
            "2026-12-18 firm [INV-3] + overdue [INV-1, INV-2]",
            "2026-12-28 final [INV-3] + overdue [INV-1, INV-2]",
        ])
        // Per invoice: each stage once, climbing; no final before its own day.
        for invoice in ["INV-1", "INV-2", "INV-3"] {
            let stages = sends.filter { $0.channel == .email && $0.invoices.contains(invoice) }.map(\.stage)
            let order = Fixture.referencePolicy.stages.map(\.name)
            #expect(stages.map { order.firstIndex(of: $0)! } == stages.map { order.firstIndex(of: $0)! }.sorted())
            #expect(Set(stages).count == stages.count, "\(invoice): \(stages)")
            #expect(stages.last == "final")
        }
        // A final's deadline (7 days) lands on a business day: 30 Nov + 7 = 7 Dec (Mon).
        let finals = sends.filter { $0.channel == .email && $0.final }
        #expect(finals.first?.deadline == CalendarDate(iso: "2026-12-07"))
    }

    @Test("a deadline that falls on a holiday or weekend moves to the next business day")
    func deadlineOnHoliday() {
        // The final for INV-1 goes on Mon 30 Nov; +7 = Mon 7 Dec, a holiday here; Tue 8 Dec instead.
        let schedule = Fixture.schedule(zone: Self.zone, holidays: ["2026-12-07"])
        let sends = Fixture.planner(schedule).timeline(
            ledger: Self.ledger(), history: DeliveryHistory(), from: Fixture.instant("2026-11-01T00:00:00Z"),
            until: Fixture.instant("2026-12-01T00:00:00Z"))
        let final = sends.first { $0.channel == .email && $0.final }
        #expect(final?.deadline == CalendarDate(iso: "2026-12-08"))
    }
}

@Suite("Statutory interest on what was owed each day")
struct InterestPeriodTests {
    @Test("1,200 due 10 Nov, 600 paid 20 Nov, letter on 27 Nov: 1,200 × 10 days + 600 × 7 days at 12.15 %")
    func partPayment() {
        let policy = Policy(name: "eu", stages: Fixture.referencePolicy.stages, interestRatePercent: Decimal(string: "12.15"))
        let planner = Fixture.planner(Fixture.schedule(zone: "Europe/Berlin"), policies: [policy])
        var ledger = Fixture.ledger(Fixture.invoice("B-101", zone: "Europe/Berlin", due: "2026-11-10", amount: 1200))
        ledger.apply(.event(.payment(invoice: "B-101", amount: 600, date: CalendarDate(iso: "2026-11-20")!, reference: nil)))
        let entry = ledger["B-101"]!
        let unit = planner.units(of: entry)[0]
        let periods = planner.outstandingOverTime(entry, unit)
        #expect(periods.map(\.amount) == [1200, 600])
        let charges = LateCharges.compute(policy: policy, stage: "final", amount: unit.open, currency: "EUR", due: unit.due,
                                          today: CalendarDate(iso: "2026-11-27")!, outstanding: periods)
        // (1200 × 10 + 600 × 7) × 0.1215 / 365 = 5.3926… → 5.39 (not 600 × 17 days = 3.40).
        #expect(charges.interest == Decimal(string: "5.39"))
    }

    @Test("interest_during_dispute: 1,200 due 10 Nov, disputed 15–25 Nov, letter 30 Nov: 20 days of interest, or 10 when the policy leaves the dispute out",
          arguments: [(true, "7.99"), (false, "3.99")])
    func dispute(runs: Bool, interest: String) {
        var policy = Policy(name: "eu", stages: Fixture.referencePolicy.stages, interestRatePercent: Decimal(string: "12.15"))
        policy.interestDuringDispute = runs
        let planner = Fixture.planner(Fixture.schedule(zone: "Europe/Berlin"), policies: [policy])
        var ledger = Fixture.ledger(Fixture.invoice("D-101", zone: "Europe/Berlin", due: "2026-11-10", amount: 1200))
        ledger.apply(.event(.dispute(invoice: "D-101", date: CalendarDate(iso: "2026-11-15")!, reason: "damaged")))
        ledger.apply(.event(.resolve(invoice: "D-101", date: CalendarDate(iso: "2026-11-25")!)))
        let entry = ledger["D-101"]!
        let unit = planner.units(of: entry)[0]
        var item = PlannedItem(item: ReminderItem(invoice: "D-101", installment: nil, stage: "firm"), stageOffsetDays: 8, final: false,
                               amount: unit.open, currency: "EUR", due: unit.due, daysOverdue: 20)
        planner.charge(&item, entry, unit, policy: policy, stage: "firm", basis: ChargeBasis(applies: true), today: CalendarDate(iso: "2026-11-30")!)
        // 1200 × 20 × 0.1215 / 365 = 7.989… ; 1200 × (5 + 5) × 0.1215 / 365 = 3.994…
        #expect(item.charges.interest == Decimal(string: interest))
        // The letter names the period either way (and which of the two the policy chose).
        #expect(item.disputes == [DisputePeriod(from: CalendarDate(iso: "2026-11-15")!, until: CalendarDate(iso: "2026-11-25")!)])
        // A payment during the dispute still counts from its day.
        ledger.apply(.event(.payment(invoice: "D-101", amount: 200, date: CalendarDate(iso: "2026-11-20")!, reference: nil)))
        let paid = ledger["D-101"]!
        let periods = planner.interestPeriods(paid, planner.units(of: paid)[0], policy: policy)
        #expect(periods.last?.amount == 1000)
        #expect(periods.contains { $0.amount == 0 } == !runs)
    }

    @Test("a re-dropped invoice's balance already counts earlier payments: they are not taken off twice")
    func redrop() {
        let planner = Fixture.planner()
        var ledger = Fixture.ledger(Fixture.invoice("R-1", due: "2026-11-01", amount: 1000))
        ledger.apply(.event(.payment(invoice: "R-1", amount: 400, date: CalendarDate(iso: "2026-11-11")!, reference: nil)))
        guard case .invoice(var again) = Fixture.invoice("R-1", due: "2026-11-01", amount: 1000) else { return }
        again.balance = 600
        ledger.apply(.invoice(again))
        let entry = ledger["R-1"]!
        let periods = planner.outstandingOverTime(entry, planner.units(of: entry)[0])
        #expect(periods.map(\.amount) == [1000, 600], "\(periods)")
        #expect(periods.last?.amount == planner.units(of: entry)[0].open)
    }

    @Test("installments: a payment settles the oldest first, so the second accrues on its full amount")
    func installments() {
        let planner = Fixture.planner()
        var ledger = Fixture.ledger(Fixture.invoice("I-1", due: "2026-11-01", amount: 300, installments: [
            Installment(due: CalendarDate(iso: "2026-11-01")!, amount: 100), Installment(due: CalendarDate(iso: "2026-12-01")!, amount: 200),
        ]))
        ledger.apply(.event(.payment(invoice: "I-1", amount: 150, date: CalendarDate(iso: "2026-11-15")!, reference: nil)))
        let entry = ledger["I-1"]!
        let units = planner.units(of: entry)
        #expect(units.map(\.open) == [150])  // the first is paid; 50 of the second too
        #expect(planner.outstandingOverTime(entry, units[0]).map(\.amount) == [150])
    }
}

@Suite("A debtor no notice can reach")
struct UnreachableNoticeTests {
    /// Plans from `start` to `end` as the daemon would: what is due is
    /// delivered, what is skipped is recorded as suppressed.
    static func run(_ planner: Planner, _ ledger: Ledger, _ history: inout DeliveryHistory, from start: Date, until end: Date)
        -> (sends: [PlannedSend], last: PlanResult) {
        var sends: [PlannedSend] = []
        var now = start
        var result = planner.plan(ledger: ledger, history: history, now: now)
        for _ in 0..<200 {
            result = planner.plan(ledger: ledger, history: history, now: now)
            for send in result.skipped { history.record(send.sentMessage(at: now), status: .suppressed) }
            for send in result.due { history.record(send.sentMessage(at: now)) }
            sends += result.due
            if !result.due.isEmpty || !result.skipped.isEmpty { continue }
            guard let next = result.nextWake, next < end else { break }
            now = next
        }
        return (sends, result)
    }

    @Test("e-mail bounced and no phone: no stage climbs past the one that could not go; it waits visibly; an opt-in resumes it")
    func ladderWaits() throws {
        var ledger = Fixture.ledger(Fixture.invoice("U-1", zone: "Europe/London", due: "2027-03-01", phone: nil))
        ledger.apply(.event(.bounce(address: "ap@acme.example", channel: .email, reason: "550 5.1.1")))
        let planner = Fixture.planner(Fixture.schedule(zone: "Europe/London"))
        var history = DeliveryHistory()
        let blocked = Self.run(planner, ledger, &history, from: Fixture.instant("2027-02-20T00:00:00Z"),
                               until: Fixture.instant("2027-05-01T00:00:00Z"))
        // Nothing was delivered, so nothing climbs: no firm, no final, not even to the webhook.
        #expect(blocked.sends.isEmpty, "\(blocked.sends.map { "\($0.stage) \($0.channel)" })")
        let waiting = try #require(blocked.last.held.first { $0.kind == "undeliverable" })
        #expect(waiting.stage == "overdue" && waiting.invoices == ["U-1"])
        #expect(waiting.detail.contains("ap@acme.example is on the suppression list"), "\(waiting.detail)")

        // The address is cleared: the ladder goes on from the stage that did not go, one step at a time.
        ledger.apply(.event(.optin(address: "ap@acme.example", channel: .email)))
        let resumed = Self.run(planner, ledger, &history, from: Fixture.instant("2027-05-03T08:00:00Z"),
                               until: Fixture.instant("2027-07-01T00:00:00Z"))
        #expect(resumed.sends.filter { $0.channel == .email }.map(\.stage) == ["overdue", "firm", "final"])
        // A new key for the new try: the suppressed one is never sent.
        let suppressedKeys = Set(history.sends(of: "U-1").filter(\.suppressed).map(\.key))
        #expect(resumed.sends.allSatisfy { !suppressedKeys.contains($0.key) })
    }
}
