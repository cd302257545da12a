import Foundation
import OverdueCalendar
import OverdueCore
import Testing

@Suite("Ledger: payments, pauses and states")
struct LedgerTests {
    let day = CalendarDate(iso: "2026-12-10")!

    func invoice(_ id: String, balance: Decimal = 100) -> InboxRecord {
        .invoice(Invoice(id: id, customer: Customer(id: "c", name: "C", email: "c@c.example"),
                         issued: CalendarDate(iso: "2026-11-01")!, due: CalendarDate(iso: "2026-12-01")!,
                         currency: "EUR", amount: 100, balance: balance))
    }

    @Test("partial then full payment; overpayment is kept as credit")
    func payments() {
        var ledger = Ledger()
        ledger.apply(invoice("A"))
        ledger.apply(.event(.payment(invoice: "A", amount: Decimal(string: "40.10")!, date: day, reference: nil)))
        #expect(ledger["A"]?.balance == Decimal(string: "59.90"))
        #expect(ledger["A"]?.state(on: day) == .open)
        ledger.apply(.event(.payment(invoice: "A", amount: 60, date: day, reference: nil)))
        #expect(ledger["A"]?.balance == 0)
        #expect(ledger["A"]?.credit == Decimal(string: "0.10"))
        #expect(ledger["A"]?.state(on: day) == .paid)
    }

    @Test("a returned payment: credit back first, then owed again; never more than was paid; off its own payment")
    func returnedPayment() {
        var ledger = Ledger()
        ledger.apply(invoice("A"))
        let earlier = CalendarDate(iso: "2026-12-05")!
        ledger.apply(.event(.payment(invoice: "A", amount: 30, date: earlier, reference: "bank:K1")))
        ledger.apply(.event(.payment(invoice: "A", amount: 80, date: day, reference: "bank:K2")))
        #expect(ledger["A"]?.balance == 0 && ledger["A"]?.credit == 10 && ledger["A"]?.state(on: day) == .paid)
        // The first payment comes back: the 10 of credit goes first, 20 is owed again.
        ledger.apply(.event(.paymentReturned(invoice: "A", amount: 30, date: day, reference: "bank:R1 returns:K1")))
        #expect(ledger["A"]?.balance == 20 && ledger["A"]?.credit == 0 && ledger["A"]?.state(on: day) == .open)
        #expect(ledger["A"]?.netPayments == [NetPayment(date: day, amount: 80, reference: "bank:K2")])
        #expect(ledger["A"]?.paidNet == 80)
        // Before the second payment's day, all of it was owed but what the first (now returned) paid.
        #expect(ledger["A"]?.balance(on: earlier) == 100)
        let problem = ledger.apply(.event(.paymentReturned(invoice: "A", amount: 81, date: day, reference: nil)))
        #expect(problem?.field == "amount" && problem?.reason.contains("80") == true)
        // One naming no payment comes off the latest.
        ledger.apply(.event(.paymentReturned(invoice: "A", amount: 5, date: day, reference: nil)))
        #expect(ledger["A"]?.netPayments.map(\.amount) == [75] && ledger["A"]?.balance == 25)
    }

    @Test("payment data as of: the newer of files and statements; statements as current as the account furthest behind")
    func paymentDataAsOf() {
        var ledger = Ledger()
        let day = 86_400.0
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(ledger.paymentDataAsOf == nil)
        ledger.noteStatement(account: "DE1", until: start)
        ledger.noteStatement(account: "DE1", until: start - day)  // an older statement of it changes nothing
        #expect(ledger.paymentDataAsOf == start)
        // A second account, two days behind: the credits to it are known only that far.
        ledger.noteStatement(account: "FR2", until: start - 2 * day)
        #expect(ledger.paymentDataAsOf == start - 2 * day)
        // A payment file today is current for all.
        ledger.notePaymentData(at: start - day)
        #expect(ledger.paymentDataAsOf == start - day)
        // An account silent for more than 31 days is taken as closed.
        ledger.noteStatement(account: "DE1", until: start + 40 * day)
        #expect(ledger.paymentDataAsOf == start + 40 * day)
    }

    @Test("dispute, resolve, promise lapsing, cancel")
    func pauses() {
        var ledger = Ledger()
        ledger.apply(invoice("A"))
        ledger.apply(.event(.dispute(invoice: "A", date: nil, reason: "wrong qty")))
        #expect(ledger["A"]?.state(on: day) == .disputed)
        ledger.apply(.event(.resolve(invoice: "A", date: nil)))
        ledger.apply(.event(.promise(invoice: "A", date: day, amount: nil)))
        #expect(ledger["A"]?.state(on: day) == .promised)
        #expect(ledger["A"]?.state(on: day.adding(days: 1)) == .open)
        ledger.apply(.event(.cancel(invoice: "A", date: nil, reason: nil)))
        #expect(ledger.entries.values.filter { $0.state(on: day) == .cancelled }.count == 1)
    }

    @Test("events for unknown invoices are refused with the field named")
    func unknownInvoice() {
        var ledger = Ledger()
        let problem = ledger.apply(.event(.payment(invoice: "NOPE", amount: 1, date: day, reference: nil)))
        #expect(problem?.field == "invoice")
        #expect(problem?.reason.contains("NOPE") == true)
    }

    @Test("re-dropping an invoice updates it instead of adding one")
    func update() {
        var ledger = Ledger()
        ledger.apply(invoice("A"))
        ledger.apply(invoice("A", balance: 30))
        #expect(ledger.entries.count == 1)
        #expect(ledger["A"]?.balance == 30)
    }

    @Test("opt-outs: per channel or all, case-insensitive, undone by opt-in")
    func optOuts() {
        var ledger = Ledger()
        ledger.apply(.event(.optout(address: "AP@Acme.example", channel: .sms)))
        #expect(ledger.isOptedOut("ap@acme.example", channel: .sms))
        #expect(!ledger.isOptedOut("ap@acme.example", channel: .email))
        ledger.apply(.event(.optout(address: "x@y.example", channel: nil)))
        #expect(ledger.isOptedOut("x@y.example", channel: .webhook))
        ledger.apply(.event(.optin(address: "ap@acme.example", channel: .sms)))
        #expect(!ledger.isOptedOut("ap@acme.example", channel: .sms))
    }

    @Test("calendar dates: arithmetic across months and leap years")
    func calendarDates() {
        #expect(CalendarDate(iso: "2028-02-28")!.adding(days: 1).description == "2028-02-29")
        #expect(CalendarDate(iso: "2026-12-31")!.adding(days: 1).description == "2027-01-01")
        #expect(CalendarDate(iso: "1970-01-01")!.daysSinceEpoch == 0)
        #expect(CalendarDate(iso: "2026-02-29") == nil)
        #expect(CalendarDate(iso: "2026-1-01") == nil)
    }

    @Test("money formatting keeps currency decimals")
    func money() {
        #expect(Money.format(Decimal(string: "1200")!, minorUnits: 2) == "1200.00")
        #expect(Money.format(Decimal(string: "2337.5")!, minorUnits: 2) == "2337.50")
        #expect(Money.format(Decimal(string: "1000")!, minorUnits: 0) == "1000")
        #expect(Money.format(Decimal(string: "-0.5")!, minorUnits: 3) == "-0.500")
        #expect(Money.parse("12abc") == nil)
        #expect(Money.parse("1e3") == nil)
        #expect(Money.parse(".5") == nil)
        #expect(Money.parse("0.10") == Decimal(string: "0.1"))
        // Short amounts go through a UInt64, long ones through Decimal; both exact.
        for text in ["1200.50", "-7.25", "0", "123456789012345678", "12345678901234567.8", "1234567890123456789.12",
                     "99999999999999999999999999999999999.99"] {
            #expect(Money.parse(text) == Decimal(string: text), "\(text)")
        }
        #expect(Money.parse("1" + String(repeating: "0", count: 38)) == nil)  // 39 digits: more than Decimal holds
    }
}

@Suite("Ledger undo")
struct LedgerUndoTests {
    @Test("revert restores entries and opt-outs changed since the undo began")
    func revert() {
        let customer = Customer(id: "c", name: "C", email: "c@c.example")
        let day = CalendarDate(iso: "2026-12-01")!
        var ledger = Ledger()
        ledger.apply(.invoice(Invoice(id: "A", customer: customer, issued: day, due: day, currency: "EUR", amount: 10, balance: 10)))
        var undo = Ledger.Undo()
        #expect(ledger.apply(.event(.payment(invoice: "A", amount: 4, date: day, reference: nil)), undo: &undo) == nil)
        #expect(ledger.apply(.invoice(Invoice(id: "B", customer: customer, issued: day, due: day, currency: "EUR", amount: 5, balance: 5)), undo: &undo) == nil)
        #expect(ledger.apply(.event(.optout(address: "c@c.example", channel: nil)), undo: &undo) == nil)
        ledger.revert(undo)
        #expect(ledger["A"]?.balance == 10)
        #expect(ledger["A"]?.events.isEmpty == true)
        #expect(ledger["B"] == nil)
        #expect(ledger.optOuts.isEmpty)
    }
}
