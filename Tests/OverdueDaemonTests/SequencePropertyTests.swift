import Foundation
import OverdueCalendar
import OverdueConfig
@testable import OverdueCore
import PropertyBased
import Testing
import TestSupport

/// What one letter promised, the next one keeps: random debtors (the ladder
/// property test's `DebtorCase`: invoices, installments, late files,
/// payments, disputes and resolutions, promises) plus re-dropped invoices
/// and random delivery outcomes (`Fate`: accepted, refused for good,
/// deferred and retried, unsubscribed with a later opt-in), run through the
/// daemon's loop for 180 days. A failing debtor is shrunk
/// (swift-property-based) to the smallest one that still fails, printed
/// with the seed that replays it (`.fixedSeed(...)` on the test).
/// Checked on every letter: no ladder stage before the day after the latest
/// pay-by date a delivered letter gave for its items; no stage above the
/// last delivered one + 1 (and no final as the first letter); nothing after
/// full payment; every letter's total is all that is overdue then; a
/// re-drop never moves an invoice to another customer; a unit's charges
/// only grow from letter to letter (compensation the same once stated).
@Suite("The sequence of letters over random debtors and delivery failures (property test)")
struct SequencePropertyTests {
    static let debtors = 2_000

    enum Outcome { case sent, failed, deferred, unsubscribed }

    /// Under `costs_first` (§ 367 BGB) too, on half as many debtors: there
    /// payments pay charges before the principal, so the letters go on
    /// after the cash reached the amount; the invoice's books must balance.
    @Test("2,000 random debtors over 180 days with failures: deadlines kept, no escalation past an undelivered stage",
          arguments: [PaymentAllocation.principalFirst, .costsFirst])
    func randomSequences(allocation: PaymentAllocation) async throws {
        var settings = try LadderPropertyTests.planner().settings
        settings.policies[0].allocation = allocation
        let planner = Planner(settings: settings)
        let policy = planner.settings.policies[0]
        var checks = Invariants()
        var outcomes: [String: Int] = [:]
        let debtors = allocation == .principalFirst ? Self.debtors : Self.debtors / 2
        await propertyCheck(count: debtors, input: SequenceCase.generator) { scenario in
            var own = Invariants()
            simulate(RandomDebtor(scenario.debtor), fates: scenario.fates, planner: planner, policy: policy, checks: &own,
                     outcomes: &outcomes)
            checks.add(own)
        }
        print("sequence property test (\(allocation.rawValue)): \(checks.debtors) debtors, \(checks.letters) letters, outcomes \(outcomes); checks:")
        for (name, count) in checks.counts.sorted(by: { $0.key < $1.key }) { print("  \(name): \(count)") }
        // How much was tested, after a full run without a failure (not after a replay of one seed).
        guard checks.debtors == debtors, checks.failed == 0 else { return }
        let scale = debtors / 1_000  // the thresholds below are for 2,000 debtors
        #expect(checks.counts["no stage before the day after the latest pay-by date", default: 0] > 1_000 * scale)
        #expect(checks.counts["no stage above the last delivered one + 1", default: 0] > 1_000 * scale)
        #expect(checks.counts["a number held by another customer is refused", default: 0] > 100 * scale)
        #expect(checks.counts["every letter's total is all that is overdue", default: 0] > 2_500 * scale)
        #expect(checks.counts["a stated compensation is stated the same in every later letter", default: 0] > 500 * scale)
        #expect(checks.counts["a unit's interest never falls from one letter to the next", default: 0] > 1_000 * scale)
        #expect(outcomes[String(describing: Outcome.failed), default: 0] > 150 * scale)
        #expect(outcomes[String(describing: Outcome.unsubscribed), default: 0] > 100 * scale)
        if allocation == .costsFirst {
            #expect(checks.counts["cash paid = principal paid + charges paid + credit", default: 0] > 5_000)
            #expect(checks.counts["a letter after the cash reached the amount shows what went to charges", default: 0] > 20)
        }
    }

    func simulate(_ debtor: RandomDebtor, fates: [Fate], planner: Planner, policy: Policy, checks: inout Invariants,
                  outcomes: inout [String: Int]) {
        var ledger = Ledger()
        var history = DeliveryHistory()
        var pending = debtor.drops
        var owner: [String: String] = [:]
        var retryAt: [String: Date] = [:]
        var delivered: [PlannedSend] = []
        var stated: [String: StatedCharges] = [:]
        let rank = Dictionary(uniqueKeysWithValues: policy.stages.enumerated().map { ($1.name, $0) })
        let calendar = planner.calendars.calendar(for: debtor.zone)
        let end = LadderPropertyTests.start.addingTimeInterval(Double(LadderPropertyTests.days) * 86_400)
        var now = LadderPropertyTests.start
        var sends = 0
        for _ in 0..<5_000 {
            while let drop = pending.first, drop.time <= now {
                // As the ingester does: a number another customer holds is rejected before it is applied.
                if ledger.identityProblem(drop.record) != nil {
                    checks.counts["a number held by another customer is refused", default: 0] += 1
                } else {
                    ledger.apply(drop.record)
                }
                if case .invoice(let invoice) = drop.record { owner[invoice.id] = owner[invoice.id] ?? invoice.customer.id }
                pending.removeFirst()
            }
            for (id, customer) in owner {
                checks.expect(ledger[id]?.invoice.customer.id == customer, "a re-drop never moves an invoice", debtor,
                              "\(id) now belongs to \(ledger[id]?.invoice.customer.id ?? "nobody")")
            }
            for _ in 0..<6 {
                let result = planner.plan(ledger: ledger, history: history, now: now)
                let due = result.due.filter { retryAt[$0.key].map { $0 <= now } ?? true }
                guard !due.isEmpty || !result.skipped.isEmpty else { break }
                for send in result.skipped { history.record(send.sentMessage(at: now), status: .suppressed) }
                for send in due {
                    check(send, ledger: ledger, planner: planner, history: history, delivered: delivered, rank: rank, policy: policy,
                          calendar: calendar, debtor: debtor, checks: &checks)
                    checkCharges(send, ledger: ledger, stated: stated, debtor: debtor, checks: &checks)
                    // The fates in turn; a send past the last one goes through.
                    let fate = sends < fates.count ? fates[sends] : Fate()
                    sends += 1
                    let outcome = send.channel == .webhook ? .sent : fate.outcome
                    outcomes[String(describing: outcome), default: 0] += 1
                    switch outcome {
                    case .sent:
                        history.record(send.sentMessage(at: now), status: .sent)
                        delivered.append(send)
                        record(send, ledger: ledger, into: &stated)
                        // Under costs_first some debtors pay the invoice's amount a few days after a letter
                        // stating charges, as if the charges were not there: the letters go on.
                        if policy.allocation == .costsFirst, send.channel == .email, let after = fate.payAfter,
                           let item = send.items.first(where: { !$0.charges.isEmpty }), let entry = ledger[item.item.invoice],
                           entry.balance > 0 {
                            let day = calendar.localDay(now).adding(days: after)
                            pending.append(RandomDebtor.Drop(time: calendar.instant(day, minute: 600), record: .event(
                                .payment(invoice: entry.invoice.id, amount: entry.balance, date: day, reference: nil))))
                            pending.sort { $0.time < $1.time }
                        }
                    case .failed:
                        history.record(send.sentMessage(at: now), status: .failed)
                    case .deferred:
                        retryAt[send.key] = now.addingTimeInterval(3_600)
                    case .unsubscribed:
                        // The gateway or the debtor says stop: suppressed now, sometimes back weeks later.
                        ledger.apply(.event(.optout(address: send.recipient, channel: send.channel)))
                        history.record(send.sentMessage(at: now), status: .suppressed)
                        if let after = fate.backAfter {
                            let back = now.addingTimeInterval(Double(after) * 86_400)
                            pending.append(RandomDebtor.Drop(time: back, record: .event(.optin(address: send.recipient, channel: send.channel))))
                            pending.sort { $0.time < $1.time }
                        }
                    }
                }
                if due.allSatisfy({ retryAt[$0.key] != nil && retryAt[$0.key]! > now }) && result.skipped.isEmpty { break }
            }
            if policy.allocation == .costsFirst { checkBooks(ledger: ledger, planner: planner, history: history, debtor: debtor, checks: &checks) }
            let next = [planner.plan(ledger: ledger, history: history, now: now).nextWake, pending.first?.time,
                        retryAt.values.filter { $0 > now }.min()].compactMap { $0 }.filter { $0 > now }.min()
            guard let next, next < end else { return }
            now = next
        }
        checks.fail(debtor, "the loop did not finish in 5,000 wake-ups")
    }

    /// What letters stated about a unit's charges, and the invoice as it was then.
    struct StatedCharges {
        var charges: LateCharges
        var invoice: Invoice
        var disputeEvents: Int
        var stage: String
        var time: Date
        /// How many ledger events the invoice had then.
        var events: Int
    }

    /// Charges agree from letter to letter: once a letter states a unit's
    /// compensation, every later letter states the same; its fee never
    /// falls; its interest never falls (interest accrued to a day only
    /// grows: a payment slows it, never takes back what ran). Compared only
    /// while the invoice is unchanged (no re-drop) and no dispute was
    /// recorded in between (a dispute dated back may take days out).
    func checkCharges(_ send: PlannedSend, ledger: Ledger, stated: [String: StatedCharges], debtor: RandomDebtor,
                      checks: inout Invariants) {
        guard send.stage != PlannerSettings.thanksStage else { return }
        for (key, charges, _) in Self.statements(send) {
            let invoice = ReminderItem.invoice(ofUnit: key.replacingOccurrences(of: "invoice ", with: ""))
            guard let entry = ledger[invoice], let before = stated[key], before.invoice == entry.invoice,
                  before.disputeEvents == Self.disputeEvents(entry) else { continue }
            // Letters of one instant on two channels (a firm SMS beside a final e-mail) are planned
            // together: the one states the stage it climbs to, the other the stage last delivered.
            guard before.time < send.time else { continue }
            // A payment recorded since but dated on or before the earlier letter lowers what interest ran.
            let backdated = entry.events.dropFirst(before.events).contains { event in
                if case .payment(_, _, let date, _) = event { date <= CalendarDay.utc(before.time).adding(days: 1) } else { false }
            }
            guard !backdated else { continue }
            let old = before.charges
            let units = send.demanded.filter { $0.item.invoice == invoice }.map { "\($0.item.unitID) \($0.item.stage) \($0.daysOverdue)d" }
            let context = "\(key): \(old.fee)/\(old.interest)/\(old.compensation) (\(before.stage), \(before.time)) then "
                + "\(charges.fee)/\(charges.interest)/\(charges.compensation) (\(units)) in \(send.stage) \(send.time)"
            // (A letter that demands none of the invoice's units past due, a courtesy note for its next
            // installment, states no charges for it.)
            let overdueDemanded = send.demanded.contains { $0.item.invoice == invoice && $0.daysOverdue > 0 }
            if key.hasPrefix("invoice "), old.compensation > 0, overdueDemanded {
                checks.expect(charges.compensation == old.compensation, "a stated compensation is stated the same in every later letter", debtor, context)
            }
            guard !key.hasPrefix("invoice ") else { continue }
            checks.expect(charges.fee >= old.fee, "a unit's fee never falls from one letter to the next", debtor, context)
            checks.expect(charges.interest >= old.interest, "a unit's interest never falls from one letter to the next", debtor, context)
        }
    }

    /// What a letter states: per unit its fee and interest, per invoice its
    /// compensation (stated once per invoice, on one of its units).
    static func statements(_ send: PlannedSend) -> [(key: String, charges: LateCharges, stage: String)] {
        var byInvoice: [String: Decimal] = [:]
        var out: [(key: String, charges: LateCharges, stage: String)] = []
        for item in send.demanded {
            out.append((item.item.unitID, LateCharges(fee: item.charges.fee, interest: item.charges.interest), item.item.stage))
            byInvoice[item.item.invoice, default: 0] += item.charges.compensation
        }
        for (invoice, compensation) in byInvoice { out.append(("invoice \(invoice)", LateCharges(compensation: compensation), send.stage)) }
        return out
    }

    /// What a delivered letter told the debtor.
    func record(_ send: PlannedSend, ledger: Ledger, into stated: inout [String: StatedCharges]) {
        guard send.stage != PlannerSettings.thanksStage else { return }
        for (key, charges, stage) in Self.statements(send) {
            let invoice = ReminderItem.invoice(ofUnit: key.replacingOccurrences(of: "invoice ", with: ""))
            guard let entry = ledger[invoice] else { continue }
            stated[key] = StatedCharges(charges: charges, invoice: entry.invoice, disputeEvents: Self.disputeEvents(entry),
                                        stage: stage, time: send.time, events: entry.events.count)
        }
    }

    static func disputeEvents(_ entry: LedgerEntry) -> Int {
        entry.events.filter { if case .dispute = $0 { true } else if case .resolve = $0 { true } else { false } }.count
    }

    static func account(_ entry: LedgerEntry, planner: Planner, ledger: Ledger, history: DeliveryHistory) -> Planner.InvoiceAccount {
        planner.account(entry, debtor: ledger.directory.effective(for: entry.invoice), history: history)
    }

    /// The books of every invoice balance: what was paid in cash is what
    /// the allocation put on principal, on charges and aside as credit.
    func checkBooks(ledger: Ledger, planner: Planner, history: DeliveryHistory, debtor: RandomDebtor, checks: inout Invariants) {
        for entry in ledger.entries.values where !entry.cancelled {
            let invoice = entry.invoice
            let account = Self.account(entry, planner: planner, ledger: ledger, history: history)
            let cash = invoice.amount - entry.balance + entry.credit
            let principal = invoice.amount - account.principalOpen
            let charges = account.units.reduce(Decimal(0)) { $0 + $1.settled.fee + $1.settled.interest }
                + (account.units.first?.settled.compensation ?? 0)
            checks.expect(cash == principal + charges + account.credit, "cash paid = principal paid + charges paid + credit", debtor,
                          "\(invoice.id): cash \(cash), principal \(principal), charges \(charges), credit \(account.credit)")
        }
    }

    func check(_ send: PlannedSend, ledger: Ledger, planner: Planner, history: DeliveryHistory, delivered: [PlannedSend],
               rank: [String: Int], policy: Policy, calendar: BusinessCalendar, debtor: RandomDebtor, checks: inout Invariants) {
        checks.letters += 1
        for item in send.items {
            checks.expect(item.charges.paidFee <= item.charges.fee && item.charges.paidInterest <= item.charges.interest
                          && item.charges.paidCompensation <= item.charges.compensation,
                          "what was paid of a charge never exceeds it", debtor, "\(item.item.unitID): \(item.charges)")
        }
        let today = calendar.localDay(send.time)
        for item in send.items {
            let unit = item.item.unitID
            if let entry = ledger[item.item.invoice] {
                let open = Self.account(entry, planner: planner, ledger: ledger, history: history).principalOpen
                checks.expect(open > 0 && !entry.cancelled, "nothing after full payment", debtor, "\(unit): principal open \(open)")
                // The cash covered the amount, yet principal is demanded: the letter says what went to charges.
                if entry.balance == 0, entry.credit == 0, send.stage != PlannerSettings.thanksStage {
                    let listed = send.demanded.filter { $0.item.invoice == entry.invoice.id }
                    let principal = listed.reduce(Decimal(0)) { $0 + $1.amount }
                    let shown = listed.reduce(Decimal(0)) { $0 + $1.charges.paid + $1.charges.paidElsewhere }
                    checks.expect(shown >= principal, "a letter after the cash reached the amount shows what went to charges", debtor,
                                  "\(unit): \(send.stage), principal \(principal), shown as paid to charges \(shown)")
                }
            }
            guard let position = rank[item.item.stage] else { continue }  // receipts and broken-promise letters: off the ladder
            let earlier = delivered.filter { $0.items.contains { $0.item.unitID == unit } }
            let earlierRanks = earlier.flatMap { $0.items.filter { $0.item.unitID == unit }.compactMap { rank[$0.item.stage] } }
            // A new stage (not the same stage on another channel) waits for every deadline given so far.
            if !earlierRanks.contains(position) {
                let payBy = earlier.filter { $0.channel == .email || $0.channel == .sms }.compactMap(\.deadline).max()
                checks.expect(payBy.map { today > $0 } ?? true, "no stage before the day after the latest pay-by date", debtor,
                              "\(unit) \(send.stage) on \(today), an earlier letter said pay by \(payBy!)")
            }
            if let last = earlierRanks.max() {
                checks.expect(position <= last + 1, "no stage above the last delivered one + 1", debtor,
                              "\(unit): \(policy.stages[last].name) delivered last, then \(send.stage)")
            } else {
                checks.expect(!policy.stages[position].final, "the final is never the first letter delivered", debtor, "\(unit)")
            }
        }
        guard send.stage != PlannerSettings.thanksStage else { return }
        // The letter's total is all that is overdue on the account at that
        // moment (plus its own stage's units not yet due), counted here from
        // the ledger on its own: open units past their due date of every
        // invoice not cancelled, disputed, handed off or under a promise.
        var expected: [String: Decimal] = [:]
        for entry in ledger.entries.values where ledger.directory.effective(for: entry.invoice).customer.id == send.customer {
            guard !entry.cancelled, !entry.disputed, entry.handedOff == nil,
                  entry.promisedUntil.map({ today > $0 }) ?? true else { continue }
            let invoice = entry.invoice
            var parts: [(due: CalendarDate, amount: Decimal)] = []
            if policy.allocation == .costsFirst {
                // What payments left of each unit's principal: the allocation's own figures, checked below to balance.
                parts = Self.account(entry, planner: planner, ledger: ledger, history: history).units.map { ($0.due, $0.open) }
            } else {
                parts = invoice.installments.isEmpty ? [(due: invoice.due, amount: entry.balance)] : []
                var paid = invoice.amount - entry.balance
                for installment in invoice.installments.sorted(by: { $0.due < $1.due }) {
                    let covered = min(installment.amount, max(0, paid))
                    paid -= covered
                    parts.append((installment.due, installment.amount - covered))
                }
            }
            guard parts.contains(where: { $0.amount > 0 }) else { continue }
            for part in parts where part.amount > 0 && part.due < today { expected[invoice.currency, default: 0] += part.amount }
        }
        for item in send.items where item.daysOverdue <= 0 { expected[item.currency, default: 0] += item.amount }
        let stated = Dictionary(uniqueKeysWithValues: send.totals.map { ($0.currency, $0.amount) })
        checks.expect(stated == expected, "every letter's total is all that is overdue", debtor,
                      "\(send.stage) on \(today) demands \(stated), overdue then: \(expected)")
        checks.expect(send.alsoOpen.allSatisfy { $0.daysOverdue <= 0 }, "nothing overdue is listed apart", debtor,
                      "\(send.stage) on \(today) lists \(send.alsoOpen.map(\.item.unitID)) apart")
    }
}

/// One case of the sequence test: a debtor whose invoices are sometimes
/// dropped again, and what becomes of the sends to it.
struct SequenceCase: CustomStringConvertible {
    var debtor: DebtorCase
    /// Each due send's fate in turn (32-64: more than most debtors' sends); past them, delivered.
    var fates: [Fate]

    static var generator: Generator<SequenceCase, some SendableSequenceType> {
        zip(DebtorCase.generator(redrops: true), Fate.generator.array(of: 32...64)).map { SequenceCase(debtor: $0, fates: $1) }
    }

    var description: String {
        let told = fates.enumerated().filter { $0.element.description != Fate().description }
        return "\(debtor)\n  sends (\(fates.count) fates, then delivered): "
            + (told.isEmpty ? "all delivered" : told.map { "#\($0.offset) \($0.element)" }.joined(separator: "; "))
    }
}

/// What becomes of one send: delivered (then, under costs_first, the
/// debtor may pay the invoice's amount `payAfter` days later), refused for
/// good, deferred an hour, or unsubscribed (back `backAfter` days later).
struct Fate: CustomStringConvertible {
    var outcome = SequencePropertyTests.Outcome.sent
    var payAfter: Int?
    var backAfter: Int?

    static var generator: Generator<Fate, some SendableSequenceType> {
        zip(Gen.int(in: 0...99), Gen.int(in: 2...10).optional(valueRate: 0.25), Gen.int(in: 10...39).optional(valueRate: 0.5))
            .map { draw, payAfter, backAfter in
                let outcome: SequencePropertyTests.Outcome = draw < 80 ? .sent : draw < 88 ? .failed : draw < 94 ? .deferred : .unsubscribed
                return Fate(outcome: outcome, payAfter: payAfter, backAfter: backAfter)
            }
    }

    var description: String {
        switch outcome {
        case .sent: "delivered" + (payAfter.map { " (under costs_first the amount paid \($0) days later)" } ?? "")
        case .unsubscribed: "unsubscribed" + (backAfter.map { ", back \($0) days later" } ?? "")
        default: "\(outcome)"
        }
    }
}
