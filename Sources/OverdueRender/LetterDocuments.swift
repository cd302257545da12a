import OverdueConfig
import OverdueCore

/// One invoice PDF as a message mentions it: the invoices it belongs to and
/// the stored file.
public struct LetterDocument: Sendable, Equatable {
    /// The invoice numbers the PDF is the document of (usually one).
    public var invoices: [String]
    public var name: String
    public var size: Int
    public var sha256: String
}

/// Which PDFs a message carries. Decided here once, before the letter is
/// rendered, because the letter says which ones were left out.
public struct LetterDocuments: Sendable, Equatable {
    /// Attached to the e-mail (for a webhook: named in the payload).
    public var attached: [LetterDocument] = []
    /// Left out to stay under `max_attachment_bytes`: the letter offers them on request.
    public var onRequest: [LetterDocument] = []
    /// Invoices that name a PDF which has not arrived (invoice, file name).
    public var missing: [(invoice: String, name: String)] = []

    public init() {}

    public static func == (left: LetterDocuments, right: LetterDocuments) -> Bool {
        left.attached == right.attached && left.onRequest == right.onRequest
            && left.missing.map { "\($0.invoice)|\($0.name)" } == right.missing.map { "\($0.invoice)|\($0.name)" }
    }

    /// The PDFs of the invoices a send demands, each file once. E-mail
    /// attaches them up to `rules.maxBytes` (the largest left out first);
    /// a webhook names them all; SMS and the call list carry none.
    public static func select(for send: PlannedSend, ledger: Ledger, rules: AttachmentRules) -> LetterDocuments {
        var selection = LetterDocuments()
        guard send.channel == .email || send.channel == .webhook else { return selection }
        var seen: Set<String> = []
        var byHash: [String: Int] = [:]
        var documents: [LetterDocument] = []
        for item in send.items where seen.insert(item.item.invoice).inserted {
            guard let entry = ledger[item.item.invoice], let named = entry.invoice.document else { continue }
            guard let stored = entry.document else {
                selection.missing.append((item.item.invoice, named))
                continue
            }
            if let index = byHash[stored.sha256] {
                documents[index].invoices.append(item.item.invoice)
            } else {
                byHash[stored.sha256] = documents.count
                documents.append(LetterDocument(invoices: [item.item.invoice], name: stored.name, size: stored.size, sha256: stored.sha256))
            }
        }
        guard send.channel == .email else {
            selection.attached = documents
            return selection
        }
        guard rules.attach else { return selection }
        var total = documents.reduce(0) { $0 + $1.size }
        // Largest first out of the message until the rest fits.
        for document in documents.sorted(by: { $0.size > $1.size }) where total > rules.maxBytes {
            selection.onRequest.append(document)
            total -= document.size
        }
        let left = Set(selection.onRequest.map(\.sha256))
        selection.attached = documents.filter { !left.contains($0.sha256) }
        selection.onRequest = documents.filter { left.contains($0.sha256) }
        return selection
    }
}
