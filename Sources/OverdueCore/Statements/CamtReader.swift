import Foundation
#if canImport(FoundationXML)
import FoundationXML
import OverdueCalendar
#endif

/// ISO 20022 bank-to-customer statements (camt.053) and debit/credit
/// notifications (camt.054), every version from .001.02 on, and account
/// reports (camt.052): read by element names, which the versions share
/// (the differences handled: `Sts` or `Sts/Cd`, `Dbtr/Nm` or `Dbtr/Pty/Nm`,
/// a transaction's amount in `Amt` or `AmtDtls/TxAmt/Amt`). Foundation's
/// XMLParser, external entities off, DTDs refused and nesting capped
/// (`XMLGuard`). Only booked entries are read; a batch booking with several
/// transaction details gives one entry per transaction.
public enum CamtReader {
    static let namespacePrefix = "urn:iso:std:iso:20022:tech:xsd:camt.05"

    /// Whether the bytes look like a camt document: its namespace in the
    /// first 64 KiB (comments and a long header may come before the root),
    /// in UTF-8, or in UTF-16 (refused with its reason, not taken for binary).
    public static func looksLike(_ bytes: [UInt8]) -> Bool {
        let head = bytes.prefix(65_536)
        let marker = Array(namespacePrefix.utf8)
        if head.firstRange(of: marker) != nil { return true }
        // UTF-16, either byte order: every ASCII character with a NUL beside it.
        guard head.prefix(4).contains(0) else { return false }
        let wide: [UInt8] = marker.flatMap { byte -> [UInt8] in [byte, 0] }
        return head.firstRange(of: wide) != nil || head.firstRange(of: [0] + wide.dropLast()) != nil
    }

    public static func read(_ bytes: [UInt8]) throws(StatementError) -> BankStatement {
        if let problem = XMLGuard.prologProblem(bytes, .statement) { throw StatementError(position: "line 1", field: "XML", reason: problem) }
        let collector = Collector()
        // From a stream, which Foundation feeds to libxml2 in chunks: given
        // all at once, libxml2 refuses a document over 10 MB ("huge input
        // lookup"), and a month's camt.053 of a large seller is larger.
        let parser = XMLParser(stream: InputStream(data: Data(bytes)))
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        parser.delegate = collector
        let ok = parser.parse()
        if let refusal = collector.refusal { throw refusal }
        guard ok, collector.rootClosed else {
            // Foundation names libxml2's errors by number only ("NSXMLParserErrorDomain error 5"): say what it means here.
            let code = (parser.parserError as NSError?)?.code ?? 0
            let why = ok ? "its root element never closes: the file is cut short"
                : "at line \(parser.lineNumber), column \(parser.columnNumber) (libxml2 error \(code)); if the file ends there, it is cut short"
            throw StatementError(position: "line \(parser.lineNumber)", field: "XML", reason: "the statement is not well-formed XML (\(why)); export it again")
        }
        guard let format = collector.format else {
            throw StatementError(position: "line 1", field: "Document", reason: "the XML is not a camt.052, camt.053 or camt.054 document")
        }
        return BankStatement(format: format, account: collector.account.flatMap { StatementEntry.accountKey($0) },
                             entries: collector.entries.map { $0.cleaned() }, periodEnd: collector.periodEnd)
    }

    /// One `Ntry` or `TxDtls` being read: its values by path below it.
    struct Values {
        var text: [String: [String]] = [:]
        var currency: [String: String] = [:]
        var line: Int
        func first(_ paths: String...) -> String? {
            for path in paths { if let value = text[path]?.first(where: { !$0.isEmpty }) { return value } }
            return nil
        }
    }

    final class Collector: NSObject, XMLParserDelegate {
        var format: String?
        var account: String?
        var entries: [StatementEntry] = []
        var refusal: StatementError?
        var rootClosed = false
        /// The statement's to-date (`FrToDt/ToDtTm`), else its creation date (`CreDtTm`).
        var periodEnd: CalendarDate? { toDate ?? created }
        private var toDate: CalendarDate?
        private var created: CalendarDate?
        private var names: [String] = []
        private var entryDepth: Int?
        private var detailDepth: Int?
        private var entry: Values?
        private var details: [Values] = []
        private var text = ""
        private var entryNumber = 0

        func refuse(_ field: String, _ reason: String, _ parser: XMLParser) {
            if refusal == nil { refusal = StatementError(position: "line \(parser.lineNumber)", field: field, reason: reason) }
            parser.abortParsing()
        }

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            guard refusal == nil else { return }
            names.append(name)
            guard names.count <= XMLGuard.maxDepth else { return refuse("XML", XMLGuard.tooDeep(line: parser.lineNumber, .statement), parser) }
            if names.count == 1 {
                let namespace = namespaceURI ?? ""
                guard name == "Document", namespace.hasPrefix(CamtReader.namespacePrefix) else {
                    return refuse("Document", "the XML root is <\(FieldRules.printable(name))> in \(FieldRules.printable(namespace)); expected an ISO 20022 camt.053 or camt.054 Document", parser)
                }
                format = String(namespace.dropFirst("urn:iso:std:iso:20022:tech:xsd:".count))
            }
            if name == "Ntry", entryDepth == nil {
                entryDepth = names.count
                entryNumber += 1
                entry = Values(line: parser.lineNumber)
                details = []
            } else if name == "TxDtls", entryDepth != nil, detailDepth == nil {
                detailDepth = names.count
                details.append(Values(line: parser.lineNumber))
            }
            if let currency = attributes["Ccy"] {
                let path = relativePath()
                if detailDepth != nil { details[details.count - 1].currency[path] = currency } else { entry?.currency[path] = currency }
            }
            text = ""
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if refusal == nil, text.utf8.count < 4096 { text += string }
        }

        /// The open elements below the current `TxDtls`, else `Ntry`, else the root's child.
        private func relativePath() -> String {
            let start = detailDepth ?? entryDepth ?? 2
            return names.count > start ? names[start...].joined(separator: "/") : ""
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            guard refusal == nil, !names.isEmpty else { return }
            let value = Self.trimmedXMLSpace(text)
            let path = relativePath()
            if !value.isEmpty {
                if detailDepth != nil {
                    details[details.count - 1].text[path, default: []].append(value)
                } else if entryDepth != nil {
                    entry?.text[path, default: []].append(value)
                } else if account == nil, path.hasSuffix("Acct/Id/IBAN") || path.hasSuffix("Acct/Id/Othr/Id") {
                    account = value
                } else if path.hasSuffix("FrToDt/ToDtTm") || path.hasSuffix("FrToDt/ToDt") {
                    toDate = CalendarDate(iso: String(value.prefix(10)))
                } else if created == nil, path.hasSuffix("CreDtTm") {
                    created = CalendarDate(iso: String(value.prefix(10)))
                }
            }
            text = ""
            if names.count == detailDepth { detailDepth = nil }
            if names.count == entryDepth {
                entryDepth = nil
                if let entry { finish(entry, parser) }
                entry = nil
            }
            names.removeLast()
            if names.isEmpty { rootClosed = true }
        }

        /// Without XML's white space (space, tab, CR, LF) at either end; by
        /// bytes (Foundation's trimming was the reader's largest cost).
        static func trimmedXMLSpace(_ text: String) -> String {
            let utf8 = text.utf8
            func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
            guard let first = utf8.firstIndex(where: { !isSpace($0) }), let last = utf8.lastIndex(where: { !isSpace($0) }) else { return "" }
            if first == utf8.startIndex, last == utf8.index(before: utf8.endIndex) { return text }
            return String(text[first...last])
        }

        /// A booked entry → one `StatementEntry` per transaction (or one).
        private func finish(_ entry: Values, _ parser: XMLParser) {
            let position = "entry \(entryNumber) (line \(entry.line))"
            let status = entry.first("Sts", "Sts/Cd") ?? "BOOK"
            guard status == "BOOK" else { return }  // pending or information only: not money yet
            guard let amountText = entry.first("Amt"), let amount = Money.parse(amountText), amount >= 0 else {
                return refuse("Ntry/Amt", "\(position) has no amount (or a negative one); export the statement again", parser)
            }
            guard let currency = entry.currency["Amt"], Currency.isKnown(currency) else {
                let found = entry.currency["Amt"].map { "\"\(FieldRules.printable($0))\" is not an ISO 4217 currency" } ?? "there is none"
                return refuse("Ntry/Amt/@Ccy", "\(position): the currency of its amount: \(found) (write it as the bank does, e.g. Ccy=\"EUR\"); export the statement again", parser)
            }
            if let problem = StatementEntry.amountProblem(amountText, maxDigits: 18, currency: currency) {
                return refuse("Ntry/Amt", "\(position): \(problem); the statement is damaged: export it again", parser)
            }
            let credit = entry.first("CdtDbtInd") == "CRDT"
            let reversal = entry.first("RvslInd").map { $0 == "true" || $0 == "1" } ?? false
            // ISO 20022's usage rule: with RvslInd, DBIT takes back an earlier credit and CRDT an earlier debit.
            let direction: StatementEntry.Direction = credit ? (reversal ? .debitReversal : .credit) : (reversal ? .creditReversal : .debit)
            guard let valueDate = date(entry.first("ValDt/Dt", "ValDt/DtTm")) ?? date(entry.first("BookgDt/Dt", "BookgDt/DtTm")) else {
                let written = entry.first("ValDt/Dt", "ValDt/DtTm", "BookgDt/Dt", "BookgDt/DtTm")
                return refuse("Ntry/ValDt", written.map { "\(position): its value date \"\(FieldRules.printable($0))\" is not a date (YYYY-MM-DD); export the statement again" }
                              ?? "\(position) has no value or booking date; export the statement again", parser)
            }
            let parts = details.isEmpty ? [Values(line: entry.line)] : details
            for (index, detail) in parts.enumerated() {
                var amountHere = amount
                var currencyHere = currency
                if parts.count > 1 {
                    // A batch: each transaction's own amount.
                    guard let text = detail.first("Amt", "AmtDtls/TxAmt/Amt"), let own = Money.parse(text), own >= 0 else {
                        return refuse("TxDtls/Amt", "\(position), transaction \(index + 1) of a batch has no amount of its own", parser)
                    }
                    amountHere = own
                    currencyHere = detail.currency["Amt"] ?? detail.currency["AmtDtls/TxAmt/Amt"] ?? currency
                    if let problem = StatementEntry.amountProblem(text, maxDigits: 18, currency: currencyHere) {
                        return refuse("TxDtls/Amt", "\(position), transaction \(index + 1): \(problem); the statement is damaged: export it again", parser)
                    }
                }
                var read = StatementEntry(direction: direction, amount: amountHere, currency: currencyHere, valueDate: valueDate,
                                          position: parts.count > 1 ? "\(position), transaction \(index + 1)" : position)
                read.bookingDate = date(entry.first("BookgDt/Dt", "BookgDt/DtTm"))
                read.bankReference = detail.first("Refs/AcctSvcrRef").flatMap(MT940Reader.meaningful)
                    ?? entry.first("AcctSvcrRef", "NtryRef").flatMap { parts.count > 1 ? "\($0)/\(index + 1)" : $0 }
                read.endToEndID = detail.first("Refs/EndToEndId").flatMap { MT940Reader.meaningful(Substring($0)) }
                read.payerName = detail.first("RltdPties/Dbtr/Nm", "RltdPties/Dbtr/Pty/Nm", "RltdPties/UltmtDbtr/Nm", "RltdPties/UltmtDbtr/Pty/Nm")
                read.payerIBAN = detail.first("RltdPties/DbtrAcct/Id/IBAN")
                if direction == .creditReversal {
                    // A returned credit goes back to the payer, whom some banks name as the return's creditor.
                    read.payerName = read.payerName ?? detail.first("RltdPties/Cdtr/Nm", "RltdPties/Cdtr/Pty/Nm")
                    read.payerIBAN = read.payerIBAN ?? detail.first("RltdPties/CdtrAcct/Id/IBAN")
                }
                read.creditorReference = detail.first("RmtInf/Strd/CdtrRefInf/Ref", "RmtInf/Strd/CdtrRefInf/CdtrRef")
                read.remittance = (detail.text["RmtInf/Ustrd"] ?? []).joined(separator: " ")
                if read.creditorReference == nil { read.creditorReference = CreditorReference.find(in: read.remittance) }
                read.returnReason = detail.first("RtrInf/Rsn/Cd", "RtrInf/Rsn/Prtry")
                entries.append(read)
            }
        }

        /// "2027-01-16" or "2027-01-16T10:00:00+01:00": the day as written.
        private func date(_ text: String?) -> CalendarDate? {
            text.flatMap { CalendarDate(iso: $0.prefix(10)) }
        }
    }
}

private extension MT940Reader {
    static func meaningful(_ text: String) -> String? { meaningful(Substring(text)) }
}
