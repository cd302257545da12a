import Foundation
import OverdueCalendar
@testable import OverdueCore
import Testing

/// The controls in the planner: the directory (exclusion, no contact yet,
/// Cc copies, policy), the stale payment feed guard, `min_amount`, broken
/// promises and approval. Due Wed 2027-03-10 in New York: overdue (+1) is
/// Thu 03-11 14:00 UTC, firm (+8) Thu 03-18 13:00 UTC, final (+15) Thu 03-25 13:00 UTC.
@Suite("Planner controls: directory, stale feed, min_amount, broken promises, approval")
struct PlannerControlsTests {
    static let overdueTime = Fixture.instant("2027-03-11T15:00:00Z")
    static let finalTime = Fixture.instant("2027-03-25T14:00:00Z")

    static func settings(_ policies: [Policy] = [Fixture.referencePolicy]) -> PlannerSettings {
        PlannerSettings(policies: policies, schedule: Fixture.schedule(), enabledChannels: [.email, .sms, .webhook],
                        webhookEndpoint: "https://crm.example/hooks/overdue")
    }

    static func invoice(_ id: String = "INV-1", customer: Customer = Customer(id: "acme", name: "Acme", email: "ap@acme.example",
                                                                              timezone: "America/New_York"),
                        due: String = "2027-03-10", amount: Decimal = 100, currency: String = "USD") -> InboxRecord {
        .invoice(Invoice(id: id, customer: customer, issued: CalendarDate(iso: due)!.adding(days: -30), due: CalendarDate(iso: due)!,
                         currency: currency, amount: amount, balance: amount))
    }

    /// Plans at `now`, records what is due as sent (the daemon's step), returns the plan.
    static func step(_ planner: Planner, _ ledger: Ledger, _ history: inout DeliveryHistory, _ now: Date) -> PlanResult {
        let result = planner.plan(ledger: ledger, history: history, now: now)
        for send in result.due { history.record(send.sentMessage(at: now)) }
        for send in result.skipped { history.record(send.sentMessage(at: now), reached: false) }
        return result
    }

    @Test("exclude = true: no reminders, listed as excluded; a record without it applies at the next plan")
    func exclude() {
        let planner = Planner(settings: Self.settings())
        var ledger = Fixture.ledger(Self.invoice(), .customer(CustomerRecord(id: "acme", exclude: true)))
        let held = planner.plan(ledger: ledger, history: DeliveryHistory(), now: Self.overdueTime)
        #expect(held.due.isEmpty && held.nextWake == nil)
        #expect(held.held.map(\.kind) == ["excluded"] && held.held.first?.invoices == ["INV-1"])
        ledger.apply(.customer(CustomerRecord(id: "acme", exclude: false)))
        let sent = planner.plan(ledger: ledger, history: DeliveryHistory(), now: Self.overdueTime)
        #expect(sent.due.map(\.stage) == ["overdue"] && sent.held.isEmpty)
    }

    @Test("no contact yet: held, nothing suppressed; the directory's record brings the e-mail and its Cc copies")
    func noContactThenDirectory() throws {
        let planner = Planner(settings: Self.settings())
        var ledger = Fixture.ledger(Self.invoice(customer: Customer(id: "C-1007", name: "Acme GmbH")))
        var history = DeliveryHistory()
        let waiting = Self.step(planner, ledger, &history, Self.overdueTime)
        #expect(waiting.due.isEmpty && waiting.skipped.isEmpty)
        #expect(waiting.held.map(\.kind) == ["no_contact"])
        ledger.apply(.customer(CustomerRecord(id: "C-1007", email: "ap@acme.example", cc: ["controller@acme.example", "cfo@acme.example"],
                                              timezone: "America/Chicago")))
        let now = Self.overdueTime.addingTimeInterval(3600)
        let plan = Self.step(planner, ledger, &history, now)
        let letter = try #require(plan.due.first { !$0.copy })
        #expect(letter.recipient == "ap@acme.example" && letter.stage == "overdue")
        #expect(letter.cc == ["controller@acme.example", "cfo@acme.example"])
        #expect(letter.timeZone == "America/Chicago")  // the directory's timezone wins
        let copies = plan.due.filter(\.copy)
        #expect(Set(copies.map(\.recipient)) == ["controller@acme.example", "cfo@acme.example"])
        #expect(copies.allSatisfy { $0.to == "ap@acme.example" && $0.cc == letter.cc && $0.items == letter.items && $0.key != letter.key })
        // Copies are not contacts: the ladder and the gap see one letter.
        #expect(history.sends(of: "INV-1").count == 1 && history.copies(of: "INV-1").count == 2)
        #expect(Self.step(planner, ledger, &history, now).due.isEmpty)
    }

    @Test("a Cc address that opted out gets no copy, is left out of the Cc header and is logged as suppressed once")
    func ccOptOut() throws {
        let planner = Planner(settings: Self.settings())
        let ledger = Fixture.ledger(Self.invoice(), .customer(CustomerRecord(id: "acme", cc: ["in@acme.example", "out@acme.example"])),
                                    .event(.optout(address: "OUT@acme.example", channel: .email)))
        var history = DeliveryHistory()
        let plan = Self.step(planner, ledger, &history, Self.overdueTime)
        #expect(plan.due.map(\.recipient).sorted() == ["ap@acme.example", "in@acme.example"])
        #expect(plan.due.allSatisfy { $0.cc == ["in@acme.example"] })
        #expect(plan.skipped.map(\.recipient) == ["out@acme.example"] && plan.skipped.first?.copy == true)
        #expect(plan.skipped.first?.skipReason?.contains("opted out") == true)
        #expect(Self.step(planner, ledger, &history, Self.overdueTime.addingTimeInterval(60)).skipped.isEmpty)
        // The debtor's own channel is untouched by the copy's suppression.
        #expect(history.sends(of: "INV-1").allSatisfy { $0.reached })
    }

    @Test("a copy the relay deferred is planned again after its letter went, within the retry lifetime only")
    func copyRetry() {
        var settings = Self.settings()
        settings.copyWindowHours = 24
        let planner = Planner(settings: settings)
        let ledger = Fixture.ledger(Self.invoice(), .customer(CustomerRecord(id: "acme", cc: ["cc@acme.example"])))
        var history = DeliveryHistory()
        let first = planner.plan(ledger: ledger, history: history, now: Self.overdueTime)
        // The letter went; the copy was deferred (no outcome recorded).
        for send in first.due where !send.copy { history.record(send.sentMessage(at: Self.overdueTime)) }
        let retry = planner.plan(ledger: ledger, history: history, now: Self.overdueTime.addingTimeInterval(600))
        #expect(retry.due.map(\.recipient) == ["cc@acme.example"] && retry.due.first?.copy == true)
        #expect(retry.due.first?.key == first.due.first { $0.copy }?.key)  // the same delivery, same key
        let late = planner.plan(ledger: ledger, history: history, now: Self.overdueTime.addingTimeInterval(25 * 3600))
        #expect(late.due.isEmpty)
    }

    @Test("a changed policy in the directory applies at the next plan")
    func policyFromDirectory() {
        let strict = Policy(name: "strict", stages: [
            Stage(name: "final", offsetDays: 1, channels: [.email], template: "final", final: true),
        ])
        let planner = Planner(settings: Self.settings([Fixture.referencePolicy, strict]))
        var ledger = Fixture.ledger(Self.invoice())
        #expect(planner.plan(ledger: ledger, history: DeliveryHistory(), now: Self.overdueTime).due.first?.stage == "overdue")
        ledger.apply(.customer(CustomerRecord(id: "acme", policy: "strict")))
        let plan = planner.plan(ledger: ledger, history: DeliveryHistory(), now: Self.overdueTime)
        #expect(plan.due.first?.stage == "final" && plan.due.first?.policy == "strict")
    }

    @Test("stale payment feed: 37 h without a file at 36: post-due held, courtesy still goes; a file releases at once")
    func staleFeed() {
        var settings = Self.settings()
        settings.paymentsStaleAfterHours = 36
        let planner = Planner(settings: settings)
        // INV-1 due 03-10 (overdue notice due 03-11); INV-2 due 03-16, its courtesy (-3 = Sat 03-13) goes Mon 03-15.
        var ledger = Fixture.ledger(Self.invoice(), Self.invoice("INV-2", customer: Customer(id: "other", name: "Other",
            email: "ap@other.example", timezone: "America/New_York"), due: "2027-03-16"))
        let courtesyTime = Fixture.instant("2027-03-15T14:00:00Z")
        ledger.notePaymentData(at: courtesyTime.addingTimeInterval(-37 * 3600))
        let plan = planner.plan(ledger: ledger, history: DeliveryHistory(), now: courtesyTime)
        #expect(plan.due.map(\.stage) == ["courtesy"] && plan.due.first?.customer == "other")
        #expect(plan.held.map(\.kind) == ["payments_stale"] && plan.held.first?.customer == "acme")
        #expect(plan.held.first?.detail.hasPrefix("no payment data since 2027-03-14T01:00:00Z") == true)
        #expect(planner.staleSince(ledger, now: courtesyTime) != nil)
        ledger.notePaymentData(at: courtesyTime)
        let released = planner.plan(ledger: ledger, history: DeliveryHistory(), now: courtesyTime.addingTimeInterval(60))
        #expect(released.due.map(\.stage).sorted() == ["courtesy", "overdue"] && released.held.isEmpty)
        // Off by default.
        #expect(Planner(settings: Self.settings()).staleSince(ledger, now: courtesyTime.addingTimeInterval(1e7)) == nil)
    }

    @Test("min_amount: a debtor whose overdue total in a currency is below it is not reminded in it (held, with the figures)")
    func minimumAmount() throws {
        var policy = Fixture.referencePolicy
        policy.minAmount = ["USD": 10]
        let planner = Planner(settings: Self.settings([policy]))
        let small = Fixture.ledger(Self.invoice(amount: Decimal(string: "6.00")!))
        let plan = planner.plan(ledger: small, history: DeliveryHistory(), now: Self.overdueTime)
        #expect(plan.due.isEmpty)
        let held = try #require(plan.held.first)
        #expect(held.reason == .belowMinimum(currency: "USD", overdue: 6, minimum: 10))
        // Two small overdue invoices of one debtor add up past the minimum.
        let two = Fixture.ledger(Self.invoice(amount: 6), Self.invoice("INV-2", due: "2027-03-09", amount: 6))
        #expect(planner.plan(ledger: two, history: DeliveryHistory(), now: Self.overdueTime).due.first?.invoices.count == 2)
        // Another currency has no minimum: reminded.
        let euro = Fixture.ledger(Self.invoice(amount: 6, currency: "EUR"))
        #expect(planner.plan(ledger: euro, history: DeliveryHistory(), now: Self.overdueTime).due.count == 1)
    }

    @Test("a broken promise: after the date and the grace days, one broken_promise letter; then the ladder resumes after its deadline")
    func brokenPromise() throws {
        var policy = Fixture.referencePolicy
        policy.promiseGraceDays = 2
        let planner = Planner(settings: Self.settings([policy]))
        // Overdue notice sent 03-11; a promise to pay 60 by Mon 03-15; 20 paid.
        var ledger = Fixture.ledger(Self.invoice())
        var history = DeliveryHistory()
        _ = Self.step(planner, ledger, &history, Self.overdueTime)
        ledger.apply(.event(.promise(invoice: "INV-1", date: CalendarDate(iso: "2027-03-15")!, amount: 60)))
        ledger.apply(.event(.payment(invoice: "INV-1", amount: 20, date: CalendarDate(iso: "2027-03-14")!, reference: nil)))
        // During the promise and its grace (to 03-17) nothing; the plan
        // changes when the 18th starts, debtor-local, and the letter waits
        // for that day's window.
        let grace = planner.plan(ledger: ledger, history: history, now: Fixture.instant("2027-03-17T15:00:00Z"))
        #expect(grace.due.isEmpty && grace.nextWake == Fixture.instant("2027-03-18T04:00:00Z"))
        let midnight = planner.plan(ledger: ledger, history: history, now: Fixture.instant("2027-03-18T04:00:00Z"))
        #expect(midnight.due.isEmpty && midnight.nextWake == Fixture.instant("2027-03-18T13:00:00Z"))
        let letterTime = Fixture.instant("2027-03-18T13:00:00Z")
        let plan = Self.step(planner, ledger, &history, letterTime)
        let letter = try #require(plan.due.first)
        #expect(plan.due.count == 1 && letter.stage == "broken_promise" && letter.promise == PromiseTerms(date: CalendarDate(iso: "2027-03-15")!, amount: 60))
        #expect(letter.items.first?.amount == 80)
        // Once: the firm notice (due 03-18 itself) waits for the day after the
        // letter's deadline (pay by Thu 03-25): the plan changes when the 26th starts.
        #expect(letter.deadline == CalendarDate(iso: "2027-03-25"))
        let next = planner.plan(ledger: ledger, history: history, now: letterTime.addingTimeInterval(3600))
        #expect(next.due.isEmpty && next.nextWake.map { $0 <= Fixture.instant("2027-03-26T04:00:00Z") } == true)
        // `plan` says why the firm notice, due since 03-18, has not gone.
        #expect(next.held.map(\.detail) == ["firm waits for the deadline an earlier letter gave: pay by 2027-03-25; not before 2027-03-26"])
        #expect(Self.step(planner, ledger, &history, Fixture.instant("2027-03-25T13:00:00Z")).due.isEmpty)
        #expect(Self.step(planner, ledger, &history, Fixture.instant("2027-03-26T13:00:00Z")).due.map(\.stage) == ["firm"])
    }

    @Test("the broken-promise letter states the charges the letter before it stated (fee of the last stage delivered), not none")
    func brokenPromiseCharges() throws {
        var policy = Fixture.referencePolicy
        policy.promiseGraceDays = 2
        policy.chargesFrom = "overdue"  // the default (firm) would state no fee in the overdue letter
        let overdue = try #require(policy.stages.firstIndex { $0.name == "overdue" })
        policy.stages[overdue].fee = 10
        let planner = Planner(settings: Self.settings([policy]))
        var ledger = Fixture.ledger(Self.invoice())
        var history = DeliveryHistory()
        let first = Self.step(planner, ledger, &history, Self.overdueTime)
        #expect(first.due.first?.items.first?.charges.fee == 10)
        ledger.apply(.event(.promise(invoice: "INV-1", date: CalendarDate(iso: "2027-03-15")!, amount: 60)))
        let plan = Self.step(planner, ledger, &history, Fixture.instant("2027-03-18T13:00:00Z"))
        let letter = try #require(plan.due.first)
        #expect(letter.stage == "broken_promise")
        #expect(letter.items.first?.charges.fee == 10, "\(letter.items)")
        #expect(letter.totals.first?.totalDue == 110)
    }

    @Test("a kept promise (the amount paid) gets no letter; without promise_grace_days there is none either")
    func keptPromise() {
        var policy = Fixture.referencePolicy
        policy.promiseGraceDays = 0
        let letterDay = Fixture.instant("2027-03-18T13:00:00Z")
        var ledger = Fixture.ledger(Self.invoice())
        ledger.apply(.event(.promise(invoice: "INV-1", date: CalendarDate(iso: "2027-03-15")!, amount: 60)))
        ledger.apply(.event(.payment(invoice: "INV-1", amount: 60, date: CalendarDate(iso: "2027-03-15")!, reference: nil)))
        let kept = Planner(settings: Self.settings([policy])).plan(ledger: ledger, history: DeliveryHistory(), now: letterDay)
        // Nothing was sent before the promise: the ladder resumes at its first post-due stage.
        #expect(kept.due.map(\.stage) == ["overdue"])
        var broken = Fixture.ledger(Self.invoice())
        broken.apply(.event(.promise(invoice: "INV-1", date: CalendarDate(iso: "2027-03-15")!, amount: nil)))
        let off = Planner(settings: Self.settings()).plan(ledger: broken, history: DeliveryHistory(), now: letterDay)
        #expect(off.due.map(\.stage) == ["overdue"])
    }

    static func approvalPolicy() -> Policy {
        var policy = Fixture.referencePolicy
        policy.stages[3].approve = true
        policy.stages[3].channels = [.email]
        return policy
    }

    @Test("approve = true: the final waits as pending (even at night); approved, it goes in the next window, once; held, it is listed")
    func approval() throws {
        let planner = Planner(settings: Self.settings([Self.approvalPolicy()]))
        let final = Fixture.ledger(Self.invoice(due: "2027-03-01"))  // dropped late: notice first, then the final
        var history = DeliveryHistory()
        _ = Self.step(planner, final, &history, Fixture.instant("2027-03-17T14:00:00Z"))
        let plan = planner.plan(ledger: final, history: history, now: Self.finalTime)
        #expect(plan.due.isEmpty)
        let pending = try #require(plan.pending.first)
        #expect(plan.pending.count == 1 && pending.send.stage == "final" && pending.isNew && pending.since == Self.finalTime)
        let key = pending.send.key
        // Approved after hours: nothing now, the next window sends it.
        var ledger = final
        ledger.apply(.approval(.approve(key: key)))
        let night = Fixture.instant("2027-03-25T23:00:00Z")
        let atNight = planner.plan(ledger: ledger, history: history, now: night)
        #expect(atNight.due.isEmpty && atNight.pending.isEmpty && atNight.nextWake == Fixture.instant("2027-03-26T13:00:00Z"))
        let morning = Self.step(planner, ledger, &history, Fixture.instant("2027-03-26T13:00:00Z"))
        #expect(morning.due.map(\.key) == [key])
        #expect(planner.plan(ledger: ledger, history: history, now: Fixture.instant("2027-03-26T14:00:00Z")).due.isEmpty)
        // Held instead: not sent, listed with the reason.
        var heldLedger = final
        heldLedger.apply(.approval(.hold(key: key, reason: "in talks with their CFO")))
        var heldHistory = DeliveryHistory()
        _ = Self.step(planner, heldLedger, &heldHistory, Fixture.instant("2027-03-17T14:00:00Z"))
        let held = planner.plan(ledger: heldLedger, history: heldHistory, now: Self.finalTime)
        #expect(held.due.isEmpty && held.pending.isEmpty)
        #expect(held.held.first?.reason == .onHold(key: key, reason: "in talks with their CFO"))
    }

    @Test("a message pending longer than approval_expires_days expires and is pending again from now")
    func approvalExpiry() throws {
        var settings = Self.settings([Self.approvalPolicy()])
        settings.approvalExpiresDays = 7
        let planner = Planner(settings: settings)
        let ledger = Fixture.ledger(Self.invoice(due: "2027-03-01"))
        var history = DeliveryHistory()
        _ = Self.step(planner, ledger, &history, Fixture.instant("2027-03-17T14:00:00Z"))
        let key = try #require(planner.plan(ledger: ledger, history: history, now: Self.finalTime).pending.first).send.key
        history.approvals.pending(key, since: Self.finalTime)
        let week = Fixture.instant("2027-04-01T14:00:00Z")
        let waiting = planner.plan(ledger: ledger, history: history, now: Fixture.instant("2027-03-30T14:00:00Z"))
        #expect(waiting.expired.isEmpty && waiting.pending.first?.since == Self.finalTime && waiting.pending.first?.isNew == false)
        let expired = planner.plan(ledger: ledger, history: history, now: week)
        #expect(expired.expired.map(\.send.key) == [key] && expired.expired.first?.since == Self.finalTime)
        #expect(expired.pending.first?.since == week && expired.pending.first?.isNew == true)
    }
}
