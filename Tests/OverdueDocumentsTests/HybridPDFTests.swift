import Foundation
@testable import OverdueCore
@testable import OverdueDocuments
import Testing
import TestSupport

/// Hybrid e-invoice PDFs: the shared Factur-X/ZUGFeRD samples against their
/// ground truth, the repo's own hybrid, and the PDFs that must be refused.
@Suite("Hybrid PDFs: the embedded e-invoice")
struct HybridPDFTests {
    static var available: Bool { SharedFixtures.available("einvoices") }

    static func expected() -> [String: [String: Any]] {
        (SharedFixtures.expected("einvoices") as? [String: [String: Any]] ?? [:]).filter { $0.key.hasSuffix(".pdf") }
    }

    static let ownCII = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("OverdueCoreTests/Fixtures/invoice-cii.xml")

    @Test("each shared Factur-X/ZUGFeRD PDF gives its embedded XML and business terms",
          .enabled(if: available, "../shared/fixtures/einvoices is absent"), arguments: expected().keys.sorted())
    func sharedSample(path: String) throws {
        let truth = Self.expected()[path]!
        let folder = try #require(SharedFixtures.folder("einvoices"))
        let content = try HybridPDF.read(Array(Data(contentsOf: folder.appendingPathComponent(path))))
        guard case .invoiceXML(let name, let xml) = content else {
            Issue.record("\(path): no XML found: \(content)")
            return
        }
        #expect(name == truth["embedded_file"] as? String, "\(path)")
        let einvoice = try EInvoiceReader.read(xml)
        #expect("facturx-pdf/" + einvoice.syntax.rawValue == truth["syntax"] as? String, "\(path)")
        #expect(SharedFixtures.einvoiceDifferences(einvoice, truth: truth).isEmpty, "\(path): \(SharedFixtures.einvoiceDifferences(einvoice, truth: truth))")
        #expect(einvoice.paymentTerms?.split(whereSeparator: \.isWhitespace)
            == (truth["payment_terms"] as? String)?.split(whereSeparator: \.isWhitespace), "\(path)")
    }

    @Test("the repo's own hybrid gives back exactly the XML embedded in it, under each standard name")
    func ownHybrid() throws {
        let xml = Array(try Data(contentsOf: Self.ownCII))
        for name in HybridPDF.invoiceFileNames + ["invoice.xml"] {
            let content = try HybridPDF.read(try TestPDF.make(.hybrid, xml: xml, embeddedName: name))
            #expect(content == .invoiceXML(name: name, bytes: xml), "\(name)")
        }
    }

    /// Each refusal within a second; the bomb never inflates past the cap.
    func refusal(_ pdf: [UInt8]) -> (reason: String, seconds: Double) {
        let clock = ContinuousClock()
        var reason = ""
        let elapsed = clock.measure {
            do {
                let content = try HybridPDF.read(pdf)
                reason = "accepted: \(content)"
            } catch {
                reason = "\(error)"
            }
        }
        return (reason, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    @Test("a PDF without an embedded e-invoice says so, naming what it looked for")
    func plain() throws {
        let content = try HybridPDF.read(try TestPDF.make(.plain))
        #expect(content == .noInvoice(embedded: []))
    }

    @Test("an encrypted PDF is refused as encrypted")
    func encrypted() throws {
        let (reason, seconds) = refusal(try TestPDF.make(.encrypted))
        #expect(reason.contains("encrypted"), "\(reason)")
        #expect(seconds < 1)
    }

    @Test("a PDF cut short is refused as damaged or cut short")
    func truncated() throws {
        let whole = try TestPDF.make(.hybrid, xml: Array(try Data(contentsOf: Self.ownCII)))
        for fraction in [0.3, 0.6, 0.9] {
            let (reason, seconds) = refusal(Array(whole.prefix(Int(Double(whole.count) * fraction))))
            #expect(reason.contains("damaged") || reason.contains("cut short") || reason.contains("not a readable PDF"),
                    "\(fraction): \(reason)")
            #expect(!reason.hasPrefix("accepted"), "\(fraction)")
            #expect(seconds < 1)
        }
    }

    @Test("a FlateDecode bomb (1 GiB from 1 MiB) stops at the cap, within a second")
    func bomb() throws {
        let (reason, seconds) = refusal(try TestPDF.make(.bomb))
        #expect(reason.contains("compression bomb"), "\(reason)")
        #expect(seconds < 1, "\(seconds) s")
    }

    @Test("a name tree that refers to itself is refused as a loop")
    func loop() throws {
        let (reason, seconds) = refusal(try TestPDF.make(.loop))
        #expect(reason.contains("loop"), "\(reason)")
        #expect(seconds < 1)
    }

    @Test("FlateDecode inflation stops at the cap and notices data cut short")
    func boundedInflate() throws {
        let xml = Array(try Data(contentsOf: Self.ownCII))
        let pdf = try TestPDF.make(.hybrid, xml: xml)
        guard case .invoiceXML(_, let bytes) = try HybridPDF.read(pdf, limits: .init(maxXMLBytes: xml.count)) else {
            Issue.record("not read at exactly its size")
            return
        }
        #expect(bytes == xml)
        #expect(throws: HybridPDF.Refusal.self) { try HybridPDF.read(pdf, limits: .init(maxXMLBytes: xml.count - 1)) }
        #expect(!HybridPDF.looksLikePDF(Array("invoice,amount\n".utf8)))
        #expect(HybridPDF.looksLikePDF(pdf))
    }
}

/// Filter chains: qpdf decodes one whole and without a limit, so each
/// FlateDecode stage is inflated here under the cap.
@Suite("Hybrid PDFs: chained filters")
struct ChainedFilterTests {
    /// The process's peak resident memory so far (getrusage, KiB on Linux).
    static func peakBytes() -> Int {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return usage.ru_maxrss * 1024
    }

    /// Decoded whole (qpdf's way) each held 1 GiB and more: the attachment
    /// compressed twice, and an object stream qpdf reads at open (with its
    /// /Type, and without: the xref makes it one). Stage by stage, under the cap.
    @Test("a PDF of under 4 KB holding a 1 GiB bomb (an attachment compressed twice, an object stream with or without /Type) is refused at the cap; the peak memory grows by far less than the gigabyte",
          arguments: [TestPDF.Kind.chainedBomb, .objectStreamBomb, .untypedObjectStreamBomb])
    func bomb(kind: TestPDF.Kind) throws {
        let pdf = try TestPDF.make(kind)
        #expect(pdf.count < 4_096)
        let before = Self.peakBytes()
        #expect {
            try HybridPDF.read(pdf)
        } throws: { error in
            "\(error)".contains("compression bomb")
        }
        let grown = Self.peakBytes() - before
        #expect(grown < 256 << 20, "peak memory grew by \(grown >> 20) MiB")
    }

    @Test("hostile stream syntax: a million '>>stream' without dictionaries is refused within a budget of a few times the file, not scanned quadratically")
    func manyKeywords() throws {
        let bytes = Array("%PDF-1.7\n".utf8) + Array(repeating: Array(" >>stream\n".utf8), count: 1_000_000).flatMap { $0 }
        #expect(StructureStreams.streams(in: bytes) == nil)
        #expect(throws: HybridPDF.Refusal.self) { try StructureStreams.check(bytes) }
        let real = try TestPDF.make(.hybrid)
        #expect(StructureStreams.streams(in: real)?.isEmpty == false)
    }

    @Test("an e-invoice compressed twice is read stage by stage, exactly up to the cap")
    func chainedInvoice() throws {
        let xml = Array(try Data(contentsOf: HybridPDFTests.ownCII))
        let pdf = try TestPDF.make(.chained, xml: xml)
        #expect(try HybridPDF.read(pdf, limits: .init(maxXMLBytes: xml.count)) == .invoiceXML(name: "factur-x.xml", bytes: xml))
        #expect(throws: HybridPDF.Refusal.self) { try HybridPDF.read(pdf, limits: .init(maxXMLBytes: xml.count - 1)) }
    }
}
