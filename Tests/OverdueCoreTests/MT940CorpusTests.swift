import Foundation
@testable import OverdueCore
import TestSupport
import Testing

/// Real MT940 statements from many banks (ABN AMRO, ING, Rabobank, Knab,
/// SNS, Triodos, PostFinance, Sparkassen, Raiffeisen, mBank, Sberbank, and
/// the edge cases their users reported): the test corpus of the mt-940
/// package 4.23.0, which `scripts/setup-deps.sh --test` fetches from PyPI
/// into `.venv-test/corpora/`. The expected reading is that package's own
/// (`scripts/mt940-truth.py`), run here, so nothing about the corpus is
/// written down by us. Skipped, with the reason, when either is missing.
@Suite("Bank statements: MT940 corpus against the mt-940 package's reading")
struct MT940CorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".venv-test/corpora/mt-940-4.23.0/mt940_tests")
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/mt940-truth.py")

    static var available: Bool {
        FileManager.default.fileExists(atPath: corpus.path) && (try? run(["-c", "import mt940"]))?.status == 0
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, output: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = TestPython.arguments(arguments)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    struct Truth: Decodable {
        var transactions: [Row]?
        var error: String?
        var closing_date: String?
        struct Row: Decodable {
            var status: String?, amount: String?, currency: String?, date: String?, entry_date: String?
            var customer_reference: String?, bank_reference: String?
            var applicant_name: String?, applicant_iban: String?, end_to_end_reference: String?, purpose: String?
        }
    }

    static func text(_ url: URL) throws -> String { MT940Reader.text(Array(try Data(contentsOf: url))) }

    static func compact(_ text: String?) -> String { (text ?? "").filter { !$0.isWhitespace } }

    @Test("every entry of every file: mark, amount, dates, references, payer and end-to-end id as the reference reads them",
          .enabled(if: available, "the mt-940 corpus or package is missing: scripts/setup-deps.sh --test fetches them from PyPI"))
    func corpusAgrees() throws {
        let files = try FileManager.default.subpathsOfDirectory(atPath: Self.corpus.path).filter { $0.hasSuffix(".sta") }.sorted()
        let paths = files.map { Self.corpus.appendingPathComponent($0).path }
        let result = try Self.run([Self.script.path] + paths)
        #expect(result.status == 0)
        let truth = try JSONDecoder().decode([String: Truth].self, from: result.output)
        var compared = 0
        var fieldsCompared = 0
        var references = 0
        var closings = 0
        for (file, path) in zip(files, paths) {
            let expected = try #require(truth[path]).transactions ?? []
            let statement: BankStatement
            do {
                statement = try MT940Reader.read(try Self.text(URL(fileURLWithPath: path)))
            } catch {
                // Refused as cut short: a statement opened (:60F:) whose entries no closing balance follows.
                let text = try Self.text(URL(fileURLWithPath: path))
                let cutShort = (error as? StatementError)?.field == ":62F:" && text.contains(":60F:")
                    && text.range(of: ":62F:", options: .backwards).map { $0.lowerBound < text.range(of: ":61:", options: .backwards)!.lowerBound } ?? true
                #expect(expected.isEmpty || cutShort, "\(file): refused (\(error)) but the reference reads \(expected.count) transactions")
                continue
            }
            #expect(statement.entries.count == expected.count, "\(file): \(statement.entries.count) entries, reference \(expected.count)")
            // The period the statement covers ends on its final closing balance's date (the stale feed guard's clock).
            // (A file of several statements: the reference gives the last :62F:, ours is the latest closing of any, :62M: too.)
            let text = try Self.text(URL(fileURLWithPath: path))
            if let closing = try #require(truth[path]).closing_date, text.components(separatedBy: ":20:").count == 2 {
                #expect(statement.periodEnd?.description == closing, "\(file): period end \(statement.periodEnd?.description ?? "-") vs \(closing)")
                closings += 1
            }
            for (entry, row) in zip(statement.entries, expected) {
                let at = "\(file) \(entry.position)"
                let marks: [StatementEntry.Direction: String] = [.credit: "C", .debit: "D", .creditReversal: "RC", .debitReversal: "RD"]
                #expect(marks[entry.direction] == row.status, "\(at): mark")
                #expect(row.amount.flatMap { Decimal(string: $0) } == entry.amount, "\(at): amount \(entry.amount) vs \(row.amount ?? "-")")
                #expect(row.date == entry.valueDate.description, "\(at): value date")
                if let currency = row.currency { #expect(currency == entry.currency, "\(at): currency") }
                // References: the reference's pattern lets the customer reference run over
                // "//" ("KREF+//0724…" as one customer reference, cut at 16 characters) and
                // sometimes drops one; the standard splits at "//". So: its bank reference
                // must be ours, and its customer reference must begin ours joined.
                // (Its customer reference may run on into the next line's details: the first line counts.)
                let customer = MT940Reader.meaningful((row.customer_reference ?? "").split(separator: "\n").first ?? "")
                let joined = (entry.customerReference ?? "NONREF") + (entry.bankReference.map { "//" + $0 } ?? "")
                if let bank = MT940Reader.meaningful(Substring(row.bank_reference ?? "")) {
                    #expect(entry.bankReference == bank, "\(at): bank reference \(entry.bankReference ?? "-") vs \(bank)")
                    references += 1
                } else if let customer {
                    // Its customer reference (16 characters, maybe over "//") starts ours joined.
                    #expect(Self.compact(joined).hasPrefix(Self.compact(customer)), "\(at): references \(joined) vs \(customer)")
                    references += 1
                }
                if let name = row.applicant_name { #expect(Self.compact(name) == Self.compact(entry.payerName), "\(at): payer name \(entry.payerName ?? "-") vs \(name)"); fieldsCompared += 1 }
                if let iban = row.applicant_iban { #expect(Self.compact(iban) == Self.compact(entry.payerIBAN), "\(at): payer IBAN \(entry.payerIBAN ?? "-") vs \(iban)"); fieldsCompared += 1 }
                if let eref = row.end_to_end_reference, MT940Reader.meaningful(Substring(eref)) != nil {
                    // An EREF may go on in ?60–?63, where the reference stops reading it, and
                    // we stop at SEPA's 35 characters where it reads on: one begins the other.
                    let ours = Self.compact(entry.endToEndID), theirs = Self.compact(eref)
                    #expect(!ours.isEmpty && (ours.hasPrefix(theirs) || theirs.hasPrefix(ours)), "\(at): end-to-end id \(entry.endToEndID ?? "-") vs \(eref)")
                    fieldsCompared += 1
                }
                compared += 1
            }
        }
        // The corpus is what it is: every transaction and the structured payer fields were compared.
        #expect(compared > 200)
        #expect(fieldsCompared > 20)
        #expect(references > 120)
        #expect(closings >= 15)
    }

    @Test("ISO 11649 creditor references: check digits, spaces as printed, found in remittance text")
    func creditorReferences() {
        #expect(CreditorReference.normalized("RF18539007547034") == "RF18539007547034")  // ISO 11649's own example
        #expect(CreditorReference.normalized("rf18 5390 0754 7034") == "RF18539007547034")
        #expect(CreditorReference.normalized("RF19539007547034") == nil)
        #expect(CreditorReference.normalized("RF18") == nil)
        #expect(CreditorReference.find(in: "Zahlung RF18 5390 0754 7034 danke") == "RF18539007547034")
        #expect(CreditorReference.find(in: "Invoice RF17 5390 0754 7034") == nil)
    }
}

@Suite("Bank statements: MT940 field 86 layouts")
struct MT940DetailsTests {
    static let statement = """
        :20:STARTUMSE
        :25:DE12500105170648489890
        :28C:00001/001
        :60F:C270115EUR1000,00
        :61:2701160116CR1200,00N166NONREF//B7A16XYZ
        :86:166?00GUTSCHR. UEBERWEISUNG?109310?20EREF+E2E-4711?21SVWZ+Rechnung INV-0
        42 und RF18 5390 0754 7034?30COBADEFFXXX?31DE89370400440532013000?32Acme GmbH?33 Berlin
        :61:270117C250,50NTRFNONREF
        :86:/TRTP/SEPA OVERBOEKING/IBAN/NL91ABNA0417164300/BIC/ABNANL2A/NAME/J DE VRIES/REMI/Factuur 2027-17/EREF/NOTPROVIDED
        :61:270118RC99,99NTRFNONREF
        :86:Ruecklastschrift INV-9
        :62F:C270118EUR2350,51
        """

    @Test("German structured, keyword and free-text details; reversal mark; wrapped lines")
    func layouts() throws {
        let read = try MT940Reader.read(Self.statement)
        #expect(read.account == "DE12500105170648489890")
        #expect(read.entries.count == 3)
        let german = read.entries[0]
        #expect(german.direction == .credit && german.amount == 1200 && german.currency == "EUR")
        #expect(german.valueDate.description == "2027-01-16" && german.bookingDate?.description == "2027-01-16")
        #expect(german.payerName == "Acme GmbH Berlin" && german.payerIBAN == "DE89370400440532013000")
        #expect(german.endToEndID == "E2E-4711" && german.bankReference == "B7A16XYZ")
        #expect(german.remittance == "Rechnung INV-042 und RF18 5390 0754 7034")
        #expect(german.creditorReference == "RF18539007547034")
        let dutch = read.entries[1]
        #expect(dutch.payerName == "J DE VRIES" && dutch.payerIBAN == "NL91ABNA0417164300")
        #expect(dutch.remittance == "Factuur 2027-17" && dutch.endToEndID == nil && dutch.amount == Decimal(string: "250.50"))
        #expect(read.entries[2].direction == .creditReversal && read.entries[2].remittance == "Ruecklastschrift INV-9")
    }

    @Test("a broken :61: line is refused naming the line and the field")
    func refusal() {
        #expect(throws: StatementError.self) { try MT940Reader.read(":20:X\n:25:DE1\n:60F:C270115EUR0,00\n:61:27011X\n") }
        do { _ = try MT940Reader.read(":20:X\n:25:DE1\n:60F:C270115EUR0,00\n:61:270116X100,00\n") } catch {
            #expect(error.description.hasPrefix("line 4 (:61:): no debit/credit mark"))
        }
    }
}
