import Foundation
import Logging
import OverdueCalendar
import OverdueConfig
import OverdueCore
import OverdueDelivery
import OverdueRender
import PropertyBased
import Testing
import TestSupport

/// The ladder's invariants on random debtors: 1-8 invoices with random due
/// dates, installments, late files, partial and full payments, disputes and
/// promises (`DebtorCase`), the daemon's loop (plan, send what is due,
/// record it, plan again at the next wake-up or inbox event) run for 180
/// days. Every letter is built into the bytes the daemon would send. A
/// failing debtor is shrunk (swift-property-based) to the smallest one that
/// still fails, printed with the seed that replays it (`.fixedSeed(...)`
/// on the test).
@Suite("Ladder invariants over random debtors (property test)")
struct LadderPropertyTests {
    static let debtors = 2_000
    static let start = Date(timeIntervalSince1970: Double(CalendarDate(iso: "2027-01-04")!.daysSinceEpoch) * 86_400)
    static let days = 180
    static let gap = 3
    /// The policy's terms both random-debtor tests use: EU statutory charges
    /// and a consequence in every language.
    static let policyTerms = """
        name = "standard"
        interest_rate = "12.15"
        compensation = "40"
        applies_to = ["EU"]
        consequence = { en = "we will pass the matter to our collection agency", de = "übergeben wir die Forderung einem Inkassobüro", fr = "nous transmettrons le dossier à notre agence de recouvrement", es = "cederemos el expediente a nuestra agencia de recobro", it = "affideremo la pratica alla nostra società di recupero crediti", nl = "dragen wij de vordering over aan ons incassobureau", pl = "przekażemy sprawę firmie windykacyjnej", pt = "entregaremos o processo à nossa empresa de cobranças" }
        """
    static let zones = ["Europe/London", "Europe/Berlin", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Europe/Dublin"]

    /// The configuration of the random-debtor tests (and the planner's settings with every channel on).
    static func config() throws -> (config: Config, settings: PlannerSettings) {
        let config = try ConfigLoader.parse("""
            [spool]
            dir = "/nonexistent-overdue-property-spool"
            [brand]
            name = "Northwind Supplies Ltd"
            from = "Northwind Accounts <accounts@northwind.example>"
            [schedule]
            timezone = "Europe/London"
            holidays = ["2027-04-02", "2027-04-05", "2027-05-03", "2027-05-31"]
            min_gap_days = \(Self.gap)
            [[policy]]
            \(LadderPropertyTests.policyTerms)
            stages = [
              { name = "courtesy", offset_days = -3, channels = ["email"] },
              { name = "overdue",  offset_days = 1,  channels = ["email"] },
              { name = "firm",     offset_days = 8,  channels = ["email", "sms"], fee = "10.00" },
              { name = "final",    offset_days = 15, channels = ["email", "webhook"], final = true },
            ]
            """, path: "/nonexistent-overdue-property/overdue.toml")
        var settings = config.plannerSettings
        settings.enabledChannels = [.email, .sms, .webhook]
        settings.webhookEndpoint = "https://crm.example/hooks/overdue"
        return (config, settings)
    }

    static func planner() throws -> Planner { Planner(settings: try config().settings) }

    @Test("2,000 random debtors over 180 days: every invariant holds on the sent log and the message bytes")
    func randomDebtors() async throws {
        let (config, settings) = try Self.config()
        let planner = Planner(settings: settings)
        let builder = MessageBuilder(config: config, templates: try TemplateSet(userDirectory: nil), calendars: planner.calendars,
                                     logger: Logger(label: "property"), channels: [.email, .sms, .webhook], documents: nil, signer: nil)
        var checks = Invariants()
        await propertyCheck(count: Self.debtors, input: DebtorCase.generator()) { scenario in
            var own = Invariants()
            simulate(RandomDebtor(scenario), planner: planner, builder: builder, checks: &own)
            checks.add(own)
        }
        print("ladder property test: \(checks.debtors) debtors, \(checks.letters) letters, \(checks.items) demanded items, "
            + "\(checks.plans) plan calls; invariants checked:")
        for (name, count) in checks.counts.sorted(by: { $0.key < $1.key }) { print("  \(name): \(count) checks") }
        // How much was tested, after a full run without a failure (not after a replay of one seed).
        guard checks.debtors == Self.debtors, checks.failed == 0 else { return }
        #expect(checks.letters > Self.debtors * 3, "the random debtors got too few letters to test anything")
        #expect(checks.counts["final is preceded by a notice at least min_gap_days old", default: 0] > 500)
        #expect(checks.counts["only units not yet due are listed apart, never demanded", default: 0] > 500)
    }

    /// The daemon's loop for one debtor: the inbox applies what has arrived
    /// by `now`, the planner says what is due, it is built and recorded;
    /// then on to the next wake-up or the next inbox drop.
    func simulate(_ debtor: RandomDebtor, planner: Planner, builder: MessageBuilder, checks: inout Invariants) {
        var ledger = Ledger()
        var history = DeliveryHistory()
        var pending = debtor.drops
        let end = Self.start.addingTimeInterval(Double(Self.days) * 86_400)
        var now = Self.start
        var sent: [PlannedSend] = []
        let calendar = planner.calendars.calendar(for: debtor.zone)
        for _ in 0..<5_000 {
            while let drop = pending.first, drop.time <= now {
                ledger.apply(drop.record)
                pending.removeFirst()
            }
            var rounds = 0
            while rounds < 6 {
                rounds += 1
                checks.plans += 1
                let result = planner.plan(ledger: ledger, history: history, now: now)
                guard !result.due.isEmpty || !result.skipped.isEmpty else { break }
                for send in result.due {
                    checks.check(send, ledger: ledger, history: history, earlier: sent, calendar: calendar, debtor: debtor,
                                 policy: planner.settings.policies[0])
                    var fields: [String: JSONValue] = [:]
                    do {
                        let built = try builder.build(send, ledger: ledger, history: history, now: now, fields: &fields)
                        checks.checkBytes(send, built: built, debtor: debtor)
                    } catch {
                        checks.fail(debtor, "\(send.stage) on \(send.channel.rawValue) did not build: \(error)")
                    }
                    history.record(send.sentMessage(at: now))
                    sent.append(send)
                }
                for send in result.skipped { history.record(send.sentMessage(at: now), reached: false) }
            }
            let next = [planner.plan(ledger: ledger, history: history, now: now).nextWake, pending.first?.time]
                .compactMap { $0 }.filter { $0 > now }.min()
            guard let next, next < end else { return }
            now = next
        }
        checks.fail(debtor, "the loop did not finish in 5,000 wake-ups")
    }
}

/// What the test checks, and how often each check ran.
struct Invariants {
    var counts: [String: Int] = [:]
    var failures: [String] = []
    var letters = 0
    var items = 0
    var plans = 0
    /// Over a run (`add`): the debtors simulated, and how many of them failed.
    var debtors = 0
    var failed = 0

    mutating func fail(_ debtor: RandomDebtor, _ message: String) {
        failures.append("\(debtor.zone): \(message.prefix(400))")
    }

    /// One debtor's checks, added to the run's; its failures are the property check's
    /// (each check that failed, and how often, then the first few).
    mutating func add(_ debtor: Invariants, sourceLocation: SourceLocation = #_sourceLocation) {
        counts.merge(debtor.counts, uniquingKeysWith: +)
        (letters, items, plans, debtors) = (letters + debtor.letters, items + debtor.items, plans + debtor.plans, self.debtors + 1)
        guard !debtor.failures.isEmpty else { return }
        failed += 1
        var byCheck: [String: Int] = [:]
        for failure in debtor.failures { byCheck[failure.split(separator: ":")[1].trimmingCharacters(in: .whitespaces), default: 0] += 1 }
        Issue.record("\(byCheck) — first ones:\n\(debtor.failures.prefix(8).joined(separator: "\n"))", sourceLocation: sourceLocation)
    }

    mutating func expect(_ condition: Bool, _ name: String, _ debtor: RandomDebtor, _ detail: @autoclosure () -> String) {
        counts[name, default: 0] += 1
        if !condition { fail(debtor, "\(name): \(detail())") }
    }

    mutating func check(_ send: PlannedSend, ledger: Ledger, history: DeliveryHistory, earlier: [PlannedSend],
                        calendar: BusinessCalendar, debtor: RandomDebtor, policy: Policy) {
        letters += 1
        items += send.items.count
        let today = calendar.localDay(send.time)
        let rank = Dictionary(uniqueKeysWithValues: policy.stages.enumerated().map { ($1.name, $0) })
        let stage = policy.stages[rank[send.stage]!]
        expect(calendar.isOpen(send.time), "sent inside business hours on a business day, debtor-local", debtor, "\(send.time)")
        for item in send.items {
            let unit = item.item.unitID
            expect(item.item.stage == send.stage, "a letter demands only items at its own stage", debtor,
                   "\(unit) at \(item.item.stage) in a \(send.stage) letter")
            expect(item.due.adding(days: stage.offsetDays) <= today, "a demanded item has reached the letter's stage itself", debtor,
                   "\(unit) due \(item.due) in a \(send.stage) letter on \(today)")
            if stage.offsetDays < 0 {
                expect(today < item.due, "no pre-due note on or after the due date", debtor, "\(unit) due \(item.due), sent \(today)")
            }
            let before = earlier.filter { $0.items.contains { $0.item.unitID == unit } }
            let previous = before.flatMap { letter in
                letter.items.filter { $0.item.unitID == unit }.map { (rank[$0.item.stage]!, letter.channel, letter.time) }
            }
            let position = rank[send.stage]!
            expect(previous.allSatisfy { $0.0 < position || ($0.0 == position && $0.1 != send.channel) },
                   "an item never goes back down a stage nor gets a stage twice on a channel", debtor,
                   "\(unit): \(previous.map { policy.stages[$0.0].name + "/" + $0.1.rawValue }) then \(send.stage)/\(send.channel.rawValue)")
            if stage.final {
                let notice = previous.filter { !policy.stages[$0.0].final && policy.stages[$0.0].offsetDays > 0 }
                    .map { calendar.localDay($0.2) }.max()
                expect(notice.map { $0.days(until: today) >= LadderPropertyTests.gap } ?? false,
                       "final is preceded by a notice at least min_gap_days old", debtor,
                       "\(unit): final on \(today), last notice \(notice.map(\.description) ?? "none")")
            }
            guard let entry = ledger[item.item.invoice] else {
                fail(debtor, "\(unit) is not in the ledger")
                continue
            }
            let paused = entry.disputed || entry.promisedUntil.map { today <= $0 } ?? false
            expect(entry.balance > 0 && !entry.cancelled && !paused, "never after payment, cancellation, dispute or promise",
                   debtor, "\(unit) demanded while balance \(entry.balance), disputed \(entry.disputed), promised \(String(describing: entry.promisedUntil))")
            expect(item.amount > 0 && item.amount <= entry.balance, "the demanded amount is open and at most the balance", debtor,
                   "\(unit): \(item.amount) of balance \(entry.balance)")
        }
        // Every other overdue unit is demanded too, at its own stage, without climbing.
        let ownStage = Set(send.items.map(\.item.unitID))
        for other in send.otherOverdue {
            let entry = ledger[other.item.invoice]
            let paused = entry.map { $0.disputed || $0.promisedUntil.map { today <= $0 } ?? false } ?? true
            expect(other.daysOverdue > 0 && !ownStage.contains(other.item.unitID) && !paused && other.amount > 0 && other.amount <= entry?.balance ?? 0,
                   "another overdue unit is demanded at its own stage, open and not paused", debtor,
                   "\(other.item.unitID) at \(other.item.stage), \(other.daysOverdue) days, in a \(send.stage) letter")
        }
        // One set of figures.
        for total in send.totals {
            let mine = send.demanded.filter { $0.currency == total.currency }
            expect(total.totalDue == mine.reduce(0) { $0 + $1.totalDue } && total.amount == mine.reduce(0) { $0 + $1.amount },
                   "the letter's total is the sum of its items", debtor, "\(total)")
        }
        let demanded = Set(send.demanded.map(\.item.unitID))
        expect(send.alsoOpen.allSatisfy { !demanded.contains($0.item.unitID) && $0.daysOverdue <= 0 },
               "only units not yet due are listed apart, never demanded", debtor,
               "\(send.alsoOpen.map(\.item.unitID)) vs \(demanded)")
        // Statutory charges only where the law applies (applies_to = EU).
        let eu = ["Europe/Berlin", "Europe/Paris", "Europe/Dublin"].contains(debtor.zone)
        expect(eu || send.demanded.allSatisfy { $0.charges.interest == 0 && $0.charges.compensation == 0 },
               "statutory charges only inside applies_to", debtor, "\(debtor.zone): \(send.demanded.map(\.charges))")
        if stage.final || stage.offsetDays > 0 {
            let deadline = send.deadline
            expect(deadline.map { calendar.isBusinessDay($0) && $0 >= today.adding(days: policy.finalDeadlineDays) } ?? false,
                   "a stated payment deadline is a business day", debtor, "\(String(describing: deadline))")
        }
        // The history a letter cites: the messages sent about what it demands, once each.
        let cited = history.contacts(about: send.items.map(\.item.unitID))
        let expected = Set(earlier.filter { letter in
            (letter.channel == .email || letter.channel == .sms) && letter.items.contains { ownStage.contains($0.item.unitID) }
        }.map(\.key))
        expect(cited.count == Set(cited.map(\.key)).count && Set(cited.map(\.key)) == expected,
               "a letter cites each earlier message about its items once", debtor, "\(cited.map(\.key)) vs \(expected)")
        // Gaps: the previous contact on this channel is min_gap_days old.
        if let last = earlier.last(where: { $0.channel == send.channel }) {
            expect(calendar.localDay(last.time).days(until: today) >= LadderPropertyTests.gap,
                   "two contacts on a channel are min_gap_days apart", debtor, "\(last.time) then \(send.time)")
        }
    }

    /// What the debtor reads agrees with the plan: each demanded invoice is
    /// named and the total now due is stated, with no template left over.
    mutating func checkBytes(_ send: PlannedSend, built: MessageBuilder.Built, debtor: RandomDebtor) {
        let text: String
        switch send.channel {
        case .email: text = built.content.text ?? ""
        case .webhook: text = built.content.webhook ?? ""
        default: return
        }
        expect(!built.bytes.isEmpty && !text.contains("{{"), "the message renders completely", debtor, text)
        for invoice in Set(send.demanded.map(\.item.invoice)) {
            expect(text.contains(invoice), "the message names every demanded invoice", debtor, "\(invoice) missing from\n\(text)")
        }
        guard send.channel == .email, let total = send.totals.first, send.totals.count == 1 else { return }
        let digits = Money.format(total.totalDue, minorUnits: Currency.minorUnits(total.currency)).filter(\.isNumber)
        expect(Self.amounts(in: text).contains(digits), "the message states the letter's total now due", debtor,
               "\(total.totalDue) not in\n\(text)")
    }

    /// The digit strings of the amounts in a text ("1.234,56 €" → "123456").
    static func amounts(in text: String) -> Set<String> {
        var found = Set<String>()
        var current = ""
        var separators = ""
        for character in text {
            if character.isNumber {
                current.append(character)
                separators = ""
            } else if !current.isEmpty, [".", ",", "\u{A0}", "\u{202F}", " ", "'"].contains(character), separators.isEmpty {
                separators.append(character)
            } else {
                if !current.isEmpty { found.insert(current) }
                current = ""
                separators = ""
            }
        }
        if !current.isEmpty { found.insert(current) }
        return found
    }
}
