import Foundation
@testable import OverdueCore
import Testing

/// Which inbox files are bank statements, and the words when one cannot be
/// read: found by a user review of real exports.
@Suite("Bank statements: recognised in the inbox, refused in their own words")
struct StatementDetectionTests {
    static let camt = """
        <?xml version="1.0" encoding="UTF-8"?>
        <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Acct><Id><IBAN>DE12500105170648489890</IBAN></Id></Acct>
        <Ntry><Amt Ccy="EUR">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><ValDt><Dt>2027-01-16</Dt></ValDt></Ntry>
        </Stmt></BkToCstmrStmt></Document>
        """

    func parse(_ bytes: [UInt8], _ name: String) -> ParsedFile { InboxFileParser().parse(bytes, fileName: name) }

    func statement(_ parsed: ParsedFile) -> BankStatement? {
        if case .statement(let statement) = parsed { statement } else { nil }
    }

    func reason(_ parsed: ParsedFile) -> String? {
        if case .unreadable(let reason) = parsed { reason } else { nil }
    }

    @Test("a camt statement with a long comment before the root is a statement, not an e-invoice")
    func longProlog() {
        let text = Self.camt.replacingOccurrences(of: "<Document", with: "<!-- \(String(repeating: "export ", count: 600)) -->\n<Document")
        #expect(statement(parse(Array(text.utf8), "statement.xml"))?.entries.count == 1)
    }

    @Test("a camt statement in UTF-16 is refused as such, not called binary")
    func utf16() throws {
        let bytes = [UInt8]([0xFF, 0xFE]) + Array(Self.camt.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let why = try #require(reason(parse(bytes, "statement.xml")))
        #expect(why.contains("UTF-16") && why.contains("bank statements") && !why.contains("binary"), "\(why)")
    }

    @Test("a DTD in a statement is refused in a statement's words")
    func dtd() throws {
        let text = Self.camt.replacingOccurrences(of: "<Document", with: "<!DOCTYPE Document [<!ENTITY x \"y\">]>\n<Document")
        let why = try #require(reason(parse(Array(text.utf8), "statement.xml")))
        #expect(why.contains("bank statements") && why.contains("export the statement again") && !why.contains("e-invoice"), "\(why)")
    }

    @Test("MT940 after a bank's header lines, named .txt, is a statement; a mislabelled :86: is not the account")
    func mt940() throws {
        let text = """
            ABNANL2A
            940
            ABNANL2A
            :20:ABN AMRO BANK NV
            :25:517852257
            :28:19301/1
            :60F:C110522EUR3236,28
            :61:1105240524C10,00N196NONREF
            :25:166?00GUTSCHRIFT?20EREF+X
            :62F:C110524EUR3246,28
            """
        let read = try #require(statement(parse(Array(text.utf8), "export.txt")))
        #expect(read.entries.count == 1 && read.account == "517852257" && read.periodEnd?.description == "2011-05-24")
        // A CSV of payments is still a CSV.
        if case .statement = parse(Array("event,invoice,amount,date\npayment,A-1,10.00,2027-01-01\n".utf8), "payments.txt") {
            Issue.record("a CSV taken for a statement")
        }
    }

    @Test("an account is one key in either format: a German bank code and account number is its IBAN")
    func accountKey() {
        #expect(StatementEntry.accountKey("37040044/0532013000") == "DE89370400440532013000")
        #expect(StatementEntry.accountKey("de89 3704 0044 0532 0130 00") == "DE89370400440532013000")
        #expect(StatementEntry.accountKey("50880050/0194787400888") == "50880050/0194787400888")
    }

    @Test("MT940 entries that do not add up to the closing balance are read, with a warning naming the figures")
    func balanceWarning() throws {
        let text = """
            :20:X
            :25:37040044/0532013000
            :60F:C270602EUR100,00
            :61:2706030603C20,00NTRFNONREF//A
            :61:2706030603D5,00NTRFNONREF//B
            :62F:C270603EUR120,00
            """
        let read = try MT940Reader.read(text)
        #expect(read.entries.count == 2 && read.account == "DE89370400440532013000")
        #expect(read.warnings.count == 1 && read.warnings[0].contains("make 115") && read.warnings[0].contains("120"), "\(read.warnings)")
        #expect(try MT940Reader.read(text.replacingOccurrences(of: "EUR120,00", with: "EUR115,00")).warnings.isEmpty)
    }
}
