import Foundation
import OverdueCalendar
@testable import OverdueCore
import Testing

/// Which invoices a credit pays, by which rule, and when it is left for a person.
@Suite("Bank statements: matching credits to invoices")
struct StatementMatcherTests {
    static let day = CalendarDate(iso: "2027-02-10")!

    static func ledger(_ invoices: [(id: String, customer: String, name: String, balance: Decimal, currency: String)],
                       payments: [(invoice: String, reference: String)] = []) -> Ledger {
        var ledger = Ledger()
        for invoice in invoices {
            let customer = Customer(id: invoice.customer, name: invoice.name, email: "ap@\(invoice.customer).example")
            ledger.apply(.invoice(Invoice(id: invoice.id, customer: customer, issued: CalendarDate(iso: "2027-01-01")!,
                                          due: CalendarDate(iso: "2027-01-31")!, currency: invoice.currency,
                                          amount: invoice.balance + 100, balance: invoice.balance + 100)))
            // Each invoice had 100 paid already, so that learned IBANs can come from a payment.
            let reference = payments.first { $0.invoice == invoice.id }?.reference
            ledger.apply(.event(.payment(invoice: invoice.id, amount: 100, date: CalendarDate(iso: "2027-02-01")!, reference: reference)))
        }
        return ledger
    }

    static func credit(_ amount: Decimal, text: String = "", name: String? = nil, iban: String? = nil, rf: String? = nil,
                       currency: String = "EUR", reference: String? = "R1") -> StatementEntry {
        var entry = StatementEntry(direction: .credit, amount: amount, currency: currency, valueDate: day, position: "entry 1")
        entry.remittance = text
        entry.payerName = name
        entry.payerIBAN = iban
        entry.creditorReference = rf
        entry.bankReference = reference
        return entry
    }

    static let book = ledger([("INV-0042", "acme", "Acme GmbH", 1200, "EUR"), ("INV-421", "acme", "Acme GmbH", 300, "EUR"),
                              ("2027-17", "brie", "Fromagerie Brie SARL", 80, "EUR"), ("42", "tiny", "Tiny Ltd", 42, "EUR"),
                              ("GB-9", "brit", "British Ltd", 500, "GBP")],
                             payments: [("INV-421", "bank:DE1:OLD-1 iban:DE89370400440532013000 e2e:E2E-OLD")])

    func outcome(_ entry: StatementEntry) -> StatementMatcher.Outcome {
        StatementMatcher(ledger: Self.book).match(entry, key: StatementMatcher.key(entry, account: "DE1"))
    }

    @Test("a creditor reference made from the invoice number pays that invoice")
    func creditorReference() throws {
        let rf = try #require(CreditorReference.make("INV42"))
        #expect(CreditorReference.normalized(rf) == rf)
        #expect(outcome(Self.credit(1200, text: "thanks", rf: rf)) == .matched(.creditorReference, [.init(invoice: "INV-0042", amount: 1200)]))
    }

    @Test("invoice numbers in the text: case, spaces, dashes and leading zeros do not matter; another number does")
    func invoiceNumbers() {
        #expect(outcome(Self.credit(1200, text: "Rechnung inv 0042 danke")) == .matched(.invoiceNumber, [.init(invoice: "INV-0042", amount: 1200)]))
        #expect(outcome(Self.credit(500, text: "Rechnung INV-42")) == .matched(.invoiceNumber, [.init(invoice: "INV-0042", amount: 500)]))
        #expect(outcome(Self.credit(80, text: "Facture 2027 17")) == .matched(.invoiceNumber, [.init(invoice: "2027-17", amount: 80)]))
        #expect(outcome(Self.credit(300, text: "INV-4210")) != .matched(.invoiceNumber, [.init(invoice: "INV-421", amount: 300)]))
        // A two-digit invoice number is not looked for in text (amounts and days look the same).
        #expect(outcome(Self.credit(42, text: "42 EUR for 42", name: "Someone Else")) == .unmatched(reason: "no open invoice number, known payer account or payer name with this amount"))
    }

    @Test("several invoices named: paid when the credit is their total, else left for a person")
    func several() {
        #expect(outcome(Self.credit(1500, text: "INV-0042 INV-421"))
                == .matched(.invoiceNumber, [.init(invoice: "INV-0042", amount: 1200), .init(invoice: "INV-421", amount: 300)]))
        guard case .unmatched(let reason) = outcome(Self.credit(1000, text: "INV-0042 INV-421")) else { Issue.record("matched"); return }
        #expect(reason.contains("INV-0042, INV-421") && reason.contains("1500"))
    }

    @Test("others written short beside a named number are named too; an unknown number of our shape blocks the weaker rules")
    func shortAndUnknownNumbers() {
        let book = Self.ledger([("INV-2027-0060", "acme", "Acme GmbH", 100, "EUR"), ("INV-2027-0061", "acme", "Acme GmbH", 50, "EUR"),
                                ("INV-2027-0070", "acme", "Acme GmbH", 70, "EUR")])
        let matcher = StatementMatcher(ledger: book)
        func outcome(_ entry: StatementEntry) -> StatementMatcher.Outcome { matcher.match(entry, key: "DE1:X") }
        #expect(matcher.shortWritten(besides: ["INV-2027-0060"], in: "INV-2027-0060 + 0061, 61 and 70") == ["INV-2027-0061", "INV-2027-0070"])
        // Their total: both paid. Not their total: for a person, never all to the one written in full.
        #expect(outcome(Self.credit(150, text: "INV-2027-0060 + 0061"))
                == .matched(.invoiceNumber, [.init(invoice: "INV-2027-0060", amount: 100), .init(invoice: "INV-2027-0061", amount: 50)]))
        guard case .unmatched = outcome(Self.credit(100, text: "INV-2027-0060 + 0061")) else { Issue.record("matched"); return }
        // A number of our shape that is no invoice: not placed by name and amount on another one.
        guard case .unmatched(let reason) = outcome(Self.credit(70, text: "INV-2027-0099", name: "Acme GmbH")) else { Issue.record("matched"); return }
        #expect(reason.contains("INV-2027-0099"))
        // Other numbers (a customer number of another shape, an amount) do not block it.
        #expect(outcome(Self.credit(70, text: "Kd 77 Betrag 70,00", name: "Acme GmbH")) == .matched(.amountAndName, [.init(invoice: "INV-2027-0070", amount: 70)]))
    }

    @Test("an IBAN learned from an earlier credit: one invoice's balance, or the overdue total")
    func learnedIBAN() {
        #expect(outcome(Self.credit(300, iban: "DE89370400440532013000")) == .matched(.payerIBAN, [.init(invoice: "INV-421", amount: 300)]))
        #expect(outcome(Self.credit(1500, iban: "DE89370400440532013000"))
                == .matched(.payerIBAN, [.init(invoice: "INV-0042", amount: 1200), .init(invoice: "INV-421", amount: 300)]))
        #expect(outcome(Self.credit(999, iban: "DE89370400440532013000")) != .matched(.payerIBAN, []))
    }

    @Test("amount and payer name, the last rule; another currency is never matched")
    func amountAndName() {
        #expect(outcome(Self.credit(80, name: "FROMAGERIE  brie, sarl")) == .matched(.amountAndName, [.init(invoice: "2027-17", amount: 80)]))
        guard case .unmatched = outcome(Self.credit(81, name: "Fromagerie Brie SARL")) else { Issue.record("matched"); return }
        guard case .unmatched(let reason) = outcome(Self.credit(500, text: "GB-9", currency: "EUR")) else { Issue.record("matched"); return }
        #expect(reason.contains("GBP"))
    }

    @Test("applied before, debits, reversals")
    func onceAndDirection() {
        #expect(outcome(Self.credit(300, text: "INV-421", reference: "OLD-1")) == .applied)
        var debit = Self.credit(300, text: "INV-421")
        debit.direction = .debit
        #expect(outcome(debit) == .notACredit)
        var returned = Self.credit(300, text: "INV-421", reference: "RET-1")
        returned.direction = .creditReversal
        returned.endToEndID = "E2E-OLD"
        #expect(outcome(returned) == .reversal(of: "DE1:OLD-1"))
    }

    @Test("a reversal finds its credit by end-to-end id, bank reference, or the one credit of its amount from its account")
    func reversalLookup() {
        var matcher = StatementMatcher(ledger: Self.book)
        func reversal(_ amount: Decimal, iban: String? = nil, e2e: String? = nil, reference: String? = "RET-9") -> StatementEntry {
            var entry = Self.credit(amount, iban: iban, reference: reference)
            entry.direction = .creditReversal
            entry.endToEndID = e2e
            return entry
        }
        #expect(matcher.original(of: reversal(300, e2e: "E2E-OLD")) == "DE1:OLD-1")
        #expect(matcher.original(of: reversal(1, reference: "OLD-1")) == "DE1:OLD-1")
        // No ids (an MT940 RC line): the one applied credit of 100 from that IBAN.
        #expect(matcher.original(of: reversal(100, iban: "DE89370400440532013000")) == "DE1:OLD-1")
        #expect(matcher.original(of: reversal(99, iban: "DE89370400440532013000")) == nil)
        #expect(matcher.original(of: reversal(100)) == nil)
        // Taking back: at most what it paid, once.
        #expect(matcher.takeBack(60, of: "DE1:OLD-1") == [.init(invoice: "INV-421", amount: 60)])
        #expect(matcher.takeBack(60, of: "DE1:OLD-1") == [.init(invoice: "INV-421", amount: 40)])
        #expect(matcher.takeBack(60, of: "DE1:OLD-1") == [])
        // A return recorded in the ledger counts, also when read back.
        var ledger = Self.book
        #expect(ledger.apply(.event(.paymentReturned(invoice: "INV-421", amount: 100, date: Self.day,
                                                     reference: "bank:DE1:RET-1 returns:DE1:OLD-1"))) == nil)
        matcher = StatementMatcher(ledger: ledger)
        #expect(matcher.takeBack(100, of: "DE1:OLD-1") == [])
        #expect(matcher.match(reversal(100, reference: "RET-1"), key: "DE1:RET-1") == .applied)
        // A credit split over two invoices comes back from both, the last paid first.
        var split = StatementMatcher(ledger: Self.book)
        let both = Self.credit(1500, text: "INV-0042 INV-421", reference: "NEW-1")
        split.record(split.match(both, key: "DE1:NEW-1"), of: both, key: "DE1:NEW-1")
        #expect(split.takeBack(1400, of: "DE1:NEW-1") == [.init(invoice: "INV-421", amount: 300), .init(invoice: "INV-0042", amount: 1100)])
    }

    @Test("a reversal of a credit that was never placed finds it among the unplaced")
    func reversalOfUnplaced() {
        var ledger = Self.book
        var credit = UnplacedCredit(key: "DE1:X-7", amount: 77, currency: "EUR", valueDate: Self.day, payerName: "Nobody GmbH",
                                    payerIBAN: nil, remittance: nil, reason: "no rule")
        ledger.apply(.event(.unplacedCredit(credit)))
        var entry = Self.credit(77, name: "NOBODY GMBH", reference: nil)
        entry.direction = .creditReversal
        #expect(StatementMatcher(ledger: ledger).original(of: entry) == "DE1:X-7")
        // Settled: off the list, and a re-export does not bring it back.
        credit.settled = "dismissed: a refund"
        ledger.apply(.event(.unplacedCredit(credit)))
        credit.settled = nil
        ledger.apply(.event(.unplacedCredit(credit)))
        #expect(ledger.unplacedCredits.isEmpty && ledger.settledCredits["DE1:X-7"] == "dismissed: a refund")
        #expect(StatementMatcher(ledger: ledger).match(Self.credit(77, name: "Nobody GmbH", reference: "X-7"), key: "DE1:X-7") == .applied)
    }

    @Test("a customer record declares the debtor's IBANs and national reference scheme; only their invoices match by it")
    func declaredInRecord() throws {
        var ledger = Self.book
        var brie = CustomerRecord(id: "brie")
        brie.ibans = ["BE68539007547034"]
        brie.referenceScheme = .be
        ledger.apply(.customer(brie))
        let matcher = StatementMatcher(ledger: ledger)
        func outcome(_ entry: StatementEntry) -> StatementMatcher.Outcome { matcher.match(entry, key: "DE1:X") }
        // The declared IBAN, never seen before: the one invoice of that amount.
        #expect(outcome(Self.credit(80, iban: "BE68539007547034")) == .matched(.payerIBAN, [.init(invoice: "2027-17", amount: 80)]))
        // The Belgian structured communication for 2027-17 (digits 202717), in the text or as the structured reference.
        let ogm = try #require(NationalReference.be.make("2027-17"))
        #expect(ogm == "000020271784")
        #expect(outcome(Self.credit(50, text: "+++000/0202/71784+++")) == .matched(.creditorReference, [.init(invoice: "2027-17", amount: 50)]))
        #expect(outcome(Self.credit(50, rf: ogm)) == .matched(.creditorReference, [.init(invoice: "2027-17", amount: 50)]))
        // Its check digits wrong: not a reference.
        #expect(outcome(Self.credit(50, text: "+++000/0202/71785+++")) != .matched(.creditorReference, [.init(invoice: "2027-17", amount: 50)]))
        // Acme declared no scheme: a valid Belgian reference of its invoice's digits is not read as one.
        let acme = try #require(NationalReference.be.make("INV-0042"))
        #expect(outcome(Self.credit(1200, text: "+++\(acme)+++", reference: "A")) != .matched(.creditorReference, [.init(invoice: "INV-0042", amount: 1200)]))
    }

    @Test("keys: bank reference, else end-to-end id, else a fingerprint; one word")
    func keys() {
        var entry = Self.credit(10, text: "a b", reference: "REF 1")
        #expect(StatementMatcher.key(entry, account: "DE1") == "DE1:REF_1")
        entry.bankReference = nil
        entry.endToEndID = "E 2"
        #expect(StatementMatcher.key(entry, account: "DE1") == "DE1:e2e:E_2:10:2027-02-10")
        entry.endToEndID = nil
        #expect(!StatementMatcher.key(entry, account: nil).contains(" "))
        let reference = BankReference(key: "DE1:REF_1", iban: "DE89", endToEnd: "E 2")
        #expect(BankReference(reference.text) == reference)
        let returned = BankReference(key: "DE1:RET", iban: nil, endToEnd: nil, returns: "DE1:REF_1")
        #expect(BankReference(returned.text) == returned && returned.text == "bank:DE1:RET returns:DE1:REF_1")
    }

    @Test("names and shapes: the ASCII fast paths agree with the general ones (2,000 random texts)")
    func namesAndShapes() {
        #expect(StatementMatcher.shape("INV-2027-0060") == "INV99999999")
        #expect(StatementMatcher.normalizedName("  FROMAGERIE  brie, SARL ") == "fromagerie brie sarl")
        var random = SystemRandomNumberGenerator()
        let alphabet = Array("abcXYZ019 -.,&/é")
        for _ in 0..<2000 {
            let ascii = String((0..<Int.random(in: 0...20, using: &random)).map { _ in alphabet[Int.random(in: 0..<(alphabet.count - 1), using: &random)] })
            let general = ascii.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).joined(separator: " ")
            #expect(StatementMatcher.normalizedName(ascii) == general, "\(ascii)")
            #expect(StatementMatcher.shape(ascii) == StatementMatcher.shape(ascii + "é").dropLast(), "\(ascii)")
        }
    }

    @Test("number normalisation: examples, and the ASCII fast path agrees with the general one (2,000 random numbers)")
    func normalization() {
        #expect(StatementMatcher.normalizedNumber("inv-0042") == "INV42")
        #expect(StatementMatcher.normalizedNumber("A00B 000") == "A0B0")
        #expect(StatementMatcher.normalizedNumber("2027-17/x") == "202717X")
        var random = SystemRandomNumberGenerator()
        let alphabet = Array("aZ09 -/0.x7")
        for _ in 0..<2_000 {
            let text = String((0..<Int.random(in: 0...12, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
            // "é" sends the text down the general path; it adds only its own letter.
            #expect(StatementMatcher.normalizedNumber(text + "é") == StatementMatcher.normalizedNumber(text) + "É", "\(text)")
        }
    }
}
