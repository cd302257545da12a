import Foundation
import OverdueCalendar
@testable import OverdueCore
import Testing

@Suite("Customer directory: records in the inbox, the effective customer")
struct CustomerDirectoryTests {
    let parser = InboxFileParser()

    func outcomes(_ text: String, name: String) -> [RecordOutcome] {
        guard case .records(_, _, let records) = parser.parse(Array(text.utf8), fileName: name) else {
            Issue.record("unreadable: \(name)")
            return []
        }
        return records.map(\.outcome)
    }

    static let json = #"""
        {"record": "customer", "id": "C-1007", "name": "Acme GmbH", "email": "ap@acme.example",
         "cc": ["controller@acme.example", "cfo@acme.example"], "phone": "+4915112345678", "contact": "Jane Doe",
         "language": "de", "timezone": "Europe/Berlin", "country": "DE", "vat_id": "DE136695976",
         "policy": "strict", "exclude": false, "note": "pays on the 25th",
         "ibans": ["de89 3704 0044 0532 0130 00", "DE89370400440532013000"], "reference_scheme": "FI"}
        """#

    @Test("a JSON customer record decodes every field and survives the journal's round trip")
    func jsonRecord() throws {
        let outcome = try #require(outcomes(Self.json, name: "crm.json").first)
        guard case .accepted(.customer(let record)) = outcome else {
            Issue.record("not accepted: \(outcome)")
            return
        }
        #expect(record == CustomerRecord(id: "C-1007", name: "Acme GmbH", email: "ap@acme.example",
                                         cc: ["controller@acme.example", "cfo@acme.example"], phone: "+4915112345678",
                                         contact: "Jane Doe", language: "de", timezone: "Europe/Berlin", country: "DE",
                                         vatID: "DE136695976", policy: "strict", exclude: false, note: "pays on the 25th")
            .with { $0.ibans = ["DE89370400440532013000"]; $0.referenceScheme = .fi })
        #expect(RecordDecoder().decode(RecordEncoder.object(.customer(record))) == .accepted(.customer(record)))
    }

    @Test("CSV: a record column, cc separated by ';', exclude as yes/no")
    func csvRecords() {
        let text = """
            record,id,name,email,cc,country,exclude
            customer,C-1,One Ltd,ap@one.example,a@one.example;b@one.example,IE,no
            customer,C-2,,,,,yes
            """
        let found = outcomes(text, name: "crm.csv")
        #expect(found.count == 2)
        guard case .accepted(.customer(let first)) = found[0], case .accepted(.customer(let second)) = found[1] else {
            Issue.record("\(found)")
            return
        }
        #expect(first.cc == ["a@one.example", "b@one.example"] && first.country == "IE" && !first.exclude)
        #expect(second.exclude && second.email == nil && second.name == nil)
    }

    @Test("mistakes name the field and the fix", arguments: [
        (#"{"record": "customer", "id": "C-1", "cc": ["not-an-address"]}"#, "cc[1]", "not an e-mail address"),
        (#"{"record": "customer", "id": "C-1", "exclude": "maybe"}"#, "exclude", "true or false"),
        (#"{"record": "customer", "id": "C-1", "vat_id": "123"}"#, "vat_id", "country prefix"),
        (#"{"record": "customer", "id": "C-1", "ibans": ["DE89370400440532013001"]}"#, "ibans[1]", "check digits"),
        (#"{"record": "customer", "id": "C-1", "ibans": "12345"}"#, "ibans[1]", "not an IBAN"),
        (#"{"record": "customer", "id": "C-1", "reference_scheme": "ocr"}"#, "reference_scheme", "be, fi, no or ch"),
        (#"{"record": "customer", "id": "C-1", "emial": "a@b.example"}"#, "emial", "not a known field"),
        (#"{"record": "supplier", "id": "C-1"}"#, "record", "use \"customer\""),
        (#"{"record": "customer", "name": "No Id"}"#, "id", "missing"),
        (#"{"event": "approve", "key": "od1-xyz"}"#, "key", "not a delivery key"),
        (#"{"event": "hold", "key": "od1-0123456789abcdef0123456789abcdef"}"#, "reason", "missing"),
    ])
    func mistakes(text: String, field: String, hint: String) {
        guard case .rejected(let problems) = outcomes(text, name: "x.json").first else {
            Issue.record("accepted: \(text)")
            return
        }
        #expect(problems.contains { $0.field == field && $0.reason.contains(hint) }, "\(problems)")
    }

    @Test("approve and hold are decisions by delivery key; the latest wins")
    func approvals() throws {
        var ledger = Ledger()
        let key = "od1-0123456789abcdef0123456789abcdef"
        for text in [#"{"event": "hold", "key": "\#(key)", "reason": "customer called"}"#, #"{"event": "approve", "key": "\#(key)"}"#] {
            guard case .accepted(let record) = try #require(outcomes(text, name: "d.json").first) else {
                Issue.record("rejected: \(text)")
                return
            }
            #expect(RecordDecoder().decode(RecordEncoder.object(record)) == .accepted(record))
            ledger.apply(record)
        }
        #expect(ledger.approvals[key] == .approve(key: key))
    }

    static func invoice(customer: Customer, policy: String? = nil) -> Invoice {
        Invoice(id: "INV-1", customer: customer, issued: CalendarDate(iso: "2027-03-01")!, due: CalendarDate(iso: "2027-03-31")!,
                currency: "EUR", amount: 100, balance: 100, policy: policy)
    }

    @Test("the invoice takes what it lacks; the directory's policy, language, timezone and country win")
    func effective() {
        var directory = CustomerDirectory()
        directory.upsert(CustomerRecord(id: "C-1", name: "Directory Name", email: "dir@acme.example", cc: ["cc@acme.example"],
                                        phone: "+4915112345678", contact: "Dir Contact", language: "de", timezone: "Europe/Berlin",
                                        country: "DE", policy: "strict"))
        let own = Customer(id: "C-1", name: "Invoice Name", email: "own@acme.example", language: "en", timezone: "Europe/London",
                           country: "GB")
        let debtor = directory.effective(for: Self.invoice(customer: own, policy: "standard"))
        #expect(debtor.customer.email == "own@acme.example")  // the invoice has one: kept
        #expect(debtor.customer.phone == "+4915112345678" && debtor.customer.contact == "Dir Contact")  // lacked: taken
        #expect(debtor.customer.name == "Invoice Name")
        #expect(debtor.customer.language == "de" && debtor.customer.timezone == "Europe/Berlin" && debtor.customer.country == "DE")
        #expect(debtor.policy == "strict" && debtor.cc == ["cc@acme.example"] && !debtor.excluded)
        // Another customer is untouched.
        let other = directory.effective(for: Self.invoice(customer: Customer(id: "C-2", name: "Two"), policy: "standard"))
        #expect(other.customer.id == "C-2" && other.policy == "standard" && other.record == nil && !other.hasContact)
    }

    @Test("an e-invoice's buyer finds its record by VAT id, whatever the spacing, and becomes that customer")
    func byVATID() {
        var directory = CustomerDirectory()
        directory.upsert(CustomerRecord(id: "C-1007", email: "ap@acme.example", vatID: "DE136695976"))
        let buyer = Customer(id: "b-1a2b3c4d5e6f", name: "Acme GmbH", vatID: "de 136.695.976")
        let debtor = directory.effective(for: Self.invoice(customer: buyer))
        #expect(debtor.customer.id == "C-1007" && debtor.customer.email == "ap@acme.example")
        // The record's VAT id changes: the old one no longer matches.
        directory.upsert(CustomerRecord(id: "C-1007", email: "ap@acme.example", vatID: "DE999999999"))
        #expect(directory.effective(for: Self.invoice(customer: buyer)).record == nil)
    }

    @Test("the ledger keeps the directory, and a batch that cannot be made durable is taken back")
    func ledgerUndo() {
        var ledger = Ledger()
        ledger.apply(.customer(CustomerRecord(id: "C-1", email: "a@one.example")))
        var undo = Ledger.Undo()
        _ = ledger.apply(.customer(CustomerRecord(id: "C-1", email: "b@one.example", exclude: true)), undo: &undo)
        _ = ledger.apply(.approval(.approve(key: "od1-0123456789abcdef0123456789abcdef")), undo: &undo)
        #expect(ledger.directory["C-1"]?.exclude == true)
        ledger.revert(undo)
        #expect(ledger.directory["C-1"]?.email == "a@one.example" && ledger.directory["C-1"]?.exclude == false)
        #expect(ledger.approvals.isEmpty)
    }
}

@Suite("The call list and the hand-off take the debtor from the customer directory")
struct DirectoryCollectionsTests {
    @Test("an e-invoice matched by VAT id is listed under the directory's customer, with the directory's phone")
    func callListAndHandoff() throws {
        var ledger = Ledger()
        let buyer = Customer(id: "b-0123456789ab", name: "Acme GmbH", vatID: "DE136695976")
        ledger.apply(.invoice(Invoice(id: "NW-1", customer: buyer, issued: CalendarDate(iso: "2027-02-01")!,
                                      due: CalendarDate(iso: "2027-03-01")!, currency: "EUR", amount: 900, balance: 900)))
        ledger.apply(.customer(CustomerRecord(id: "C-1007", email: "ap@acme.example", phone: "+4915112345678", contact: "Jane Doe",
                                              vatID: "DE 136 695 976")))
        let call = SentMessage(key: "k", customer: "C-1007", channel: .call, recipient: "+4915112345678", stage: "call",
                               items: [ReminderItem(invoice: "NW-1", installment: nil, stage: "call")],
                               time: Fixture.instant("2027-03-20T09:00:00Z"))
        let day = CalendarDate(iso: "2027-03-25")!
        let list = CallList(ledger: ledger, calls: [call], on: day) { _ in CalendarDate(iso: "2027-03-20")! }
        let entry = try #require(list.entries.first)
        #expect(entry.customer == "C-1007" && entry.phone == "+4915112345678" && entry.contact == "Jane Doe" && entry.invoices == ["NW-1"])
        let settings = PlannerSettings(policies: [Fixture.referencePolicy], schedule: Fixture.schedule(), enabledChannels: [.email])
        let handoff = Planner(settings: settings).handoff(ledger: ledger, history: DeliveryHistory(), on: day, afterFinalDays: 14,
                                       only: "C-1007")
        #expect(handoff.debtors.map(\.customer.id) == ["C-1007"] && handoff.debtors.first?.customer.email == "ap@acme.example")
    }
}

extension CustomerRecord {
    /// The record with a few fields set (the initializer lists the common ones only).
    func with(_ change: (inout CustomerRecord) -> Void) -> CustomerRecord {
        var copy = self
        change(&copy)
        return copy
    }
}
