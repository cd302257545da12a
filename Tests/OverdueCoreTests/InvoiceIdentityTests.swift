import Foundation
import OverdueCalendar
import OverdueCore
import Testing

@Suite("One number, one invoice: another customer's number, a number twice in a file, what a re-drop changes")
struct InvoiceIdentityTests {
    let day = CalendarDate(iso: "2026-12-10")!

    func invoice(_ id: String = "S-501", customer: String = "acme", name: String = "Acme GmbH", amount: Decimal = 1200,
                 due: String = "2026-12-01") -> Invoice {
        Invoice(id: id, customer: Customer(id: customer, name: name, email: "ap@\(customer).example"),
                issued: CalendarDate(iso: "2026-11-01")!, due: CalendarDate(iso: due)!, currency: "EUR", amount: amount, balance: amount)
    }

    static func row(_ id: String, customer: String, amount: String) -> String {
        #"{"invoice": "\#(id)", "customer": {"id": "\#(customer)", "name": "N", "email": "ap@\#(customer).example"}, "issued": "2026-11-01", "due": "2026-12-01", "currency": "EUR", "amount": "\#(amount)"}"#
    }

    func records(_ lines: [String]) throws -> [ParsedRecord] {
        guard case .records(_, _, let records) = InboxFileParser().parse(Array(lines.joined(separator: "\n").utf8), fileName: "f.jsonl") else {
            throw FieldProblem(field: "file", reason: "unreadable")
        }
        return records
    }

    @Test("a number the ledger has for another customer is refused, naming that customer and the way out")
    func anotherCustomer() throws {
        var ledger = Ledger()
        ledger.apply(.invoice(invoice()))
        let problem = try #require(ledger.identityProblem(.invoice(invoice(customer: "beta", name: "Beta AG", amount: 900))))
        #expect(problem.field == "invoice")
        #expect(problem.reason.contains(#"invoice "S-501" already belongs to customer "acme" (Acme GmbH)"#), "\(problem)")
        #expect(problem.reason.contains(#"{"event": "cancel", "invoice": "S-501"}"#), "\(problem)")
        // The same customer's number is an update; a new number is new.
        #expect(ledger.identityProblem(.invoice(invoice(amount: 1500))) == nil)
        #expect(ledger.identityProblem(.invoice(invoice("S-502", customer: "beta"))) == nil)
        #expect(ledger.identityProblem(.event(.payment(invoice: "S-501", amount: 1, date: day, reference: nil))) == nil)
    }

    @Test("a cancelled or paid invoice keeps its number: refused for another customer, saying which it is")
    func cancelledOrPaid() throws {
        var ledger = Ledger()
        ledger.apply(.invoice(invoice()))
        ledger.apply(.invoice(invoice("S-600")))
        ledger.apply(.event(.cancel(invoice: "S-501", date: nil, reason: nil)))
        ledger.apply(.event(.payment(invoice: "S-600", amount: 1200, date: day, reference: nil)))
        let cancelled = try #require(ledger.identityProblem(.invoice(invoice(customer: "beta"))))
        #expect(cancelled.reason.contains("was cancelled") && cancelled.reason.contains("new number"), "\(cancelled)")
        #expect(!cancelled.reason.contains(#""event": "cancel""#), "\(cancelled)")
        let paid = try #require(ledger.identityProblem(.invoice(invoice("S-600", customer: "beta"))))
        #expect(paid.reason.contains(#"already belongs to customer "acme" (Acme GmbH), paid"#), "\(paid)")
    }

    @Test("a number on two rows of one file with different fields: both rows refused, naming both lines and the fields")
    func twiceInOneFile() throws {
        let rows = try records([Self.row("S-501", customer: "acme", amount: "1200.00"), Self.row("S-9", customer: "acme", amount: "5.00"),
                                Self.row("S-501", customer: "beta", amount: "900.00")])
        let numbers = InvoiceNumbersInFile(rows)
        let first = try #require(numbers.conflict(at: 0))
        #expect(numbers.conflict(at: 2) == first)
        #expect(numbers.conflict(at: 1) == nil)
        #expect(first.reason.contains(#"invoice "S-501" is on line 1 and line 3 of this file"#), "\(first)")
        #expect(first.reason.contains("different amount, balance, customer.email, customer.id"), "\(first)")
        #expect(numbers.earlierRow(repeatedAt: 2) == nil)
    }

    @Test("a row repeating an earlier one field for field is a repeat, not a conflict (however its amount is written)")
    func repeatedRow() throws {
        let rows = try records([Self.row("S-501", customer: "acme", amount: "1200.00"), Self.row("S-501", customer: "acme", amount: "1200")])
        let numbers = InvoiceNumbersInFile(rows)
        #expect(numbers.conflict(at: 0) == nil && numbers.conflict(at: 1) == nil)
        #expect(numbers.earlierRow(repeatedAt: 1) == 0)
        #expect(numbers.earlierRow(repeatedAt: 0) == nil)
    }

    @Test("what a re-drop changes: its fields, and the balance from what is owed after the payments since")
    func changes() throws {
        var ledger = Ledger()
        ledger.apply(.invoice(invoice()))
        ledger.apply(.event(.payment(invoice: "S-501", amount: 200, date: day, reference: nil)))
        let entry = try #require(ledger["S-501"])
        #expect(InvoiceFieldChange.list(replacing: entry, with: invoice()).map(\.description) == ["balance 1000.00 → 1200.00"])
        let changed = InvoiceFieldChange.list(replacing: entry, with: invoice(name: "Acme SE", amount: 1500, due: "2026-12-15"))
        #expect(changed.map(\.description) == ["amount 1200.00 → 1500.00", "balance 1000.00 → 1500.00", "customer.name Acme GmbH → Acme SE",
                                               "due 2026-12-01 → 2026-12-15"])
        var withPlan = invoice()
        withPlan.installments = [Installment(due: CalendarDate(iso: "2026-12-01")!, amount: 600), Installment(due: CalendarDate(iso: "2027-01-01")!, amount: 600)]
        withPlan.paymentURL = "https://pay.example/S-501"
        #expect(InvoiceFieldChange.list(from: invoice(), to: withPlan) == [
            InvoiceFieldChange(field: "installments", old: nil, new: "2026-12-01=600.00;2027-01-01=600.00"),
            InvoiceFieldChange(field: "payment_url", old: nil, new: "https://pay.example/S-501"),
        ])
        #expect(InvoiceFieldChange.list(from: invoice(), to: invoice()).isEmpty)
    }
}
