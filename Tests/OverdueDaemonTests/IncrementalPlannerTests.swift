import Foundation
import Logging
import OverdueCalendar
import OverdueConfig
import OverdueCore
@testable import OverdueDaemon
import Testing
import TestSupport

/// Incremental planning gives the full plan's answer: random debtors in one
/// ledger (the ladder property test's, plus opt-outs, customer records that
/// exclude or re-address a debtor, replies, approvals and a stale payment
/// feed), the daemon's loop run over 150 days, and at every plan call the
/// incremental answer compared with `Planner.plan` over the whole ledger.
@Suite("Incremental planning equals full planning (property test)")
struct IncrementalPlannerTests {
    static let start = LadderPropertyTests.start
    static let days = 120

    static func planner(approval: Bool) throws -> Planner {
        let config = try ConfigLoader.parse("""
            [spool]
            dir = "/nonexistent-overdue-incremental-spool"
            [brand]
            name = "Northwind Supplies Ltd"
            from = "Northwind Accounts <accounts@northwind.example>"
            [schedule]
            timezone = "Europe/London"
            holidays = ["2027-04-02", "2027-04-05"]
            min_gap_days = 3
            reply_pause_days = 3
            payments_stale_after_hours = 100
            [[policy]]
            \(LadderPropertyTests.policyTerms)
            min_amount = { EUR = "25" }
            stages = [
              { name = "courtesy", offset_days = -3, channels = ["email"] },
              { name = "overdue",  offset_days = 1,  channels = ["email"] },
              { name = "firm",     offset_days = 8,  channels = ["email", "sms"], fee = "10.00", fallback = ["sms"] },
              { name = "final",    offset_days = 15, channels = ["email", "webhook"], final = true, approve = \(approval) },
            ]
            """, path: "/nonexistent-overdue-incremental/overdue.toml")
        var settings = config.plannerSettings
        settings.enabledChannels = [.email, .sms, .webhook]
        settings.webhookEndpoint = "https://crm.example/hooks/overdue"
        return Planner(settings: settings)
    }

    @Test("random event streams: the same plan at every step, with fewer debtors planned", arguments: [(1, false), (2, true)])
    func sameAnswers(seed: Int, approval: Bool) throws {
        let planner = try Self.planner(approval: approval)
        var random = SplitMix64(seed: UInt64(seed) &* 0x5851_F42D)
        var drops = Self.drops(debtors: 60, random: &random)
        var ledger = Ledger()
        var history = DeliveryHistory()
        var incremental = IncrementalPlanner(planner: planner)
        var stats = (calls: 0, sends: 0, held: 0, pending: 0, incrementalDebtors: 0, fullDebtors: 0, partialCalls: 0)
        var mismatches: [String] = []
        var debtorsSoFar: Set<String> = []
        let end = Self.start.addingTimeInterval(Double(Self.days) * 86_400)
        var now = Self.start
        for _ in 0..<20_000 {
            while let drop = drops.first, drop.time <= now {
                ledger.apply(drop.record)
                if case .invoice(let invoice) = drop.record { debtorsSoFar.insert(invoice.customer.id) }
                if drop.record.isPaymentData { ledger.notePaymentData(at: drop.time) }
                drops.removeFirst()
            }
            var next: Date?
            for _ in 0..<6 {
                let mine = incremental.plan(ledger: ledger, changes: ledger.takeChanges(), history: history, now: now)
                let full = planner.plan(ledger: ledger, history: history, now: now)
                stats.calls += 1
                stats.incrementalDebtors += incremental.lastCall.debtorsPlanned
                stats.fullDebtors += debtorsSoFar.count
                if !incremental.lastCall.full { stats.partialCalls += 1 }
                if let difference = Self.difference(mine, full) {
                    mismatches.append("\(now): \(difference)")
                }
                next = full.nextWake
                stats.sends += full.due.count
                stats.held += full.held.count
                stats.pending += full.pending.count
                for send in full.due { history.record(send.sentMessage(at: now)) }
                for send in full.skipped { history.record(send.sentMessage(at: now), reached: false) }
                for pending in full.pending where pending.isNew {
                    history.approvals.pending(pending.send.key, since: now)
                    // A person decides some hours later: mostly approve, sometimes hold.
                    let decision: ApprovalDecision = random.below(4) == 0
                        ? .hold(key: pending.send.key, reason: "disputed by phone") : .approve(key: pending.send.key)
                    Self.insert(Drop(time: now.addingTimeInterval(Double(1 + random.below(30)) * 3600), record: .approval(decision)),
                                into: &drops)
                }
                if full.due.isEmpty && full.skipped.isEmpty { break }
            }
            guard let wake = [next, drops.first?.time].compactMap({ $0 }).filter({ $0 > now }).min(), wake < end else { break }
            now = wake
        }
        print("incremental planning, seed \(seed), approval \(approval): \(stats.calls) plan calls (\(stats.partialCalls) incremental), "
            + "\(stats.sends) sends, \(stats.held) held, \(stats.pending) pending; debtors planned: \(stats.incrementalDebtors) "
            + "incrementally vs \(stats.fullDebtors) by full plans")
        #expect(mismatches.isEmpty, "\(mismatches.count) differences; first: \(mismatches.prefix(3).joined(separator: "\n"))")
        #expect(stats.sends > 300, "too few sends to test anything")
        #expect(stats.partialCalls > stats.calls / 2, "most calls should be incremental")
        // Debtors waiting for approval or held by a person are planned at
        // every pass (their letters change as the window opens and closes),
        // so with approvals on the gain is smaller.
        #expect(stats.incrementalDebtors * (approval ? 2 : 10) < stats.fullDebtors, "incremental planning should plan far fewer debtors")
        if approval { #expect(stats.pending > 20) }
    }

    /// Nil when the two plans agree; else what differs. Held items are
    /// compared as a set (the full plan lists them in ledger order, the
    /// incremental one by debtor).
    static func difference(_ mine: PlanResult, _ full: PlanResult) -> String? {
        func who(_ a: [PlannedSend], _ b: [PlannedSend]) -> String {
            let left = Set(a.map { "\($0.customer) \($0.stage) \($0.channel) \($0.key)" }), right = Set(b.map { "\($0.customer) \($0.stage) \($0.channel) \($0.key)" })
            return "only incremental: \(left.subtracting(right).sorted()), only full: \(right.subtracting(left).sorted())"
        }
        if mine.due != full.due { return "due: " + who(mine.due, full.due) }
        if mine.skipped != full.skipped { return "skipped: " + who(mine.skipped, full.skipped) }
        if mine.pending != full.pending { return "pending: " + who(mine.pending.map(\.send), full.pending.map(\.send)) }
        if mine.expired != full.expired { return "expired differ" }
        if mine.nextWake != full.nextWake { return "next wake: \(String(describing: mine.nextWake)) vs \(String(describing: full.nextWake))" }
        func canonical(_ held: [HeldItem]) -> [String] { held.map { "\($0.mergeKeyForTests) \($0.invoices.sorted())" }.sorted() }
        if canonical(mine.held) != canonical(full.held) { return "held: \(canonical(mine.held)) vs \(canonical(full.held))" }
        return nil
    }

    typealias Drop = RandomDebtor.Drop

    static func insert(_ drop: Drop, into drops: inout [Drop]) {
        drops.insert(drop, at: drops.firstIndex { $0.time > drop.time } ?? drops.endIndex)
    }

    /// The ladder test's random debtors, together, plus events that are not
    /// about one invoice.
    static func drops(debtors: Int, random: inout SplitMix64) -> [Drop] {
        var drops: [Drop] = []
        for index in 0..<debtors {
            var own = SplitMix64(seed: random.next())
            drops += RandomDebtor(index: index, random: &own).drops
        }
        func day(_ offset: Int) -> Date { start.addingTimeInterval(Double(offset) * 86_400 + Double(random.below(86_400))) }
        for _ in 0..<debtors / 5 {
            let debtor = random.below(debtors)
            let address = "ap\(debtor)@debtor.example"
            switch random.below(6) {
            case 0:
                drops.append(Drop(time: day(random.below(days)), record: .event(.optout(address: address, channel: .email))))
            case 1:
                drops.append(Drop(time: day(random.below(days)), record: .event(.bounce(address: address, channel: .email, reason: nil))))
            case 2:
                drops.append(Drop(time: day(random.below(days)), record: .customer(CustomerRecord(id: "C\(debtor)", exclude: true))))
                drops.append(Drop(time: day(random.below(days)), record: .customer(CustomerRecord(id: "C\(debtor)"))))
            case 3:
                drops.append(Drop(time: day(random.below(days)), record: .customer(
                    CustomerRecord(id: "C\(debtor)", email: "accounts\(debtor)@debtor.example", cc: ["cfo\(debtor)@debtor.example"]))))
            case 4:
                let date = day(random.below(days))
                drops.append(Drop(time: date, record: .event(.feedback(FeedbackEvent(
                    kind: .reply, messageID: "<r\(random.next())@debtor.example>", date: CalendarDay.utc(date), customer: "C\(debtor)",
                    address: address)))))
            default:
                // A quiet spell in the payment feed: nothing for a week (the
                // stale guard holds post-due stages), then a file again.
                break
            }
        }
        drops.sort { $0.time < $1.time }
        // Events after their invoice's file (as RandomDebtor does).
        var arrived: [String: Date] = [:]
        for drop in drops { if case .invoice(let invoice) = drop.record { arrived[invoice.id] = min(arrived[invoice.id] ?? drop.time, drop.time) } }
        return drops.map { drop in
            guard let id = drop.record.invoiceID, let at = arrived[id], drop.time < at, case .event = drop.record else { return drop }
            return Drop(time: at.addingTimeInterval(60), record: drop.record)
        }.sorted { $0.time < $1.time }
    }
}

extension HeldItem {
    var mergeKeyForTests: String { "\(kind)|\(customer)|\(stage ?? "")" }
}

/// The daemon's passes plan only the debtors something happened to.
@Suite("Pipeline passes plan only what changed")
struct IncrementalPipelineTests {
    @Test("first pass plans every debtor; a pass after one payment file plans that debtor; a reload plans all again")
    func passAfterPayment() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("overdue-incremental-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("spool/inbox"), withIntermediateDirectories: true)
        let text = """
            [spool]
            dir = "spool"
            [schedule]
            timezone = "Europe/London"
            """
        let config = try ConfigLoader.parse(text, path: root.appendingPathComponent("overdue.toml").path)
        let clock = PreviewAgreementTests.TestClock(Date(timeIntervalSince1970: 1_798_848_000))  // 2027-01-02
        let pipeline = try Pipeline(config: config, clock: OverdueClock { clock.now }, logger: Logger(label: "test"))
        let inbox = pipeline.spool.root.appendingPathComponent("inbox")
        var lines: [String] = []
        for number in 0..<600 {
            lines.append(#"{"invoice": "INV-\#(number)", "customer": {"id": "C\#(number % 200)", "name": "Debtor \#(number % 200)", "#
                + #""email": "ap\#(number % 200)@debtor.example"}, "issued": "2027-01-01", "due": "2027-03-\#(10 + number % 15)", "#
                + #""currency": "EUR", "amount": "100.00"}"#)
        }
        try lines.joined(separator: "\n").write(to: inbox.appendingPathComponent("invoices.jsonl"), atomically: true, encoding: .utf8)
        let first = try pipeline.pass()
        #expect(first.ingest.accepted == 600 && first.debtorsPlanned >= 200)
        clock.now = clock.now.addingTimeInterval(600)
        let idle = try pipeline.pass()
        #expect(idle.debtorsPlanned <= 1, "nothing happened: nobody to plan (\(idle.debtorsPlanned))")
        try #"{"event": "payment", "invoice": "INV-7", "amount": "100.00", "date": "2027-01-01"}"#
            .write(to: inbox.appendingPathComponent("payment.jsonl"), atomically: true, encoding: .utf8)
        clock.now = clock.now.addingTimeInterval(600)
        let paid = try pipeline.pass()
        #expect(paid.ingest.accepted == 1)
        // C7's letter-to-be changed; planned again once per round (a thank-you round may follow).
        #expect((1...2).contains(paid.debtorsPlanned), "\(paid.debtorsPlanned) debtors planned after one payment")
        try pipeline.reload(config)
        clock.now = clock.now.addingTimeInterval(600)
        let reloaded = try pipeline.pass()
        #expect(reloaded.debtorsPlanned >= 200)
        // A reload costs one full pass: the pass after it plans nobody again.
        clock.now = clock.now.addingTimeInterval(600)
        let afterReload = try pipeline.pass()
        #expect(afterReload.debtorsPlanned <= 1, "\(afterReload.debtorsPlanned) debtors planned in the pass after the reload's")
        #expect(reloaded.debtorsPlanned <= 200 + 2, "the reload's pass planned \(reloaded.debtorsPlanned): more than one full plan")
    }
}

/// Found by using the daemon: a reply pause is kept under the invoice's own
/// customer id, which two debtors can share when the directory matched only
/// one of their invoices (by VAT id). A payment from one ends the other's pause too.
@Suite("Incremental planning: a pause shared through the invoice's own customer id")
struct IncrementalSharedPauseTests {
    @Test("a payment by the VAT-matched debtor ends the other debtor's reply pause, and both plans say so")
    func paymentEndsSharedPause() throws {
        let config = try ConfigLoader.parse("""
            [spool]
            dir = "/nonexistent-overdue-shared-pause"
            [schedule]
            timezone = "Europe/London"
            min_gap_days = 3
            reply_pause_days = 3
            [[policy]]
            name = "standard"
            stages = [
              { name = "overdue", offset_days = 1, channels = ["email"] },
              { name = "firm",    offset_days = 8, channels = ["email"] },
            ]
            """, path: "/nonexistent-overdue-shared-pause/overdue.toml")
        let planner = Planner(settings: config.plannerSettings)
        let instant = { (text: String) in ISO8601DateFormatter().date(from: text)! }
        var ledger = Ledger()
        ledger.apply(.customer(CustomerRecord(id: "ACME", name: "Acme Ltd", vatID: "GB123456789")))
        var matched = Customer(id: "X1", name: "Acme Ltd", email: "ap@acme.example", timezone: "Europe/London")
        matched.vatID = "GB123456789"
        let branch = Customer(id: "X1", name: "Acme Branch", email: "branch@acme.example", timezone: "Europe/London")
        for (id, customer, due) in [("A-1", matched, "2026-11-27"), ("X-1", branch, "2026-12-01")] {
            ledger.apply(.invoice(Invoice(id: id, customer: customer, issued: CalendarDate(iso: "2026-11-01")!, due: CalendarDate(iso: due)!,
                                          currency: "GBP", amount: 300, balance: 300)))
        }
        var history = DeliveryHistory()
        var incremental = IncrementalPlanner(planner: planner)
        func step(_ now: Date) -> PlanResult {
            let mine = incremental.plan(ledger: ledger, changes: ledger.takeChanges(), history: history, now: now)
            let full = planner.plan(ledger: ledger, history: history, now: now)
            #expect(IncrementalPlannerTests.difference(mine, full) == nil, "at \(now)")
            for send in full.due { history.record(send.sentMessage(at: now)) }
            return full
        }
        _ = step(instant("2026-11-30T09:00:00Z"))
        ledger.apply(.event(.feedback(FeedbackEvent(kind: .reply, messageID: "<r1@acme.example>", date: CalendarDate(iso: "2026-12-01")!,
                                                    customer: "X1", address: "branch@acme.example"))))
        #expect(step(instant("2026-12-02T10:00:00Z")).due.isEmpty, "both paused by the reply")
        ledger.apply(.event(.payment(invoice: "A-1", amount: 300, date: CalendarDate(iso: "2026-12-02")!, reference: nil)))
        let after = step(instant("2026-12-02T10:00:05Z"))
        #expect(after.due.map(\.recipient).contains("branch@acme.example"), "the branch's pause ended with the payment")
    }
}
