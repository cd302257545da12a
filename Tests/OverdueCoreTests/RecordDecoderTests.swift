import Foundation
import OverdueCalendar
import OverdueCore
import Testing

@Suite("Inbox records: validation with reasons that name the field")
struct RecordDecoderTests {
    let parser = InboxFileParser()

    static let good = #"""
    {"invoice": "INV-2026-0042",
     "customer": {"id": "acme", "name": "Acme GmbH", "email": "ap@acme.example",
                  "phone": "+4915112345678", "contact": "Jane Doe",
                  "language": "de", "timezone": "Europe/Berlin"},
     "issued": "2026-11-01", "due": "2026-12-01",
     "currency": "EUR", "amount": "1200.00", "balance": "1200.00",
     "policy": "standard", "payment_url": "https://pay.example/INV-2026-0042",
     "installments": [{"due": "2026-12-01", "amount": "600.00"}, {"due": "2027-01-01", "amount": "600.00"}]}
    """#

    func records(_ text: String, name: String = "in.json") -> [ParsedRecord] {
        guard case .records(_, _, let records) = parser.parse(Array(text.utf8), fileName: name) else {
            Issue.record("file unreadable")
            return []
        }
        return records
    }

    func problems(_ text: String, name: String = "in.json") -> [FieldProblem] {
        guard let first = records(text, name: name).first, case .rejected(let problems) = first.outcome else { return [] }
        return problems
    }

    @Test("the design's example invoice is accepted with exact decimals")
    func designExample() throws {
        let parsed = records(Self.good)
        #expect(parsed.count == 1)
        guard case .accepted(.invoice(let invoice)) = parsed[0].outcome else {
            Issue.record("rejected: \(parsed[0].outcome)")
            return
        }
        #expect(invoice.id == "INV-2026-0042")
        #expect(invoice.amount == Decimal(string: "1200.00"))
        #expect(invoice.customer.timezone == "Europe/Berlin")
        #expect(invoice.installments.count == 2)
        #expect(invoice.due == CalendarDate(iso: "2026-12-01"))
    }

    @Test("numbers written without quotes stay exact")
    func numericAmount() {
        let text = Self.good.replacingOccurrences(of: #""amount": "1200.00", "balance": "1200.00""#, with: #""amount": 1200.10, "balance": 0.30"#)
            .replacingOccurrences(of: #""installments": [{"due": "2026-12-01", "amount": "600.00"}, {"due": "2027-01-01", "amount": "600.00"}]"#, with: #""installments": []"#)
        guard case .accepted(.invoice(let invoice)) = records(text)[0].outcome else {
            Issue.record("rejected")
            return
        }
        #expect(invoice.amount == Decimal(string: "1200.10"))
        #expect(invoice.balance == Decimal(string: "0.3"))
    }

    @Test("each bad field is named with its fix", arguments: [
        (#""due": "2026-12-01""#, #""due": "2026-13-01""#, "due", "YYYY-MM-DD"),
        (#""currency": "EUR""#, #""currency": "EUX""#, "currency", "ISO 4217"),
        (#""amount": "1200.00""#, #""amount": "-5.00""#, "amount", "zero or more"),
        (#""amount": "1200.00""#, #""amount": "12abc""#, "amount", "not an amount"),
        (#""email": "ap@acme.example""#, #""email": "ap@@acme""#, "customer.email", "not an e-mail"),
        (#""phone": "+4915112345678""#, #""phone": "0151 123""#, "customer.phone", "E.164"),
        (#""timezone": "Europe/Berlin""#, #""timezone": "Mars/Olympus""#, "customer.timezone", "IANA"),
        (#""invoice": "INV-2026-0042""#, #""invoice": "../etc/passwd""#, "invoice", "must start with a letter or digit"),
        (#""invoice": "INV-2026-0042""#, #""invoice": "INV/../x""#, "invoice", "\"..\""),
        (#""policy": "standard""#, #""polcy": "standard""#, "polcy", "not a known field"),
        (#""payment_url": "https://pay.example/INV-2026-0042""#, #""payment_url": "https://pay.example/\u0007x""#, "payment_url", "not an http(s) URL"),
        (#""payment_url": "https://pay.example/INV-2026-0042""#, #""payment_url": "https://pay.example/\u202Ex""#, "payment_url", "not an http(s) URL"),
    ])
    func badField(original: String, replacement: String, field: String, hint: String) {
        let found = problems(Self.good.replacingOccurrences(of: original, with: replacement))
        #expect(found.contains { $0.field == field && $0.reason.contains(hint) }, "got \(found)")
    }

    @Test("a customer with no e-mail and no phone is accepted: the customer directory may supply the contact")
    func unreachable() {
        let text = Self.good.replacingOccurrences(of: #""email": "ap@acme.example","#, with: "")
            .replacingOccurrences(of: #""phone": "+4915112345678","#, with: "")
        guard case .accepted(.invoice(let invoice)) = records(text).first?.outcome else {
            Issue.record("rejected: \(problems(text))")
            return
        }
        #expect(invoice.customer.email == nil && invoice.customer.phone == nil)
        // A malformed address is still refused: absent and wrong are not the same.
        let wrong = Self.good.replacingOccurrences(of: "ap@acme.example", with: "ap-at-acme")
        #expect(problems(wrong).contains { $0.field == "customer.email" })
    }

    @Test("installments must add up to the amount")
    func installmentsSum() {
        let text = Self.good.replacingOccurrences(of: #""amount": "600.00"}]"#, with: #""amount": "500.00"}]"#)
        #expect(problems(text).contains { $0.field == "installments" })
    }

    @Test("CSV: nested headers, blank cells, per-row results, ; delimiter")
    func csv() {
        let text = """
        invoice;customer.id;customer.name;customer.email;issued;due;currency;amount;installments
        A-1;c1;Acme;a@acme.example;2026-11-01;2026-12-01;EUR;100.00;
        A-2;c1;Acme;a@acme.example;2026-11-01;2026-02-30;EUR;100.00;
        A-3;c2;Beta;b@beta.example;2026-11-01;2026-12-01;JPY;1000;"2026-12-01=500;2027-01-01=500"
        """
        let parsed = records(text, name: "x.csv")
        #expect(parsed.count == 3)
        guard case .accepted(.invoice(let first)) = parsed[0].outcome else { Issue.record("row 1"); return }
        #expect(first.customer.email == "a@acme.example")
        #expect(first.balance == first.amount)
        guard case .rejected(let problems) = parsed[1].outcome else { Issue.record("row 2"); return }
        #expect(problems.map(\.field) == ["due"])
        #expect(parsed[1].line == 3)
        guard case .accepted(.invoice(let third)) = parsed[2].outcome else { Issue.record("row 3: \(parsed[2].outcome)"); return }
        #expect(third.installments.map(\.amount) == [500, 500])
    }

    @Test("JSON Lines: a broken line is one rejected record, the rest are accepted")
    func jsonLines() {
        let line = Self.good.replacingOccurrences(of: "\n", with: " ")
        let parsed = records([line, "{broken", line.replacingOccurrences(of: "0042", with: "0043")].joined(separator: "\n"), name: "x.jsonl")
        #expect(parsed.count == 3)
        #expect(parsed.map { if case .accepted = $0.outcome { true } else { false } } == [true, false, true])
        #expect(parsed[1].line == 2)
    }

    @Test("whole-file problems", arguments: [
        ([UInt8](), "empty"),
        ([0x00, 0x01, 0xFF, 0x10], "binary"),
        (Array("{\"invoice\": \"caf\u{e9}\"}".utf8.dropLast(3)) + [0xC3, 0x28, 0x7D], "UTF-8"),
        (Array("{\"invoice\": ".utf8), "not valid JSON"),
    ])
    func unreadable(bytes: [UInt8], hint: String) {
        guard case .unreadable(let reason) = parser.parse(bytes, fileName: "f.json") else {
            Issue.record("expected unreadable")
            return
        }
        #expect(reason.contains(hint), "\(reason)")
    }

    @Test("events: payment needs an amount and a date; unknown events are named")
    func events() {
        #expect(records(#"{"event": "payment", "invoice": "A-1", "amount": "10.00", "date": "2026-12-02"}"#)[0].outcome
            == .accepted(.event(.payment(invoice: "A-1", amount: 10, date: CalendarDate(iso: "2026-12-02")!, reference: nil))))
        #expect(problems(#"{"event": "payment", "invoice": "A-1", "date": "2026-12-02"}"#).map(\.field) == ["amount"])
        #expect(problems(#"{"event": "refund", "invoice": "A-1"}"#).map(\.field) == ["event"])
        #expect(records(#"{"event": "optout", "address": "AP@acme.example", "channel": "email"}"#)[0].outcome
            == .accepted(.event(.optout(address: "AP@acme.example", channel: .email))))
    }

    @Test("encoded records decode back to the same record")
    func roundTrip() throws {
        guard case .accepted(let record) = records(Self.good)[0].outcome else { Issue.record("rejected"); return }
        let object = RecordEncoder.object(record)
        #expect(RecordDecoder().decode(object) == .accepted(record))
    }
}
