import Foundation
@testable import OverdueCore
import Testing
import TestSupport

/// Every UBL and CII sample in ../shared/fixtures/einvoices against its
/// ground truth (expected.json). Skipped, not passed, when the folder is
/// absent (it sits beside the repository in CI, not on a user's machine).
@Suite("E-invoices: the shared EN 16931 samples")
struct EInvoiceFixtureTests {
    static var available: Bool { SharedFixtures.available("einvoices") }
    static var folder: URL { SharedFixtures.folder("einvoices") ?? URL(fileURLWithPath: "/nonexistent") }

    static func expected() -> [String: [String: Any]] {
        (SharedFixtures.expected("einvoices") as? [String: [String: Any]] ?? [:]).filter { $0.key.hasSuffix(".xml") }
    }

    @Test("each sample maps to its expected business terms", .enabled(if: available, "../shared/fixtures/einvoices is absent"),
          arguments: expected().keys.sorted())
    func sample(path: String) throws {
        let truth = Self.expected()[path]!
        let einvoice = try EInvoiceReader.read(Array(Data(contentsOf: Self.folder.appendingPathComponent(path))))
        #expect(einvoice.syntax.rawValue == truth["syntax"] as? String, "\(path)")
        #expect(SharedFixtures.einvoiceDifferences(einvoice, truth: truth).isEmpty, "\(path): \(SharedFixtures.einvoiceDifferences(einvoice, truth: truth))")
    }
}

extension EInvoiceFixtureTests {
    /// XRechnung cases ship as UBL and CII twins of one invoice.
    static func twins() -> [String] {
        expected().keys.filter { $0.hasPrefix("ubl/xr-") }.map { String($0.dropFirst(4).dropLast("_ubl.xml".count)) }
            .filter { expected()["cii/\($0)_uncefact.xml"] != nil }
            .filter { $0 != "xr-01.02_comprehensive_test" }  // known quirk: the twins name the buyer differently
            .sorted()
    }

    @Test("UBL and CII twins give the same ledger record", .enabled(if: available, "../shared/fixtures/einvoices is absent"),
          arguments: twins())
    func twin(name: String) throws {
        func record(_ path: String) throws -> Result<EInvoiceMapping.Mapped, EInvoiceReader.Refusal> {
            EInvoiceMapping.map(try EInvoiceReader.read(Array(Data(contentsOf: Self.folder.appendingPathComponent(path)))),
                                defaultTermsDays: 30)
        }
        let ubl = try record("ubl/\(name)_ubl.xml")
        let cii = try record("cii/\(name)_uncefact.xml")
        switch (ubl, cii) {
        case (.success(let left), .success(let right)): #expect(left.record == right.record, "\(name)")
        case (.failure(let left), .failure(let right)): #expect(left.description == right.description, "\(name)")
        default: Issue.record("\(name): one twin was accepted, the other not: \(ubl) / \(cii)")
        }
    }
}
