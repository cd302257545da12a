import Foundation
@testable import OverdueCore
import Testing

/// XML that costs more to read than its size suggests: deep nesting (the
/// element path was rebuilt per element, quadratic in depth), a DTD placed
/// after the first 4 KiB (the old guard looked only there), and entity
/// references with no DTD at all. Each must end in a refusal that says why.
@Suite("E-invoices: nesting depth, DTDs anywhere, entities")
struct BoundedXMLTests {
    static let ubl = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"

    func refusal(_ xml: String) -> String {
        switch InboxFileParser().parse(Array(xml.utf8), fileName: "evil.xml") {
        case .unreadable(let reason): reason
        case .records, .statement: "accepted"
        }
    }

    /// An invoice whose note nests `depth` elements (`<a><a>…</a></a>`).
    static func nested(depth: Int) -> String {
        "<?xml version=\"1.0\"?><Invoice xmlns=\"\(ubl)\"><ID>N-1</ID><Note>"
            + String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth) + "</Note></Invoice>"
    }

    @Test("nesting past 64 levels is refused naming the limit; 64 levels are read")
    func depth() {
        let deep = refusal(Self.nested(depth: 63))  // Invoice + Note + 63 = 65 levels
        #expect(deep.contains("64 levels"), "\(deep)")
        // 64 levels in all: read, and refused only for what an invoice lacks.
        let ok = refusal(Self.nested(depth: 62))
        #expect(!ok.contains("levels") && ok.contains("BT-"), "\(ok)")
    }

    @Test("a 280 KB document nested 70,000 deep is refused by depth (it took a minute when the path was rebuilt per element)")
    func deepAttack() {
        let reason = refusal(Self.nested(depth: 40_000))
        #expect(reason.contains("64 levels"), "\(reason)")
    }

    @Test("a DTD after 5 KiB of comments is refused, and its entity never reaches a field")
    func lateDTD() {
        let padding = "<!--" + String(repeating: "x", count: 5_000) + "-->"
        let xml = "<?xml version=\"1.0\"?>\(padding)<!DOCTYPE Invoice [<!ENTITY who \"Injected GmbH\">]>"
            + "<Invoice xmlns=\"\(Self.ubl)\"><ID>E-1</ID><IssueDate>2026-11-01</IssueDate><DocumentCurrencyCode>EUR</DocumentCurrencyCode>"
            + "<AccountingCustomerParty><Party><PartyLegalEntity><RegistrationName>&who;</RegistrationName></PartyLegalEntity></Party></AccountingCustomerParty>"
            + "<LegalMonetaryTotal><PayableAmount>10.00</PayableAmount></LegalMonetaryTotal></Invoice>"
        let reason = refusal(xml)
        #expect(reason.contains("DTD"), "\(reason)")
    }

    @Test("an entity reference with no DTD is refused, not looked up")
    func undeclaredEntity() {
        let reason = refusal("<?xml version=\"1.0\"?><Invoice xmlns=\"\(Self.ubl)\"><ID>&secret;</ID></Invoice>")
        #expect(reason.contains("entit"), "\(reason)")
    }

    @Test("UTF-16 XML (where a DTD scan of the bytes sees nothing) is refused: EN 16931 syntaxes are UTF-8")
    func utf16() throws {
        let text = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><!DOCTYPE x [<!ENTITY e \"E\">]><Invoice xmlns=\"\(Self.ubl)\"><ID>&e;</ID></Invoice>"
        let bytes = [UInt8](try #require(text.data(using: .utf16LittleEndian)))
        #expect(throws: EInvoiceReader.Refusal.self) { try EInvoiceReader.read(bytes) }
    }
}
