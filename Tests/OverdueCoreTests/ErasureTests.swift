import Foundation
import OverdueCalendar
import Testing
@testable import OverdueCore

/// The pure half of `overdue forget`: which values an erasure looks for,
/// and how text is scrubbed without taking invoice numbers or another
/// customer's data with it.
@Suite("Erasure")
struct ErasureTests {
    static func ledger() -> Ledger {
        var ledger = Ledger()
        let acme = Customer(id: "acme", name: "Acme GmbH", email: "ap@acme.example", phone: "+4915112345678", contact: "Jane Doe")
        let other = Customer(id: "other", name: "Other Ltd", email: "shared@example.com")
        let day = CalendarDate(iso: "2026-12-01")!
        _ = ledger.apply(.invoice(Invoice(id: "INV-acme-1", customer: acme, issued: day, due: day, currency: "EUR", amount: 100, balance: 100)))
        _ = ledger.apply(.invoice(Invoice(id: "INV-2", customer: other, issued: day, due: day, currency: "EUR", amount: 50, balance: 0)))
        _ = ledger.apply(.customer(CustomerRecord(id: "acme", cc: ["shared@example.com"], note: "call Jane before noon")))
        _ = ledger.apply(.event(.dispute(invoice: "INV-acme-1", date: day, reason: "goods damaged")))
        return ledger
    }

    @Test("the plan finds the customer's invoices, values and chased invoices, and leaves what another customer shares")
    func plan() throws {
        let erasure = try #require(Erasure.plan(customer: "acme", ledger: Self.ledger(), tombstone: "forgotten-000000000001",
                                                day: CalendarDate(iso: "2026-12-06")!))
        #expect(erasure.invoices == ["INV-acme-1"])
        #expect(erasure.chased == ["INV-acme-1"])
        #expect(erasure.searchedValues.contains("Jane Doe") && erasure.searchedValues.contains("goods damaged"))
        #expect(erasure.searchedValues.contains("call Jane before noon"))
        // Other Ltd's address is theirs too: not erased.
        #expect(!erasure.searchedValues.contains("shared@example.com") && !erasure.isForgotten(address: "shared@example.com"))
        #expect(Erasure.plan(customer: "nobody", ledger: Self.ledger(), tombstone: "x", day: CalendarDate(iso: "2026-12-06")!) == nil)
    }

    @Test("text: any case, XML and JSON forms, phone numbers in any spacing, ids only as whole fields, invoice numbers kept")
    func scrub() throws {
        let erasure = try #require(Erasure.plan(customer: "acme", ledger: Self.ledger(), tombstone: "forgotten-000000000001",
                                                day: CalendarDate(iso: "2026-12-06")!))
        let scrubber = erasure.scrubber
        let csv = "INV-acme-1,acme,Acme GmbH,AP@Acme.Example,+49 151 1234-5678\n"
        #expect(scrubber.scrub(csv) == "INV-acme-1,forgotten-000000000001,forgotten-000000000001,forgotten-000000000001,forgotten-000000000001\n")
        #expect(scrubber.scrub("<Name>Jane Doe</Name> said: goods damaged") == "<Name>forgotten-000000000001</Name> said: [forgotten 2026-12-06]")
        // A longer number is another phone; another customer's line is left as it was.
        #expect(scrubber.scrub(Array("+491511234567899 Other Ltd shared@example.com".utf8)) == nil)
        let line = erasure.scrubLine(["customer": .string("acme"), "invoices": .array([.string("INV-acme-1")]),
                                      "reason": .string("pays late, says Jane Doe"), "recipient": .string("ap@acme.example")],
                                     with: scrubber)
        #expect(line == ["customer": .string("forgotten-000000000001"), "invoices": .array([.string("INV-acme-1")]),
                         "reason": .string("[forgotten 2026-12-06]"), "recipient": .string("forgotten-000000000001")])
        // An opt-out of a forgotten address is dropped; the customer record becomes the excluded tombstone.
        #expect(erasure.scrubRecord(["event": .string("optout"), "address": .string("ap@acme.example")], with: scrubber) == nil)
        let record = erasure.scrubRecord(["record": .string("customer"), "id": .string("acme"), "note": .string("x")], with: scrubber)
        #expect(record?["exclude"] == .bool(true) && record?["id"] == .string("forgotten-000000000001"))
    }
}
