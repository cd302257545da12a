import Foundation
@testable import OverdueCore
import TestSupport
import Testing

/// camt.053 and camt.054 in versions .001.02, .04, .06 and .08, generated
/// with known content (`scripts/camt-samples.py`) and read by an
/// independent parser (bankstatementparser, in the test venv) to show the
/// files say what the table says; then read by ours.
@Suite("Bank statements: camt.053/054 across versions")
struct CamtReaderTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/camt-samples.py")

    static var available: Bool { (try? MT940CorpusTests.run(["-c", "import bankstatementparser"]))?.status == 0 }

    struct Samples: Decodable {
        struct Entry: Decodable {
            var mark: String, amount: String, status: String, value_date: String, bank_reference: String
            var batch: Bool, reversal: Bool, return_reason: String?, end_to_end_id: String, debtor: String, iban: String
            var remittance: String, creditor_reference: String?
        }
        struct Independent: Decodable { var amount: String, currency: String, mark: String, debtor: String?, value_date: String }
        var entries: [Entry]
        var files: [String: [Independent]]
    }

    @Test("every version: amounts, marks, dates, references, payer, remittance, batches, reversals, pending left out",
          .enabled(if: available, "bankstatementparser is not in the test venv: scripts/setup-deps.sh --test installs it"))
    func versions() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("overdue-camt-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try MT940CorpusTests.run([Self.script.path, directory.path])
        #expect(run.status == 0)
        let samples = try JSONDecoder().decode(Samples.self, from: run.output)
        #expect(samples.files.count == 8)
        for (path, independent) in samples.files.sorted(by: { $0.key < $1.key }) {
            let file = URL(fileURLWithPath: path).lastPathComponent
            // The independent reading: the file says what the table says (it reads pending entries
            // too, and signs debits negative).
            #expect(independent.count == samples.entries.count, "\(file)")
            for (row, intended) in zip(independent, samples.entries) {
                #expect(Decimal(string: row.amount).map { $0 < 0 ? -$0 : $0 } == Decimal(string: intended.amount) && row.mark == intended.mark
                        && row.value_date == intended.value_date && row.currency == "EUR", "\(file): \(row) vs \(intended)")
                if let debtor = row.debtor, !debtor.isEmpty { #expect(debtor == intended.debtor, "\(file)") }
            }
            // Ours: booked entries only.
            let statement = try CamtReader.read(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
            #expect(statement.format == String(file.dropLast(4)))
            #expect(statement.account == "DE12500105170648489890")
            let booked = samples.entries.filter { $0.status == "BOOK" }
            #expect(statement.entries.count == booked.count, "\(file)")
            for (entry, intended) in zip(statement.entries, booked) {
                let at = "\(file) \(entry.position)"
                let direction: StatementEntry.Direction = intended.reversal ? (intended.mark == "DBIT" ? .creditReversal : .debitReversal)
                    : (intended.mark == "CRDT" ? .credit : .debit)
                #expect(entry.direction == direction, "\(at)")
                #expect(entry.amount == Decimal(string: intended.amount) && entry.currency == "EUR", "\(at)")
                #expect(entry.valueDate.description == intended.value_date && entry.bookingDate?.description == intended.value_date, "\(at)")
                #expect(entry.payerName == intended.debtor && entry.payerIBAN == intended.iban, "\(at): \(entry.payerName ?? "-")")
                #expect(entry.endToEndID == (intended.end_to_end_id == "NOTPROVIDED" ? nil : intended.end_to_end_id), "\(at)")
                #expect(entry.remittance == intended.remittance, "\(at)")
                #expect(entry.creditorReference == intended.creditor_reference, "\(at)")
                #expect(entry.returnReason == intended.return_reason, "\(at)")
                // A batch's transactions each have their own reference (the entry's, numbered).
                #expect(entry.bankReference?.hasPrefix(intended.bank_reference) == true, "\(at)")
            }
            #expect(Set(statement.entries.compactMap(\.bankReference)).count == statement.entries.count, "\(file): references unique")
        }
    }

    @Test("hostile or wrong XML is refused with the field named")
    func refusals() {
        let dtd = Array("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\"/>".utf8)
        #expect(throws: StatementError.self) { try CamtReader.read(dtd) }
        let other = Array("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.03\"></Document>".utf8)
        do { _ = try CamtReader.read(other) } catch { #expect(error.field == "Document") }
        let noAmount = Array("""
            <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt>
            <Ntry><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><ValDt><Dt>2027-01-16</Dt></ValDt></Ntry>
            </Stmt></BkToCstmrStmt></Document>
            """.utf8)
        do { _ = try CamtReader.read(noAmount) } catch { #expect(error.field == "Ntry/Amt" && error.description.contains("entry 1")) }
        let cut = Array("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\"><BkToCstmrStmt>".utf8)
        #expect(throws: StatementError.self) { try CamtReader.read(cut) }
    }

    @Test("the period a statement covers: its to-date, else its creation date, else its latest booking")
    func period() throws {
        func read(_ header: String, statement: String = "") throws -> String? {
            try CamtReader.read(Array("""
                <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>M</MsgId>\(header)</GrpHdr><Stmt>\(statement)
                <Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2027-01-15</Dt></BookgDt>
                <ValDt><Dt>2027-01-16</Dt></ValDt></Ntry></Stmt></BkToCstmrStmt></Document>
                """.utf8)).periodEnd?.description
        }
        #expect(try read("<CreDtTm>2027-01-20T06:00:00+01:00</CreDtTm>") == "2027-01-20")
        #expect(try read("<CreDtTm>2027-01-20T06:00:00</CreDtTm>",
                          statement: "<Id>S1</Id><FrToDt><FrDtTm>2027-01-01T00:00:00</FrDtTm><ToDtTm>2027-01-17T23:59:59</ToDtTm></FrToDt>") == "2027-01-17")
        #expect(try read("") == "2027-01-15")
    }

    @Test("a statement over 10 MB is read whole (libxml2 refuses that much given at once)")
    func large() throws {
        var xml = #"<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt>"#
        let count = 24_000
        for index in 0..<count {
            xml += #"<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><ValDt><Dt>2027-01-16</Dt></ValDt>"#
                + "<AcctSvcrRef>R\(index)</AcctSvcrRef><NtryDtls><TxDtls><RmtInf><Ustrd>"
                + String(repeating: "Rechnung INV-\(index) ", count: 20) + "</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n"
        }
        xml += "</Stmt></BkToCstmrStmt></Document>\n"
        #expect(xml.utf8.count > 10_500_000)
        let statement = try CamtReader.read(Array(xml.utf8))
        #expect(statement.entries.count == count && statement.entries.last?.bankReference == "R\(count - 1)")
    }
}
