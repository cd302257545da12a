import Foundation
import OverdueCore

/// The real data with ground truth beside the repository:
/// `../shared/fixtures/<set>` with its `expected.json`. Tests that use it are
/// skipped, not passed, when it is absent (a user's clone has no `shared/`).
public enum SharedFixtures {
    /// The first ancestor of the repository that holds `shared/fixtures/<set>`
    /// (so a git worktree beside the repository finds it too).
    public static func folder(_ set: String) -> URL? {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("shared/fixtures/\(set)")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("expected.json").path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }

    public static func available(_ set: String) -> Bool { folder(set) != nil }

    /// `expected.json` of the set, as JSON objects by file.
    public static func expected(_ set: String) -> [String: Any] {
        guard let folder = folder(set), let data = try? Data(contentsOf: folder.appendingPathComponent("expected.json")),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        return object
    }

    /// Where a read e-invoice differs from the EN 16931 ground truth of
    /// `einvoices/expected.json` (empty: it agrees), one line per business term.
    public static func einvoiceDifferences(_ einvoice: EInvoice, truth: [String: Any]) -> [String] {
        func string(_ key: String) -> String? { truth[key] as? String }
        var differences: [String] = []
        func check(_ name: String, _ got: String?, _ want: String?) {
            if got != want { differences.append("\(name): got \(got ?? "nil"), expected \(want ?? "nil")") }
        }
        check("number", einvoice.number, string("number"))
        check("type_code", einvoice.typeCode, string("type_code"))
        check("issue_date", einvoice.issueDate?.description, string("issue_date"))
        check("due_date", einvoice.dueDate?.description, string("due_date"))
        check("currency", einvoice.currency, string("currency"))
        check("buyer_name", einvoice.buyerName, string("buyer_name"))
        check("buyer_email", einvoice.buyerEmail, string("buyer_email"))
        check("seller_name", einvoice.sellerName, string("seller_name"))
        if einvoice.payableAmount != string("payable_amount").flatMap({ Money.parse($0) }) {
            differences.append("payable_amount: got \(einvoice.payableAmount.map { "\($0)" } ?? "nil"), expected \(string("payable_amount") ?? "nil")")
        }
        return differences
    }
}
