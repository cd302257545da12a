import Foundation
import Testing
import TestSupport

/// One number, one invoice, through the real binary: an invoice number
/// dropped later for another customer does not take the first customer's
/// receivable away; it is rejected naming whose number it is.
@Suite("Invoice numbers: one number, one invoice, end to end")
struct InvoiceIdentityEndToEndTests {
    static func invoice(customer: String, name: String, amount: String) -> String {
        #"{"invoice": "S-501", "customer": {"id": "\#(customer)", "name": "\#(name)", "email": "ap@\#(customer).example"}, "issued": "2027-01-01", "due": "2027-02-01", "currency": "EUR", "amount": "\#(amount)"}"#
    }

    func run(_ test: TestSpool, _ arguments: [String]) throws -> String {
        let run = try OverdueBinary.run(["--config", test.config.path] + arguments)
        #expect(run.status == 0, "\(arguments): \(run.stderr)")
        return run.stdout
    }

    @Test("S-501 for acme, then S-501 for beta with another amount: show still has acme's receivable; beta's record is rejected naming acme")
    func anotherCustomerLater() throws {
        let test = try TestSpool(prefix: "overdue-identity", config: "[spool]\ndir = \"spool\"\n")
        try test.drop(Self.invoice(customer: "acme", name: "Acme GmbH", amount: "1200.00"), as: "acme.json")
        _ = try run(test, ["run", "--once", "--now", "2027-01-03T10:00:00Z"])
        try test.drop(Self.invoice(customer: "beta", name: "Beta AG", amount: "900.00"), as: "beta.json")
        // preview reads the inbox as the next pass will: it rejects beta's record too.
        let preview = try run(test, ["preview", "S-501", "--now", "2027-02-10T10:00:00Z"])
        #expect(preview.contains("to: ap@acme.example") && preview.contains("€1,200.00"), "\(preview)")
        let pass = try run(test, ["run", "--once", "--now", "2027-01-04T10:00:00Z"])
        #expect(pass.contains("0 record(s) accepted, 1 rejected"), "\(pass)")

        let shown = try JSONSerialization.jsonObject(with: Data(try run(test, ["show", "S-501", "--json"]).utf8)) as? [String: Any]
        #expect((shown?["customer"] as? [String: Any])?["id"] as? String == "acme", "\(shown ?? [:])")
        #expect(shown?["balance"] as? String == "1200.00" && shown?["amount"] as? String == "1200.00", "\(shown ?? [:])")

        let rejected = test.spool.appendingPathComponent("rejected")
        let names = try FileManager.default.contentsOfDirectory(atPath: rejected.path)
        let error = try #require(names.first { $0.hasSuffix("beta.json.error") }, "\(names)")
        let report = try String(contentsOf: rejected.appendingPathComponent(error), encoding: .utf8)
        #expect(report.contains(#"beta.json: line 1: field "invoice": invoice "S-501" already belongs to customer "acme" (Acme GmbH); correct the number, or if that customer's invoice is the mistake, cancel it ({"event": "cancel", "invoice": "S-501"}) and drop this one under a new number"#),
                "\(report)")
        // Beta's record waits in rejected/ as it came, to be fixed and dropped again.
        let record = try #require(names.first { $0.hasSuffix("beta.rejected.json") }, "\(names)")
        #expect(try String(contentsOf: rejected.appendingPathComponent(record), encoding: .utf8).contains(#""id": "beta""#))
    }
}
