import Foundation
@testable import OverdueCore
import Testing

@Suite("Planner: the worked example and rules 1-4")
struct PlannerRuleTests {
    let year = (Fixture.instant("2027-01-01T00:00:00Z"), Fixture.instant("2028-01-01T00:00:00Z"))

    func summary(_ sends: [PlannedSend], zone: String = "America/New_York") -> [String] {
        sends.map { "\(Fixture.local($0.time, zone)) \($0.stage) \($0.channel.rawValue)" }
    }

    /// Each letter after the due date gives a pay-by date (+7 days, a
    /// business day); the next stage waits for the day after it.
    @Test("worked example: due Fri 2027-03-26, New York")
    func workedExample() {
        let ledger = Fixture.ledger(Fixture.invoice("INV-1", due: "2027-03-26"))
        let sends = Fixture.planner().timeline(ledger: ledger, history: DeliveryHistory(), from: year.0, until: year.1)
        #expect(summary(sends) == [
            "2027-03-23 09:00 Tue courtesy email",
            "2027-03-29 09:00 Mon overdue email",
            "2027-04-06 09:00 Tue firm email",  // the overdue letter said: pay by Mon 04-05
            "2027-04-06 09:00 Tue firm sms",
            "2027-04-14 09:00 Wed final email",  // the firm letter said: pay by Tue 04-13
            "2027-04-14 09:00 Wed final webhook",
        ])
        #expect(sends.first?.time == Fixture.instant("2027-03-23T13:00:00Z"))  // 09:00 EDT
    }

    @Test("worked example, dropped late on 2027-04-07: firm now, final the day after the firm letter's deadline")
    func workedExampleLate() {
        let ledger = Fixture.ledger(Fixture.invoice("INV-1", due: "2027-03-26"))
        let dropped = Fixture.instant("2027-04-07T15:00:00Z")  // 11:00 EDT, inside the window
        let sends = Fixture.planner().timeline(ledger: ledger, history: DeliveryHistory(), from: dropped, until: year.1)
        #expect(summary(sends) == [
            "2027-04-07 11:00 Wed firm email",
            "2027-04-07 11:00 Wed firm sms",
            "2027-04-15 09:00 Thu final email",  // pay by Wed 04-14
            "2027-04-15 09:00 Thu final webhook",
        ])
    }

    @Test("rule 2: outside business hours nothing goes; the wake-up is the next window")
    func window() {
        let ledger = Fixture.ledger(Fixture.invoice("INV-1", due: "2027-03-26"))
        let evening = Fixture.instant("2027-04-07T23:30:00Z")  // 19:30 EDT
        let result = Fixture.planner().plan(ledger: ledger, history: DeliveryHistory(), now: evening)
        #expect(result.due.isEmpty)
        #expect(result.nextWake == Fixture.instant("2027-04-08T13:00:00Z"))
    }

    @Test("rule 3: planning again after sending finds nothing; a restart mid-way changes nothing")
    func neverTwice() {
        let ledger = Fixture.ledger(Fixture.invoice("INV-1", due: "2027-03-26"), Fixture.invoice("INV-2", due: "2027-05-14"))
        let planner = Fixture.planner()
        let now = Fixture.instant("2027-03-23T13:00:00Z")
        let first = planner.plan(ledger: ledger, history: DeliveryHistory(), now: now)
        #expect(first.due.count == 1)
        var history = DeliveryHistory()
        for send in first.due { history.record(send.sentMessage(at: now)) }
        #expect(planner.plan(ledger: ledger, history: history, now: now).due.isEmpty)
        #expect(planner.plan(ledger: ledger, history: history, now: now.addingTimeInterval(3600)).due.isEmpty)

        // A restart on 2027-04-06: the second half, given the first half's
        // history, is exactly the rest of the uninterrupted timeline.
        let whole = planner.timeline(ledger: ledger, history: DeliveryHistory(), from: year.0, until: year.1)
        let restart = Fixture.instant("2027-04-06T02:00:00Z")
        let firstHalf = planner.timeline(ledger: ledger, history: DeliveryHistory(), from: year.0, until: restart)
        var carried = DeliveryHistory()
        for send in firstHalf { carried.record(send.sentMessage(at: send.time)) }
        let secondHalf = planner.timeline(ledger: ledger, history: carried, from: restart, until: year.1)
        #expect(firstHalf + secondHalf == whole)
        #expect(Set(whole.map(\.key)).count == whole.count)
        // Each (invoice, stage, channel) exactly once.
        let triples = whole.flatMap { send in send.items.map { "\($0.item.unitID)|\($0.item.stage)|\(send.channel)" } }
        #expect(Set(triples).count == triples.count)
    }

    @Test("rule 1: a stage day on a weekend or holiday moves to the next business day")
    func holidays() {
        let planner = Fixture.planner(Fixture.schedule(holidays: ["2027-03-29", "2027-03-30"]))
        let ledger = Fixture.ledger(Fixture.invoice("INV-1", due: "2027-03-26"))
        let sends = planner.timeline(ledger: ledger, history: DeliveryHistory(), from: year.0, until: year.1)
        #expect(summary(sends).contains("2027-03-31 09:00 Wed overdue email"))
    }

    @Test("rule 4: dropped after the final stage with nothing sent: a notice first, the final after its deadline")
    func finalNeverFirst() {
        let ledger = Fixture.ledger(Fixture.invoice("INV-1", due: "2027-03-26"))
        let dropped = Fixture.instant("2027-05-03T13:00:00Z")  // Mon, long after the final stage day
        let sends = Fixture.planner().timeline(ledger: ledger, history: DeliveryHistory(), from: dropped, until: year.1)
        #expect(summary(sends) == [
            "2027-05-03 09:00 Mon firm email",
            "2027-05-03 09:00 Mon firm sms",
            "2027-05-11 09:00 Tue final email",  // the firm letter said: pay by Mon 05-10
            "2027-05-11 09:00 Tue final webhook",
        ])
    }

    @Test("rule 4: a daemon down for weeks sends the next stage only, not a burst nor a jump")
    func catchUpAfterDowntime() {
        let ledger = Fixture.ledger(Fixture.invoice("INV-1", due: "2027-03-26"))
        let planner = Fixture.planner()
        var history = DeliveryHistory()
        let courtesy = planner.plan(ledger: ledger, history: history, now: Fixture.instant("2027-03-23T13:00:00Z"))
        for send in courtesy.due { history.record(send.sentMessage(at: send.time)) }
        // Down from 03-24 until 04-06 10:00 EDT: overdue and firm are both
        // past; once a letter went, the ladder climbs one step at a time.
        let back = planner.plan(ledger: ledger, history: history, now: Fixture.instant("2027-04-06T14:00:00Z"))
        #expect(back.due.map(\.stage) == ["overdue"])
    }

    @Test("a pre-due stage is not sent once the due date has passed")
    func stalePreDue() {
        let policy = Policy(name: "p", stages: [
            Stage(name: "courtesy", offsetDays: -3, channels: [.email], template: "courtesy", final: false),
            Stage(name: "overdue", offsetDays: 10, channels: [.email], template: "overdue", final: false),
        ])
        let ledger = Fixture.ledger(Fixture.invoice("INV-1", due: "2027-03-26"))
        let sends = Fixture.planner(policies: [policy]).timeline(
            ledger: ledger, history: DeliveryHistory(), from: Fixture.instant("2027-03-29T13:00:00Z"), until: year.1)
        #expect(summary(sends) == ["2027-04-05 09:00 Mon overdue email"])
    }
}
