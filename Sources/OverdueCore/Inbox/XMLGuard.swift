import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// What an e-invoice's XML may not do, checked before and while parsing.
///
/// Foundation's XMLParser on Linux parses with libxml2's push parser,
/// which substitutes entities (XML_PARSE_NOENT), has no nesting limit of
/// its own and passes no DOCTYPE or internal entity declaration to the
/// delegate. So the prolog (everything before the root element) is
/// scanned in full here, and the delegate callbacks it does deliver for a
/// DTD refuse the document as well.
enum XMLGuard {
    /// Deeper than any EN 16931 syntax nests (UBL and CII reach about 10);
    /// past it a document is hostile, not an invoice.
    static let maxDepth = 64

    /// The kind of document, for the words of a refusal.
    enum Document {
        case eInvoice, statement
        var plural: String { self == .eInvoice ? "e-invoices (EN 16931)" : "bank statements (ISO 20022 camt)" }
        var again: String { self == .eInvoice ? "export the invoice again" : "export the statement again" }
    }

    static func dtdRefusal(_ document: Document = .eInvoice) -> String {
        "the XML declares a DTD or entities (<!DOCTYPE/<!ENTITY>), which \(document.plural) never need; it is refused as unsafe: \(document.again) without a DOCTYPE"
    }

    static func tooDeep(line: Int, _ document: Document = .eInvoice) -> String {
        "the XML nests elements more than \(maxDepth) levels deep (line \(line)); \(document.plural) nest about 10, so it is refused as unsafe: \(document.again)"
    }

    static func entity(_ name: String) -> String {
        "the XML refers to an entity (&\(name.prefix(40));) that is not one of XML's own five (&amp; &lt; &gt; &quot; &apos;); e-invoices need none, so it is refused as unsafe"
    }

    /// Why the bytes before the root element cannot be read safely, or nil.
    /// Linear in the prolog's length, however long the comments before a
    /// DOCTYPE are.
    static func prologProblem(_ bytes: [UInt8], _ document: Document = .eInvoice) -> String? {
        // UTF-16/32 put NUL bytes in the markup, where a byte scan for
        // "<!DOCTYPE" cannot see it; EN 16931's syntaxes are UTF-8 anyway.
        if bytes.prefix(4).contains(0) || bytes.starts(with: [0xFE, 0xFF]) || bytes.starts(with: [0xFF, 0xFE]) {
            return "the XML is UTF-16 or UTF-32, not UTF-8 (\(document.plural) are exported in UTF-8); \(document.again) as UTF-8"
        }
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        func starts(_ text: String, at position: Int) -> Bool {
            let marker = Array(text.utf8)
            return position + marker.count <= bytes.count && bytes[position..<position + marker.count].elementsEqual(marker)
        }
        func skip(past end: String, from position: Int) -> Int? {
            let marker = Array(end.utf8)
            var at = position
            while at + marker.count <= bytes.count {
                if bytes[at] == marker[0], bytes[at..<at + marker.count].elementsEqual(marker) { return at + marker.count }
                at += 1
            }
            return nil
        }
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D:
                index += 1
            case UInt8(ascii: "<"):
                if starts("<?", at: index) {
                    guard let next = skip(past: "?>", from: index + 2) else { return nil }  // the parser says it is cut short
                    index = next
                } else if starts("<!--", at: index) {
                    guard let next = skip(past: "-->", from: index + 4) else { return nil }
                    index = next
                } else if starts("<!", at: index) {
                    return dtdRefusal(document)  // <!DOCTYPE, or any other declaration before the root
                } else {
                    return nil  // the root element: the rest is the parser's
                }
            default:
                return nil  // not markup: the parser names what is wrong
            }
        }
        return nil
    }
}

extension EInvoiceReader.Collector {
    // The DTD callbacks Foundation delivers (on Linux: element, attribute,
    // notation and unparsed-entity declarations); any of them means a DTD
    // the prolog scan did not see, so the document is refused.

    func refuseDTD(_ parser: XMLParser) {
        refuse(XMLGuard.dtdRefusal(), parser)
    }

    func parser(_ parser: XMLParser, foundElementDeclarationWithName elementName: String, model: String) { refuseDTD(parser) }
    func parser(_ parser: XMLParser, foundAttributeDeclarationWithName attributeName: String, forElement elementName: String,
                type: String?, defaultValue: String?) { refuseDTD(parser) }
    func parser(_ parser: XMLParser, foundNotationDeclarationWithName name: String, publicID: String?, systemID: String?) { refuseDTD(parser) }
    func parser(_ parser: XMLParser, foundUnparsedEntityDeclarationWithName name: String, publicID: String?, systemID: String?,
                notationName: String?) { refuseDTD(parser) }
    func parser(_ parser: XMLParser, foundInternalEntityDeclarationWithName name: String, value: String?) { refuseDTD(parser) }
    func parser(_ parser: XMLParser, foundExternalEntityDeclarationWithName name: String, publicID: String?, systemID: String?) {
        refuseDTD(parser)
    }

    /// An entity reference libxml2 could not find: never resolved, always refused.
    func parser(_ parser: XMLParser, resolveExternalEntityName name: String, systemID: String?) -> Data? {
        refuse(XMLGuard.entity(name), parser)
        return nil
    }
}
