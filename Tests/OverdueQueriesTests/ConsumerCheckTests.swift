import Foundation
import OverdueCalendar
import OverdueConfig
import OverdueCore
import OverdueQueries
import Testing

@Suite("check: statutory charges (a consumer under a charging policy, the rate table's end)")
struct ConsumerCheckTests {
    static let config = """
        [[policy]]
        name = "law"
        charges = "statutory"
        compensation = "40.00"
        stages = [{ name = "firm", offset_days = 8, channels = ["email"], fee = "10.00" }]

        [[policy]]
        name = "gentle"
        stages = [{ name = "firm", offset_days = 8, channels = ["email"] }]
        """

    static func ledger(consumer: Bool, policy: String? = nil) -> Ledger {
        var ledger = Ledger()
        let invoice = Invoice(id: "INV-1", customer: Customer(id: "c1", name: "C1", email: "c1@example.com", country: "DE"),
                              issued: CalendarDate(iso: "2026-10-01")!, due: CalendarDate(iso: "2026-11-01")!, currency: "EUR",
                              amount: 100, balance: 100)
        _ = ledger.apply(.invoice(invoice))
        // A record read from the inbox, as the directory gets it.
        let object: [String: JSONValue] = ["record": .string("customer"), "id": .string("c1"), "consumer": .bool(consumer),
                                           "policy": policy.map(JSONValue.string) ?? .null]
        guard case .accepted(let record) = RecordDecoder().decode(object) else { Issue.record("record refused"); return ledger }
        _ = ledger.apply(record)
        return ledger
    }

    @Test("a consumer under a charging policy: the statutory charges are named as left out, the stage fee as a warning")
    func warns() throws {
        let config = try ConfigLoader.parse(Self.config, path: "/tmp/overdue.toml")
        let notes = ConfigCheck.consumerNotes(config, ledger: Self.ledger(consumer: true))
        #expect(notes.count == 2, "\(notes)")
        #expect(notes.contains { $0.contains("customer c1 is a consumer") && $0.contains("charges = \"statutory\"")
            && $0.contains("compensation = 40") })
        #expect(notes.contains { $0.hasPrefix("warning: customer c1") && $0.contains("firm: 10") })
    }

    @Test("a business, or a consumer on a policy without charges, gives no note", arguments: [(false, nil), (true, "gentle")] as [(Bool, String?)])
    func quiet(consumer: Bool, policy: String?) throws {
        let config = try ConfigLoader.parse(Self.config, path: "/tmp/overdue.toml")
        #expect(ConfigCheck.consumerNotes(config, ledger: Self.ledger(consumer: consumer, policy: policy)).isEmpty)
    }

    @Test("check warns when the rate table ends before the half-year of today, per series and country")
    func rateTable() throws {
        let policy = """
            [[policy]]
            name = "law"
            charges = "statutory"
            applies_to = ["DE", "GB", "US"]
            stages = [{ name = "firm", offset_days = 8, channels = ["email"] }]
            """
        let config = try ConfigLoader.parse(policy, path: "/tmp/overdue.toml")
        // 6 Dec 2026: DE needs the Basiszinssatz of 1 Jul 2026 (table known to 30 Jun), GB Bank Rate on 30 Jun 2026
        // (known to 5 Feb); the US has no rule.
        let december = ConfigCheck.rateTableNotes(config, today: CalendarDate(iso: "2026-12-06")!)
        #expect(december.count == 2, "\(december)")
        #expect(december.contains { $0.contains("boe-bank-rate is known to 2026-02-05") && $0.contains("in GB") && $0.contains("2026-06-30") })
        #expect(december.contains { $0.contains("de-basiszins") && $0.contains("in DE") && $0.contains("2026-07-01") })
        // In March 2026 both half-year rates are in the table.
        #expect(ConfigCheck.rateTableNotes(config, today: CalendarDate(iso: "2026-03-01")!).isEmpty)
        // A policy with its own interest_rate needs no table.
        let own = try ConfigLoader.parse(policy + "\ninterest_rate = \"9\"\n", path: "/tmp/overdue.toml")
        #expect(ConfigCheck.rateTableNotes(own, today: CalendarDate(iso: "2026-12-06")!).isEmpty)
    }
}
