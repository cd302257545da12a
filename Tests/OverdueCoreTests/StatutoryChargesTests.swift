import Foundation
import OverdueCalendar
import Testing
@testable import OverdueCore

/// Statutory charges per country, worked by hand. Interest runs from the day
/// after the due date through the letter's day; a payment lowers it from the
/// day after its date; each day bears the rate of its half-year; the sum is
/// rounded once, half-up to the cent. Amounts × rate × days / 36,500.
@Suite("Statutory charges: the debtor country's law at the rate of each period")
struct StatutoryChargesTests {
    static func day(_ text: String) -> CalendarDate { CalendarDate(iso: text)! }
    static let policy: Policy = {
        var policy = Policy(name: "law", stages: [Stage(name: "final", offsetDays: 15, channels: [.email], template: "final", final: true)])
        policy.statutoryCharges = true
        return policy
    }()

    static func charges(_ country: String, amount: Decimal, currency: String = "EUR", due: String, today: String,
                        payments: [(String, Decimal)] = [], policy: Policy = policy) -> LateCharges {
        var owed: [(from: CalendarDate, amount: Decimal)] = [(day(due), amount)]
        var left = amount
        for (date, paid) in payments {
            left -= paid
            owed.append((day(date), left))
        }
        return LateCharges.compute(policy: policy, stage: "final", amount: left, currency: currency, due: day(due),
                                   today: day(today), basis: ChargeBasis(applies: true, law: StatutoryRules.rule(for: country)),
                                   invoiceAmount: amount, outstanding: owed)
    }

    @Test("DE: 10,000 € due 31 May 2025, 4,000 paid 15 Aug, letter 30 Sep: Basiszinssatz + 9 across 1 July, plus 40 €")
    func germany() {
        let charges = Self.charges("DE", amount: 10_000, due: "2025-05-31", today: "2025-09-30", payments: [("2025-08-15", 4_000)])
        // Basiszinssatz 2.27 from 1 Jan 2025, 1.27 from 1 Jul 2025 (§ 247 BGB) + 9 points (§ 288 Abs. 2 BGB):
        //   1 Jun – 30 Jun:  30 days on 10,000 at 11.27 %: 10,000 × 11.27 × 30 / 36,500 =  92.630137
        //   1 Jul – 15 Aug:  46 days on 10,000 at 10.27 %: 10,000 × 10.27 × 46 / 36,500 = 129.430137
        //  16 Aug – 30 Sep:  46 days on  6,000 at 10.27 %:  6,000 × 10.27 × 46 / 36,500 =  77.658082
        //   sum 109,397.2 / 365 = 299.718356 → 299.72; compensation 40 € (§ 288 Abs. 5 BGB).
        #expect(charges.periods.map(\.from) == ["2025-06-01", "2025-07-01", "2025-08-16"].map(Self.day))
        #expect(charges.periods.map(\.to) == ["2025-06-30", "2025-08-15", "2025-09-30"].map(Self.day))
        #expect(charges.periods.map(\.rate) == [Decimal(string: "11.27")!, Decimal(string: "10.27")!, Decimal(string: "10.27")!])
        #expect(charges.periods.map(\.base) == [10_000, 10_000, 6_000])
        #expect(charges.periods.map(\.days) == [30, 46, 46])
        #expect(charges.interest == Decimal(string: "299.72"))
        #expect(charges.compensation == 40)
        #expect(charges.remarks.isEmpty)
    }

    @Test("FR: 5,000 € due 30 Nov 2024, 2,000 paid 10 Feb 2025, letter 31 Mar: ECB + 10 across 1 January")
    func france() {
        let charges = Self.charges("FR", amount: 5_000, due: "2024-11-30", today: "2025-03-31", payments: [("2025-02-10", 2_000)])
        // ECB MRO in force on 1 Jul 2024: 4.25; on 1 Jan 2025: 3.15 (L441-10 C. com.: + 10 points):
        //   1 Dec – 31 Dec 2024:  31 days on 5,000 at 14.25 %: 5,000 × 14.25 × 31 / 36,500 = 60.513699
        //   1 Jan – 10 Feb 2025:  41 days on 5,000 at 13.15 %: 5,000 × 13.15 × 41 / 36,500 = 73.856164
        //  11 Feb – 31 Mar 2025:  49 days on 3,000 at 13.15 %: 3,000 × 13.15 × 49 / 36,500 = 52.960274
        //   sum 68,375.5 / 365 = 187.330137 → 187.33; compensation 40 € (D441-5).
        #expect(charges.periods.map(\.rate) == [Decimal(string: "14.25")!, Decimal(string: "13.15")!, Decimal(string: "13.15")!])
        #expect(charges.periods.map(\.days) == [31, 41, 49])
        #expect(charges.periods.map(\.base) == [5_000, 5_000, 3_000])
        #expect(charges.interest == Decimal(string: "187.33"))
        #expect(charges.compensation == 40)
    }

    @Test("NL: 2,400 € due 15 May 2024, 1,000 paid 20 Jun, letter 31 Aug: wettelijke handelsrente 12.5 % then 12.25 %")
    func netherlands() {
        let charges = Self.charges("NL", amount: 2_400, due: "2024-05-15", today: "2024-08-31", payments: [("2024-06-20", 1_000)])
        // ECB MRO of the last operation before 1 Jan 2024: 4.50; before 1 Jul 2024: 4.25 (6:120 lid 2 BW: + 8 points):
        //  16 May – 20 Jun:  36 days on 2,400 at 12.50 %: 2,400 × 12.5 × 36 / 36,500 = 29.589041
        //  21 Jun – 30 Jun:  10 days on 1,400 at 12.50 %: 1,400 × 12.5 × 10 / 36,500 =  4.794521
        //   1 Jul – 31 Aug:  62 days on 1,400 at 12.25 %: 1,400 × 12.25 × 62 / 36,500 = 29.131507
        //   sum 23,183 / 365 = 63.515068 → 63.52; compensation 40 € (6:96 lid 4 BW).
        #expect(charges.periods.map(\.rate) == [Decimal(string: "12.5")!, Decimal(string: "12.5")!, Decimal(string: "12.25")!])
        #expect(charges.periods.map(\.days) == [36, 10, 62])
        #expect(charges.interest == Decimal(string: "63.52"))
        #expect(charges.compensation == 40)
    }

    @Test("GB: the fixed sum by the debt's size, at the tier edges", arguments: [
        ("999.99", "40"), ("1000.00", "70"), ("9999.99", "70"), ("10000.00", "100"),
    ])
    func ukTiers(amount: String, sum: String) {
        let charges = Self.charges("GB", amount: Decimal(string: amount)!, currency: "GBP", due: "2024-03-01", today: "2024-03-31")
        #expect(charges.compensation == Decimal(string: sum))
    }

    @Test("GB: one rate for the debt, Bank Rate on the 31 December or 30 June before interest starts, + 8")
    func ukFixedRate() {
        // Interest from 26 Jun 2023 (H1): Bank Rate on 31 Dec 2022 was 3.50 → 11.50 % for the whole debt,
        // though Bank Rate on 30 Jun 2023 was 5.00. 26 Jun – 31 Aug = 5 + 31 + 31 = 67 days:
        //   1,000 × 11.5 × 67 / 36,500 = 7,705 / 365 = 21.109589 → 21.11 £.
        let june = Self.charges("GB", amount: 1_000, currency: "GBP", due: "2023-06-25", today: "2023-08-31")
        #expect(june.periods.count == 1)
        #expect(june.periods.first?.rate == Decimal(string: "11.5"))
        #expect(june.interest == Decimal(string: "21.11"))
        // Due 30 Jun: interest starts 1 Jul, so Bank Rate on 30 Jun 2023 (5.00) governs: 13 %.
        //   1,000 × 13 × 30 / 36,500 = 3,900 / 365 = 10.684932 → 10.68 £.
        let july = Self.charges("GB", amount: 1_000, currency: "GBP", due: "2023-06-30", today: "2023-07-30")
        #expect(july.periods.first?.rate == 13)
        #expect(july.interest == Decimal(string: "10.68"))
    }

    @Test("a law's fixed sum in another currency is not converted: none, and the remark says why")
    func otherCurrency() {
        let charges = Self.charges("GB", amount: 1_000, currency: "EUR", due: "2024-03-01", today: "2024-03-31")
        #expect(charges.compensation == 0)
        #expect(charges.remarks.contains { $0.contains("GBP") && $0.contains("EUR") && $0.contains("not converted") })
        #expect(charges.interest > 0)  // the percentage still applies
        // Poland's sum needs the NBP euro rate, which is not bundled.
        let poland = Self.charges("PL", amount: 10_000, currency: "PLN", due: "2024-09-30", today: "2024-10-30")
        #expect(poland.compensation == 0)
        #expect(poland.remarks.contains { $0.contains("exchange rate") })
    }

    @Test("the table and rules give the half-year rates the laws publish", arguments: [
        // (country, a day, the statutory rate of that half-year). Checked against publications: NL (Rijksoverheid /
        // law firms), AT 2019 and 2023 (8.58, 11.08), PL H2 2024 (15.75), GB H1 2024 (13.25), DE (Bundesbank).
        // BE, IE and IT are the rules applied to the ECB rate (BE rounds 10.15 and 12.25 up to the half point).
        ("NL", "2023-03-01", "10.5"), ("NL", "2023-09-01", "12"), ("NL", "2024-03-01", "12.5"), ("NL", "2024-09-01", "12.25"),
        ("AT", "2023-03-01", "11.08"), ("AT", "2019-05-01", "8.58"), ("PL", "2024-09-01", "15.75"), ("GB", "2024-03-01", "13.25"),
        ("DE", "2022-05-01", "8.12"), ("DE", "2023-02-01", "10.62"), ("BE", "2025-09-01", "10.5"), ("BE", "2024-09-01", "12.5"),
        ("IE", "2025-03-01", "11.15"), ("IT", "2025-09-01", "10.15"),
    ])
    func publishedRates(country: String, on day: String, rate: String) {
        let law = StatutoryRules.rule(for: country)!
        #expect(law.rate(on: Self.day(day), interestStart: Self.day(day), rates: .bundled).rate == Decimal(string: rate))
    }

    @Test("US, CH and IN have no bundled rule: charges = \"statutory\" charges nothing there", arguments: ["US", "CH", "IN"])
    func noRule(country: String) {
        #expect(StatutoryRules.rule(for: country) == nil)
        let charges = Self.charges(country, amount: 1_000, currency: "USD", due: "2024-03-01", today: "2024-06-30")
        #expect(charges.interest == 0 && charges.compensation == 0 && charges.periods.isEmpty)
    }

    @Test("a half-year whose reference rate the table does not know yet: no interest for it, and a remark naming the date")
    func unknownRate() {
        // de-basiszins is known to 30 Jun 2026. 16–30 Jun 2026: 15 days on 1,000 at 1.27 + 9 = 10.27 %:
        //   1,000 × 10.27 × 15 / 36,500 = 154,050 / 36,500 = 4.220548 → 4.22; nothing from 1 July.
        let charges = Self.charges("DE", amount: 1_000, due: "2026-06-15", today: "2026-08-15")
        #expect(charges.interest == Decimal(string: "4.22"))
        #expect(charges.periods.map(\.to) == [Self.day("2026-06-30")])
        #expect(charges.remarks.contains { $0.contains("2026-07-01") && $0.contains("reference_rates") })
    }

    @Test("interest_rate and compensation on the policy override the law's; without charges = \"statutory\" nothing changes")
    func precedence() {
        var policy = Self.policy
        policy.interestRatePercent = 10
        // One rate all along: 1 Jun – 30 Sep 2025 = 122 days: 1,000 × 10 × 122 / 36,500 = 33.424658 → 33.42.
        let flat = Self.charges("DE", amount: 1_000, due: "2025-05-31", today: "2025-09-30", policy: policy)
        #expect(flat.interest == Decimal(string: "33.42"))
        #expect(flat.compensation == 40)  // the law's, as the policy sets none
        policy.compensation = 25
        #expect(Self.charges("DE", amount: 1_000, due: "2025-05-31", today: "2025-09-30", policy: policy).compensation == 25)
    }
}

/// The planner's choice of law: country, applies_to, consumers.
@Suite("Statutory charges: which debtor gets which law")
struct StatutoryBasisTests {
    static func debtor(country: String?, consumer: Bool = false) -> (Ledger, Invoice) {
        let invoice = Invoice(id: "INV-1", customer: Customer(id: "c1", name: "C1", email: "ap@c1.example", country: country),
                              issued: CalendarDate(iso: "2025-04-01")!, due: CalendarDate(iso: "2025-05-01")!, currency: "EUR",
                              amount: 1_000, balance: 1_000)
        var ledger = Fixture.ledger(.invoice(invoice))
        if consumer { _ = ledger.apply(.customer(CustomerRecord(id: "c1", consumer: true))) }
        return (ledger, invoice)
    }

    @Test("a consumer on the customer record gets no statutory charges; a business in the same country does")
    func consumer() {
        let planner = Fixture.planner(policies: [StatutoryChargesTests.policy])
        let (business, invoice) = Self.debtor(country: "DE")
        let basis = planner.statutoryRule(StatutoryChargesTests.policy, business.directory.effective(for: invoice))
        #expect(basis.applies && basis.law?.country == "DE")
        let (private_, _) = Self.debtor(country: "DE", consumer: true)
        let none = planner.statutoryRule(StatutoryChargesTests.policy, private_.directory.effective(for: invoice))
        #expect(!none.applies && none.law == nil)
        #expect(none.rule?.contains("consumer") == true)
        let charges = LateCharges.compute(policy: StatutoryChargesTests.policy, stage: "final", amount: 1_000, currency: "EUR",
                                          due: invoice.due, today: CalendarDate(iso: "2025-06-30")!, basis: none)
        #expect(charges.isEmpty)
    }

    @Test("\"consumer\": true on a customer record is read, and written back to the journal the same")
    func consumerRecord() throws {
        let object: [String: JSONValue] = ["record": .string("customer"), "id": .string("c1"), "consumer": .bool(true)]
        guard case .accepted(.customer(let record)) = RecordDecoder().decode(object) else {
            Issue.record("refused")
            return
        }
        #expect(record.consumer)
        #expect(RecordEncoder.object(record)["consumer"] == .bool(true))
        guard case .accepted(.customer(let again)) = RecordDecoder().decode(RecordEncoder.object(record)) else {
            Issue.record("the journal's copy was refused")
            return
        }
        #expect(again == record)
        guard case .rejected = RecordDecoder().decode(object.merging(["consumer": .string("perhaps")]) { $1 }) else {
            Issue.record("a consumer flag that is not true or false was taken")
            return
        }
    }

    @Test("applies_to still limits the law; a country outside it gets none", arguments: [("FR", true), ("GB", false)])
    func appliesTo(country: String, applies: Bool) {
        var policy = StatutoryChargesTests.policy
        policy.statutoryCountries = Policy.euCountries
        let planner = Fixture.planner(policies: [policy])
        let (ledger, invoice) = Self.debtor(country: country)
        let basis = planner.statutoryRule(policy, ledger.directory.effective(for: invoice))
        #expect(basis.applies == applies)
        #expect((basis.law != nil) == applies)
    }

    @Test("US: the rule names the missing law, and only the policy's own rate would apply")
    func unitedStates() {
        let planner = Fixture.planner(policies: [StatutoryChargesTests.policy])
        let (ledger, invoice) = Self.debtor(country: "US")
        let basis = planner.statutoryRule(StatutoryChargesTests.policy, ledger.directory.effective(for: invoice))
        #expect(basis.applies && basis.law == nil)
        #expect(basis.rule?.contains("no statutory rule bundled for US") == true)
    }

    @Test("the interest lines a letter lists add up to its interest line (found: 5.06 + 3.30 listed under 8.35)")
    func periodLinesAddUp() {
        func period(_ interest: String) -> InterestPeriod {
            InterestPeriod(from: CalendarDate(iso: "2027-01-01")!, to: CalendarDate(iso: "2027-01-31")!, rate: 10, base: 100,
                           interest: Decimal(string: interest)!)
        }
        var charges = LateCharges()
        // 5.055 + 3.295 = 8.350: each rounds up alone (5.06 + 3.30 = 8.36), the total is 8.35.
        charges.periods = [period("5.055"), period("3.2950")]
        charges.interest = Decimal(string: "8.35")!
        let amounts = charges.periodAmounts(minorUnits: 2)
        #expect(amounts.reduce(0, +) == charges.interest)
        #expect(amounts == [Decimal(string: "5.05")!, Decimal(string: "3.30")!] || amounts == [Decimal(string: "5.06")!, Decimal(string: "3.29")!])
        // Random periods: always the total, each line within a cent of its exact value.
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            charges.periods = (0..<Int.random(in: 1...6, using: &generator)).map { _ in
                period("\(Int.random(in: 0...999_999, using: &generator))e-4")
            }
            var raw = charges.periods.reduce(Decimal(0)) { $0 + $1.interest }, total = Decimal()
            NSDecimalRound(&total, &raw, 2, .plain)
            charges.interest = total
            let lines = charges.periodAmounts(minorUnits: 2)
            #expect(lines.reduce(0, +) == total)
            for (line, period) in zip(lines, charges.periods) {
                #expect(abs(line - period.interest) < Decimal(string: "0.01")!)
            }
        }
    }
}
