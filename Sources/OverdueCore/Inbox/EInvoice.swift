import Foundation
#if canImport(FoundationXML)
import FoundationXML
import OverdueCalendar
#endif

/// The EN 16931 business terms overdue needs from an e-invoice, read from
/// UBL 2.1 (Invoice, CreditNote) or UN/CEFACT CII (CrossIndustryInvoice).
public struct EInvoice: Sendable, Equatable {
    public enum Syntax: String, Sendable { case ubl = "ubl-invoice", ublCreditNote = "ubl-creditnote", cii }

    public var syntax: Syntax
    public var number: String?             // BT-1
    public var issueDate: CalendarDate?    // BT-2
    public var typeCode: String?           // BT-3
    public var currency: String?           // BT-5
    public var dueDate: CalendarDate?      // BT-9
    public var paymentTerms: String?       // BT-20
    public var precedingInvoice: String?   // BT-25
    public var sellerName: String?         // BT-27
    public var buyerName: String?          // BT-44
    public var buyerID: String?            // BT-46
    public var buyerVATID: String?         // BT-48
    public var buyerCountry: String?       // BT-55
    public var buyerEndpoint: String?      // BT-49
    public var buyerEndpointScheme: String?
    public var buyerContactEmail: String?  // BT-58
    public var buyerPhone: String?
    public var buyerContactName: String?
    public var payableAmount: Decimal?     // BT-115

    /// BT-58, else BT-49 when its scheme is "EM" (e-mail).
    public var buyerEmail: String? {
        buyerContactEmail ?? (buyerEndpointScheme?.uppercased() == "EM" ? buyerEndpoint : nil)
    }
}

/// Reads an e-invoice with Foundation's XMLParser, keeping only the text of
/// the elements it maps (so a large base64 attachment is streamed past, not
/// held). Documents with a DTD or entities are refused (`XMLGuard`): e-invoices
/// never need one, and it is how entity-expansion and external-entity
/// attacks work. Nesting is capped, and the element path is kept
/// incrementally, so reading costs time linear in the document's size.
public enum EInvoiceReader {
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    static let ublInvoice = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
    static let ublCreditNote = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
    static let cii = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"

    public static func read(_ bytes: [UInt8]) throws -> EInvoice {
        // A DTD anywhere before the root element is refused outright, before libxml2 sees it.
        if let problem = XMLGuard.prologProblem(bytes) { throw Refusal(description: problem) }
        let delegate = Collector()
        let parser = XMLParser(data: Data(bytes))
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        parser.delegate = delegate
        let ok = parser.parse()
        if let refusal = delegate.refusal { throw refusal }
        guard ok else {
            throw Refusal(description: "the XML is not well-formed (line \(parser.lineNumber)): \(parser.parserError.map { "\($0.localizedDescription)" } ?? "parse error")")
        }
        guard let syntax = delegate.syntax else { throw Refusal(description: "the file is XML but not an e-invoice") }
        // Foundation's parser on Linux can report success for a document that
        // simply stops; a file cut short must not become an invoice.
        guard delegate.rootClosed else {
            throw Refusal(description: "the XML is not well-formed: it ends before its root element is closed (a file cut short?)")
        }
        return delegate.result(syntax)
    }

    /// Element paths (local names from the root) to the field they hold.
    static let ublPaths: [String: String] = [
        "ID": "number", "IssueDate": "issue", "InvoiceTypeCode": "type", "CreditNoteTypeCode": "type",
        "DocumentCurrencyCode": "currency", "DueDate": "due", "PaymentMeans/PaymentDueDate": "due2",
        "PaymentTerms/Note": "terms", "BillingReference/InvoiceDocumentReference/ID": "preceding",
        "LegalMonetaryTotal/PayableAmount": "payable",
        "AccountingSupplierParty/Party/PartyLegalEntity/RegistrationName": "seller",
        "AccountingCustomerParty/Party/PartyLegalEntity/RegistrationName": "buyer",
        "AccountingCustomerParty/Party/PartyIdentification/ID": "buyerID",
        "AccountingCustomerParty/Party/EndpointID": "endpoint",
        "AccountingCustomerParty/Party/Contact/ElectronicMail": "email",
        "AccountingCustomerParty/Party/Contact/Telephone": "phone",
        "AccountingCustomerParty/Party/Contact/Name": "contact",
        "AccountingCustomerParty/Party/PartyTaxScheme/CompanyID": "vat",
        "AccountingCustomerParty/Party/PostalAddress/Country/IdentificationCode": "country",
    ]

    static let ciiPaths: [String: String] = [
        "ExchangedDocument/ID": "number", "ExchangedDocument/TypeCode": "type",
        "ExchangedDocument/IssueDateTime/DateTimeString": "issue",
        "SupplyChainTradeTransaction/ApplicableHeaderTradeSettlement/InvoiceCurrencyCode": "currency",
        "SupplyChainTradeTransaction/ApplicableHeaderTradeSettlement/SpecifiedTradePaymentTerms/DueDateDateTime/DateTimeString": "due",
        "SupplyChainTradeTransaction/ApplicableHeaderTradeSettlement/SpecifiedTradePaymentTerms/Description": "terms",
        "SupplyChainTradeTransaction/ApplicableHeaderTradeSettlement/InvoiceReferencedDocument/IssuerAssignedID": "preceding",
        "SupplyChainTradeTransaction/ApplicableHeaderTradeSettlement/SpecifiedTradeSettlementHeaderMonetarySummation/DuePayableAmount": "payable",
        "SupplyChainTradeTransaction/ApplicableHeaderTradeAgreement/SellerTradeParty/Name": "seller",
        "SupplyChainTradeTransaction/ApplicableHeaderTradeAgreement/BuyerTradeParty/Name": "buyer",
        "SupplyChainTradeTransaction/ApplicableHeaderTradeAgreement/BuyerTradeParty/ID": "buyerID",
        "SupplyChainTradeTransaction/ApplicableHeaderTradeAgreement/BuyerTradeParty/URIUniversalCommunication/URIID": "endpoint",
        "SupplyChainTradeTransaction/ApplicableHeaderTradeAgreement/BuyerTradeParty/DefinedTradeContact/EmailURIUniversalCommunication/URIID": "email",
        "SupplyChainTradeTransaction/ApplicableHeaderTradeAgreement/BuyerTradeParty/DefinedTradeContact/TelephoneUniversalCommunication/CompleteNumber": "phone",
        "SupplyChainTradeTransaction/ApplicableHeaderTradeAgreement/BuyerTradeParty/DefinedTradeContact/PersonName": "contact",
        "SupplyChainTradeTransaction/ApplicableHeaderTradeAgreement/BuyerTradeParty/SpecifiedTaxRegistration/ID": "vat",
        "SupplyChainTradeTransaction/ApplicableHeaderTradeAgreement/BuyerTradeParty/PostalTradeAddress/CountryID": "country",
    ]

    final class Collector: NSObject, XMLParserDelegate {
        var syntax: EInvoice.Syntax?
        var refusal: Refusal?
        var rootClosed = false
        /// Elements open now, the root included.
        private var depth = 0
        /// The open elements' local names below the root ("Party/Contact"),
        /// grown and cut at its end: rebuilt per element, it made reading
        /// quadratic in the nesting depth.
        private var path = ""
        /// How many scalars each open element below the root added to `path`.
        private var added: [Int] = []
        private var paths: [String: String] = [:]
        private var capturing: String?
        private var captureDepth = 0
        private var text = ""
        private var values: [String: String] = [:]
        private var endpointScheme: String?

        /// The first refusal wins; libxml2 may call back once more after an abort.
        func refuse(_ reason: String, _ parser: XMLParser) {
            if refusal == nil { refusal = Refusal(description: reason) }
            parser.abortParsing()
        }

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            guard refusal == nil else { return }
            depth += 1
            guard depth <= XMLGuard.maxDepth else { return refuse(XMLGuard.tooDeep(line: parser.lineNumber), parser) }
            if depth == 1 {
                switch (name, namespaceURI ?? "") {
                case ("Invoice", EInvoiceReader.ublInvoice): syntax = .ubl; paths = EInvoiceReader.ublPaths
                case ("CreditNote", EInvoiceReader.ublCreditNote): syntax = .ublCreditNote; paths = EInvoiceReader.ublPaths
                case ("CrossIndustryInvoice", EInvoiceReader.cii): syntax = .cii; paths = EInvoiceReader.ciiPaths
                default:
                    // Shortened: a mangled namespace can be a whole attachment long (found by FuzzTests).
                    refuse("the XML root is <\(FieldRules.printable(name))> in \(namespaceURI.map(FieldRules.printable) ?? "no namespace"); expected a UBL 2.1 Invoice or CreditNote, or a UN/CEFACT CrossIndustryInvoice", parser)
                }
                return
            }
            let segment = depth == 2 ? name : "/" + name
            path += segment
            added.append(segment.unicodeScalars.count)
            // CII lists tax registrations by scheme: BT-48 is the one marked VA.
            if capturing == nil, let field = paths[path], values[field] == nil,
               !(field == "vat" && syntax == .cii && attributes["schemeID"] != "VA") {
                capturing = field
                captureDepth = depth
                text = ""
                if field == "endpoint" { endpointScheme = attributes["schemeID"] }
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            // Only the mapped elements' text is kept; attachments pass by.
            if capturing != nil, refusal == nil, text.utf8.count < 4096 { text += string }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            guard refusal == nil, depth > 0 else { return }
            if let field = capturing, depth == captureDepth {
                values[field] = text.trimmingCharacters(in: .whitespacesAndNewlines)
                capturing = nil
            }
            if let count = added.popLast() { path.unicodeScalars.removeLast(count) }
            depth -= 1
            if depth == 0 { rootClosed = true }
        }

        func result(_ syntax: EInvoice.Syntax) -> EInvoice {
            func date(_ field: String) -> CalendarDate? {
                guard let raw = values[field] else { return nil }
                if raw.count == 8, raw.allSatisfy(\.isNumber) {  // CII format 102: CCYYMMDD
                    return CalendarDate(iso: "\(raw.prefix(4))-\(raw.dropFirst(4).prefix(2))-\(raw.suffix(2))")
                }
                return CalendarDate(iso: raw)
            }
            func nonEmpty(_ field: String) -> String? { values[field].flatMap { $0.isEmpty ? nil : $0 } }
            return EInvoice(
                syntax: syntax, number: nonEmpty("number"), issueDate: date("issue"), typeCode: nonEmpty("type"),
                currency: nonEmpty("currency"), dueDate: date("due") ?? date("due2"), paymentTerms: nonEmpty("terms"),
                precedingInvoice: nonEmpty("preceding"), sellerName: nonEmpty("seller"), buyerName: nonEmpty("buyer"),
                buyerID: nonEmpty("buyerID"), buyerVATID: nonEmpty("vat"), buyerCountry: nonEmpty("country"),
                buyerEndpoint: nonEmpty("endpoint"), buyerEndpointScheme: endpointScheme,
                buyerContactEmail: nonEmpty("email"), buyerPhone: nonEmpty("phone"), buyerContactName: nonEmpty("contact"),
                payableAmount: values["payable"].flatMap { Money.parse($0) })
        }
    }
}
