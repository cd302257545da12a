import Foundation
import OverdueCore
import OverdueDocuments
import Testing
import TestSupport

/// A bounded random-mutation fuzzer over the e-invoice samples (the shared
/// UBL, CII and Factur-X files, and the repo's own), run in every test run:
/// a fixed seed and a fixed number of inputs, so a failure repeats exactly.
/// Every input must end in an invoice or a refusal that names its reason
/// in a line (never the input itself), decoded output stays under the cap,
/// and the process's peak memory stays bounded.
///
/// Before each input is read it is written to `FuzzCorpus/crash-candidate.bin`,
/// removed when the run ends: a crash leaves it there, in the repository, to
/// be renamed and committed; every file in `FuzzCorpus/` is read first, so
/// what once broke the readers is tried again in every run.
@Suite("Fuzzing: mutated e-invoices and hybrid PDFs end in an invoice or a clear refusal")
struct FuzzTests {
    static let iterations = 1_000
    static let seed: UInt64 = 0x0D_E1_26  // issue 26
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("FuzzCorpus")
    static let maxXMLBytes = 1 << 20

    /// Bytes that matter to XML and PDF parsers, for insertions.
    static let tokens: [[UInt8]] = ["<", ">", "</", "/>", "&", "&amp;", "<!DOCTYPE x [<!ENTITY e \"e\">]>", "<a>", "]]>",
                                    "<![CDATA[", "\u{0}", "\u{FEFF}", "obj", "endobj", "stream\n", "endstream", "/FlateDecode",
                                    "[/FlateDecode /FlateDecode]", "/Length 99999999", " 0 R", "<<", ">>", "trailer", "xref",
                                    "%%EOF", "/Names", "/Kids [1 0 R]", "/EmbeddedFiles"].map { Array($0.utf8) }

    static func mutate(_ input: [UInt8], _ random: inout SplitMix64, other: [UInt8]) -> [UInt8] {
        var bytes = input
        for _ in 0...random.below(4) where !bytes.isEmpty {
            let at = random.below(bytes.count)
            switch random.below(7) {
            case 0: bytes[at] ^= UInt8(1 << random.below(8))
            case 1: bytes[at] = UInt8(truncatingIfNeeded: random.next())
            case 2: bytes.removeSubrange(at..<min(bytes.count, at + 1 + random.below(512)))
            case 3:
                let end = min(bytes.count, at + 1 + random.below(256))
                let copy = Array(bytes[at..<end])
                bytes.insert(contentsOf: copy, at: random.below(bytes.count))
            case 4: bytes.insert(contentsOf: tokens[random.below(tokens.count)], at: at)
            case 5: bytes.removeSubrange(at...)
            default:  // splice in a piece of another sample
                guard !other.isEmpty else { continue }
                let from = random.below(other.count)
                bytes.insert(contentsOf: other[from..<min(other.count, from + 1 + random.below(1_024))], at: at)
            }
        }
        return bytes
    }

    static func samples() throws -> [[UInt8]] {
        var files = [HybridPDFTests.ownCII, HybridPDFTests.ownCII.deletingLastPathComponent().appendingPathComponent("invoice-ubl.xml")]
        if let shared = SharedFixtures.folder("einvoices") {
            for folder in ["ubl", "cii", "facturx"] {
                let directory = shared.appendingPathComponent(folder)
                files += try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted().map { directory.appendingPathComponent($0) }
            }
        }
        return try files.map { Array(try Data(contentsOf: $0)) } + [try TestPDF.make(.hybrid, xml: Array(try Data(contentsOf: HybridPDFTests.ownCII)))]
    }

    /// What the inbox does with the bytes, as a PDF or as XML: nil when it
    /// ends well, else what is wrong.
    static func problem(_ bytes: [UInt8]) -> String? {
        func clear(_ reason: String) -> String? {
            reason.isEmpty || reason.utf8.count > 800 || reason.contains("\n") ? "unclear refusal: \(reason.prefix(200))" : nil
        }
        if HybridPDF.looksLikePDF(bytes) {
            do {
                switch try HybridPDF.read(bytes, limits: .init(maxXMLBytes: maxXMLBytes)) {
                case .noInvoice: return nil
                case .invoiceXML(_, let xml):
                    if xml.count > maxXMLBytes { return "decoded \(xml.count) bytes past the cap" }
                    if case .unreadable(let reason) = InboxFileParser().parseEmbeddedXML(xml) { return clear(reason) }
                    return nil
                }
            } catch {
                return clear(error.description)
            }
        }
        if case .unreadable(let reason) = InboxFileParser().parse(bytes, fileName: "fuzz.xml") { return clear(reason) }
        return nil
    }

    @Test("the corpus, then 1,000 seeded mutations of the samples: each ends in an invoice or a clear one-line refusal; decoded XML stays under the cap; memory stays bounded")
    func fuzz() throws {
        let samples = try Self.samples()
        let kept = ((try? FileManager.default.contentsOfDirectory(atPath: Self.corpus.path)) ?? []).sorted()
            .filter { $0 != "crash-candidate.bin" && !$0.hasPrefix(".") }
        let candidate = Self.corpus.appendingPathComponent("crash-candidate.bin")
        defer { try? FileManager.default.removeItem(at: candidate) }
        var random = SplitMix64(seed: Self.seed)
        var inputs = try kept.map { (name: $0, bytes: Array(try Data(contentsOf: Self.corpus.appendingPathComponent($0))), kept: true) }
        for index in 0..<Self.iterations {
            let sample = samples[random.below(samples.count)]
            inputs.append(("mutation \(index)", Self.mutate(sample, &random, other: samples[random.below(samples.count)]), false))
        }
        let before = ChainedFilterTests.peakBytes()
        for input in inputs {
            try Data(input.bytes).write(to: candidate)
            guard let problem = Self.problem(input.bytes) else { continue }
            if input.kept {
                Issue.record("FuzzCorpus/\(input.name): \(problem)")
            } else {
                let name = "failure-\(Self.seed)-\(input.name.replacingOccurrences(of: " ", with: "-")).bin"
                try? Data(input.bytes).write(to: Self.corpus.appendingPathComponent(name))
                Issue.record("\(input.name): \(problem) (kept as FuzzCorpus/\(name))")
            }
        }
        let grown = ChainedFilterTests.peakBytes() - before
        #expect(grown < 512 << 20, "peak memory grew by \(grown >> 20) MiB over \(inputs.count) inputs")
        #expect(inputs.count >= Self.iterations)
    }
}
