import CQPDF

/// A Factur-X / ZUGFeRD / XRechnung hybrid: a PDF (PDF/A-3) that carries the
/// EN 16931 XML as an embedded file. This finds that file with qpdf and
/// returns its bytes; the XML itself goes through the same reader as an
/// XML file dropped in the inbox.
///
/// qpdf, not poppler: it reads lazily from memory (only the objects asked
/// for), reconstructs damaged cross-reference tables instead of failing, has
/// been fuzzed on OSS-Fuzz since 2019, and its Debian package pulls in only
/// zlib, libjpeg and a TLS library, where poppler-glib brings cairo, glib,
/// fontconfig and a long CVE record from rendering code overdue never uses.
/// qpdf has no memory limit for decoding streams, so the embedded file is
/// taken raw and inflated by `BoundedInflate` under a cap, one filter stage
/// at a time.
public enum HybridPDF {
    /// The embedded file names the standards use, in the order they are preferred.
    public static let invoiceFileNames = ["factur-x.xml", "zugferd-invoice.xml", "ZUGFeRD-invoice.xml", "xrechnung.xml"]

    public struct Limits: Sendable {
        /// The most the embedded XML may hold once decoded.
        public var maxXMLBytes: Int
        /// Name tree nodes visited at most (a tree with loops or millions of entries ends here).
        public var maxNodes: Int

        public init(maxXMLBytes: Int = 10 << 20, maxNodes: Int = 10_000) {
            self.maxXMLBytes = maxXMLBytes
            self.maxNodes = maxNodes
        }
    }

    /// What a PDF holds, as far as overdue is concerned.
    public enum Content: Sendable, Equatable {
        /// The e-invoice: the embedded file's name and its decoded bytes.
        case invoiceXML(name: String, bytes: [UInt8])
        /// A readable PDF without an embedded e-invoice (the names of what it
        /// does embed, for the message).
        case noInvoice(embedded: [String])
    }

    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// Does the file look like a PDF (the header may follow up to 1024 bytes of junk)?
    public static func looksLikePDF(_ bytes: [UInt8]) -> Bool {
        let marker: [UInt8] = Array("%PDF-".utf8)
        let head = bytes.prefix(1024 + marker.count)
        guard head.count >= marker.count else { return false }
        for start in 0...(head.count - marker.count) where Array(head[start..<start + marker.count]) == marker {
            return true
        }
        return false
    }

    public static func read(_ bytes: [UInt8], limits: Limits = Limits()) throws(Refusal) -> Content {
        try StructureStreams.check(bytes)
        let document = QPDFDocument()
        defer { document.close() }
        try document.open(bytes)
        if document.isEncrypted {
            throw Refusal(description: "the PDF is encrypted; Factur-X and ZUGFeRD are PDF/A-3, which forbids encryption: export the invoice again without a password")
        }
        var files: [EmbeddedFile] = []
        var walk = NameTreeWalk(document: document, limit: limits.maxNodes)
        let root = document.root
        // The /EmbeddedFiles name tree lists every attachment; /AF (PDF/A-3
        // associated files) may list the invoice only there.
        if let names = document.dictionaryValue(root, "/Names"), let tree = document.dictionaryValue(names, "/EmbeddedFiles") {
            try walk.collect(tree, into: &files)
        }
        if let associated = document.dictionaryValue(root, "/AF"), document.isArray(associated) {
            for index in 0..<min(document.count(associated), limits.maxNodes) {
                if let file = walk.fileSpec(document.item(associated, index), fallbackName: nil) { files.append(file) }
            }
        }
        let damage = document.warnings.first
        guard let chosen = choose(files) else {
            let embedded = Array(Set(files.map(\.name))).sorted()
            if let damage {
                throw Refusal(description: "the PDF is damaged (\(damage)) and no EN 16931 XML could be read from it; export the invoice again")
            }
            return .noInvoice(embedded: embedded)
        }
        let xml = try decode(chosen, document: document, limit: limits.maxXMLBytes)
        return .invoiceXML(name: chosen.name, bytes: xml)
    }

    struct EmbeddedFile {
        var name: String
        var stream: qpdf_oh
        var mimeType: String?
    }

    /// A standard name first; else the one file that is XML by type or name.
    static func choose(_ files: [EmbeddedFile]) -> EmbeddedFile? {
        for wanted in invoiceFileNames {
            if let file = files.first(where: { $0.name == wanted }) { return file }
        }
        if let file = files.first(where: { $0.name.lowercased() == "factur-x.xml" || $0.name.lowercased() == "zugferd-invoice.xml" }) {
            return file
        }
        let xml = files.filter {
            ["text/xml", "application/xml"].contains($0.mimeType?.lowercased() ?? "") || $0.name.lowercased().hasSuffix(".xml")
        }
        let distinct = Dictionary(xml.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        return distinct.count == 1 ? distinct.values.first : nil
    }

    /// How much each filter qpdf may decode in one piece can expand its
    /// input at most: hex halves it, ASCII85's "z" makes 4 bytes of 1, a
    /// run-length pair 128 of 2, an LZW code (9 bits at least) 4096 bytes.
    static let maxExpansion: [String: Int] = ["/ASCIIHexDecode": 1, "/ASCII85Decode": 4, "/RunLengthDecode": 64, "/LZWDecode": 3_641]

    /// The embedded file's bytes: unfiltered; FlateDecode, once or chained,
    /// inflated here stage by stage, each stage stopped at the cap; one other
    /// filter decoded by qpdf only when its worst expansion stays under the
    /// cap. qpdf decodes a chain whole with no limit (a 2.7 KB PDF with
    /// `[/FlateDecode /FlateDecode]` took 2.1 GB), so it never gets one.
    static func decode(_ file: EmbeddedFile, document: QPDFDocument, limit: Int) throws(Refusal) -> [UInt8] {
        let filters = document.filters(of: file.stream)
        let raw = try document.rawStreamData(file.stream, name: file.name)
        if filters.isEmpty {
            guard raw.count <= limit else { throw tooLarge(file.name, limit: limit) }
            return raw
        }
        if filters.allSatisfy({ $0 == "/FlateDecode" }) && !document.hasPredictor(file.stream) {
            var data = raw
            for _ in filters {
                let stage: Result<[UInt8], BoundedInflate.Failure> = Result { () throws(BoundedInflate.Failure) in
                    try BoundedInflate.inflate(data, limit: limit)
                }
                switch stage {
                case .success(let inflated): data = inflated
                case .failure(.tooLarge): throw tooLarge(file.name, limit: limit)
                case .failure(.corrupt(let reason)):
                    throw Refusal(description: "the embedded \(file.name) cannot be decompressed (\(reason)); export the invoice again")
                }
            }
            return data
        }
        // One filter other than Flate, or Flate with a predictor (whose
        // output is no larger than the inflated data, at most 1:1032).
        let ratio = filters == ["/FlateDecode"] ? 1_100 : maxExpansion[filters[0]]
        guard filters.count == 1, let ratio, raw.count <= limit / ratio, let decoded = document.decodedStreamData(file.stream) else {
            throw Refusal(description: "the embedded \(file.name) is encoded with \(filters.joined(separator: " ")), which overdue decodes only as FlateDecode (once or chained) or as one other filter whose output stays under \(limit >> 20) MiB; drop the XML itself instead")
        }
        guard decoded.count <= limit else { throw tooLarge(file.name, limit: limit) }
        return decoded
    }

    static func tooLarge(_ name: String, limit: Int) -> Refusal {
        Refusal(description: "the embedded \(name) decompresses to more than \(limit >> 20) MiB (a compression bomb, or not an invoice); it was not read")
    }
}

/// Walks a name tree (`/Names` pairs and `/Kids`), once per object: a tree
/// whose kids point back up, or that never ends, stops at the node limit.
struct NameTreeWalk {
    let document: QPDFDocument
    let limit: Int
    private var seen: Set<Int64> = []
    private var visited = 0

    init(document: QPDFDocument, limit: Int) {
        self.document = document
        self.limit = limit
    }

    mutating func collect(_ node: qpdf_oh, into files: inout [HybridPDF.EmbeddedFile], depth: Int = 0) throws(HybridPDF.Refusal) {
        visited += 1
        guard depth < 32, visited <= limit else {
            throw HybridPDF.Refusal(description: "the PDF's list of embedded files is nested too deep or loops (more than \(limit) nodes); it looks hostile and was not read")
        }
        if let id = document.objectID(node), !seen.insert(id).inserted {
            throw HybridPDF.Refusal(description: "the PDF's list of embedded files refers back to itself (a reference loop); it looks hostile and was not read")
        }
        if let pairs = document.dictionaryValue(node, "/Names"), document.isArray(pairs) {
            let count = min(document.count(pairs), 2 * limit)
            var index = 0
            while index + 1 < count {
                let key = document.text(document.item(pairs, index))
                if let file = fileSpec(document.item(pairs, index + 1), fallbackName: key) { files.append(file) }
                index += 2
            }
        }
        if let kids = document.dictionaryValue(node, "/Kids"), document.isArray(kids) {
            for index in 0..<min(document.count(kids), limit) {
                try collect(document.item(kids, index), into: &files, depth: depth + 1)
            }
        }
    }

    /// A file specification: its name (/UF, else /F, else the tree key) and
    /// its embedded stream (/EF /UF or /EF /F).
    func fileSpec(_ spec: qpdf_oh, fallbackName: String?) -> HybridPDF.EmbeddedFile? {
        guard document.isDictionary(spec), let embedded = document.dictionaryValue(spec, "/EF") else { return nil }
        guard let stream = [document.dictionaryValue(embedded, "/UF"), document.dictionaryValue(embedded, "/F")]
            .compactMap({ $0 }).first(where: document.isStream) else { return nil }
        let name = [document.dictionaryValue(spec, "/UF"), document.dictionaryValue(spec, "/F")].compactMap { $0 }
            .map(document.text).first { !$0.isEmpty } ?? fallbackName ?? ""
        let subtype = document.dictionaryValue(document.streamDictionary(stream), "/Subtype").map(document.name)
        // "/text#2Fxml" is how a MIME type is written as a PDF name.
        let mime = subtype.map { String($0.dropFirst()).replacingOccurrences(of: "#2F", with: "/").replacingOccurrences(of: "#2f", with: "/") }
        return HybridPDF.EmbeddedFile(name: name, stream: stream, mimeType: mime)
    }
}
