import Foundation
import OverdueCore
import OverdueDocuments
import OverdueSpool

/// What a PDF dropped in the inbox is: an e-invoice with its own PDF (a
/// Factur-X/ZUGFeRD/XRechnung hybrid), a PDF for invoices that name it
/// (`"document": "INV-2026-0042.pdf"`), or a file that cannot be used.
enum InboxPDF {
    enum Reading {
        case refused(String)
        /// The embedded XML's records; its invoices name this PDF as their document.
        case einvoice(InboxFormat, header: String?, records: [ParsedRecord])
        /// A readable PDF with no e-invoice in it (what it does embed).
        case document(embedded: [String])
        /// A readable PDF whose e-invoice cannot become an invoice (the
        /// reason): the PDF is still kept for a JSON/CSV record that names it.
        case unusableInvoice(String)
    }

    static func isPDF(name: String, bytes: [UInt8]) -> Bool {
        name.lowercased().hasSuffix(".pdf") || HybridPDF.looksLikePDF(bytes)
    }

    static func read(_ bytes: [UInt8], fileName: String, parser: InboxFileParser) -> Reading {
        let content: HybridPDF.Content
        do {
            content = try HybridPDF.read(bytes)
        } catch {
            return .refused(error.description)
        }
        switch content {
        case .noInvoice(let embedded):
            return .document(embedded: embedded)
        case .invoiceXML(let name, let xml):
            switch parser.parseEmbeddedXML(xml) {
            case .unreadable(let reason):
                let asXML = name.lowercased().hasSuffix(".xml") ? "" : " (an embedded e-invoice is read as XML, whatever its name)"
                return .unusableInvoice("the embedded \(name)\(asXML): \(reason)")
            case .statement:
                return .unusableInvoice("the embedded \(name) is a bank statement, not an e-invoice")
            case .records(let format, let header, var records):
                for index in records.indices {
                    guard case .accepted(.invoice(var invoice)) = records[index].outcome else { continue }
                    invoice.document = fileName
                    records[index].outcome = .accepted(.invoice(invoice))
                    records[index].note = [records[index].note, "read from \(name) embedded in the PDF"].compactMap { $0 }.joined(separator: "; ")
                }
                return .einvoice(format, header: header, records: records)
            }
        }
    }

    static func noInvoiceReason(embedded: [String]) -> String {
        let looked = HybridPDF.invoiceFileNames.joined(separator: ", ")
        let found = embedded.isEmpty ? "it embeds no files" : "it embeds \(embedded.joined(separator: ", "))"
        return "no EN 16931 XML embedded (looked for \(looked), or one XML attachment; \(found)); drop the XML, or a JSON/CSV record naming this PDF as its document"
    }
}

extension Ingester {
    /// A PDF: the e-invoice in it is ingested like an XML file and keeps the
    /// PDF as its document; a PDF without one is kept for the invoices that
    /// name it (now or later) and, if none does yet, reported in `rejected/`.
    func ingestPDF(_ entry: InboxFiles.Entry, bytes: [UInt8], digest: String, now: Date,
                   summary: inout IngestSummary) throws {
        let document = StoredDocument(name: entry.name, sha256: digest, size: bytes.count)
        switch InboxPDF.read(bytes, fileName: entry.name, parser: parser) {
        case .refused(let reason):
            try rejectWholeFile(entry, digest: digest, reason: reason, now: now)
            summary.rejected += 1
        case .einvoice(let format, let header, let records):
            try documents.put(bytes, sha256: digest)
            try ingestRecords(records, format: format, header: header, entry: entry, digest: digest, now: now,
                              summary: &summary, document: document)
        case .document(let embedded):
            try keepAsDocument(entry, bytes: bytes, document: document, reason: InboxPDF.noInvoiceReason(embedded: embedded),
                               now: now, summary: &summary)
        case .unusableInvoice(let reason):
            try keepAsDocument(entry, bytes: bytes, document: document,
                               reason: reason + " (a JSON/CSV invoice with the contact and \"document\": \"\(entry.name)\" gets this PDF attached)",
                               now: now, summary: &summary)
        }
    }

    /// A PDF that is no invoice by itself: kept for the invoices that name
    /// it (now or later); if none does yet, reported in `rejected/` with why.
    private func keepAsDocument(_ entry: InboxFiles.Entry, bytes: [UInt8], document: StoredDocument, reason: String, now: Date,
                                summary: inout IngestSummary) throws {
        let digest = document.sha256
        try documents.put(bytes, sha256: digest)
        let attached = try ingestRecords([], format: .json, header: nil, entry: entry, digest: digest, now: now,
                                         summary: &summary, document: document)
        guard attached.isEmpty else { return }
        let name = InboxFiles.spoolName(digest: digest, original: entry.name)
        let report = "overdue did not read an invoice from \(entry.name), at \(Timestamp.format(now)): \(reason).\n"
            + "The PDF is kept (documents/\(digest).pdf): a JSON/CSV invoice with \"document\": \"\(entry.name)\" dropped later gets it attached, and this note can then be deleted.\n"
        try DurableIO.writeAtomically(Array(report.utf8), to: spool.rejected.appendingPathComponent(name + ".error"))
        try log.append([LogEntry(time: now, event: "rejected", fields: [
            "file": .string(entry.name), "field": .string("file"), "detail": .string(reason),
            "kept_as_document": .bool(true),
        ])])
        summary.rejected += 1
    }
}
