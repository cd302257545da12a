import Foundation
import Testing
import TestSupport

/// A rejected file is written back in the form it came in, so the finance
/// team can fix it and drop it again; broken JSON names its line and column.
@Suite("Rejected files: fix and drop again")
struct RejectRoundTripTests {
    static let object = """
        {"invoice": "N-1", "customer": {"id": "neg", "name": "Negative Ltd", "email": "ap@neg.example"},
         "issued": "2027-01-01", "due": "2027-02-01", "currency": "EUR", "amount": "-50.00"}
        """

    func run(_ test: TestSpool) throws -> String {
        let run = try OverdueBinary.run(["--config", test.config.path, "run", "--once", "--now", "2027-01-03T10:00:00Z"])
        #expect(run.status == 0, "\(run.stderr)")
        return run.stdout
    }

    func rejectedFiles(_ test: TestSpool) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: test.spool.appendingPathComponent("rejected").path).sorted()
    }

    @Test("a single JSON object over two lines: rejected as .json, twice with one suffix, accepted once fixed")
    func singleObject() throws {
        let test = try TestSpool(prefix: "overdue-reject", config: "[spool]\ndir = \"spool\"\n")
        try test.drop(Self.object, as: "negative.json")
        _ = try run(test)
        let first = try rejectedFiles(test).first { $0.hasSuffix(".rejected.json") }
        let name = try #require(first)
        let rejected = test.spool.appendingPathComponent("rejected/\(name)")
        #expect(try String(contentsOf: rejected, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) == Self.object)
        let report = try String(contentsOf: test.spool.appendingPathComponent("rejected/\(name.replacingOccurrences(of: ".rejected.json", with: ".json")).error"), encoding: .utf8)
        #expect(!report.contains("The 0 other") && !report.contains("(record 1)"), "\(report)")
        #expect(report.contains("negative.json: line 1: field \"amount\""), "\(report)")

        // Moved back unfixed: rejected again, under a name with one ".rejected".
        try FileManager.default.moveItem(at: rejected, to: test.inbox.appendingPathComponent(name))
        _ = try run(test)
        let names = try rejectedFiles(test)
        #expect(names.allSatisfy { !$0.contains(".rejected.rejected") && $0.components(separatedBy: "-").count <= 2 }, "\(names)")

        // Fixed and moved back: accepted.
        let again = try rejectedFiles(test).first { $0.hasSuffix(".rejected.json") }!
        try Self.object.replacingOccurrences(of: "-50.00", with: "50.00")
            .write(to: test.inbox.appendingPathComponent(again), atomically: true, encoding: .utf8)
        let accepted = try run(test)
        #expect(accepted.contains("1 record(s) accepted, 0 rejected"), "\(accepted)")
    }

    @Test("a JSON array keeps its form: the rejected items come back as an array")
    func array() throws {
        let test = try TestSpool(prefix: "overdue-reject-array", config: "[spool]\ndir = \"spool\"\n")
        let good = Self.object.replacingOccurrences(of: "-50.00", with: "50.00").replacingOccurrences(of: "N-1", with: "N-2")
        try test.drop("[\(Self.object),\n\(good)]", as: "two.json")
        _ = try run(test)
        let name = try #require(try rejectedFiles(test).first { $0.hasSuffix(".rejected.json") })
        let data = try Data(contentsOf: test.spool.appendingPathComponent("rejected/\(name)"))
        let items = try JSONSerialization.jsonObject(with: data) as? [[String: Any]]
        #expect(items?.count == 1 && items?.first?["invoice"] as? String == "N-1")
    }

    @Test("broken JSON is reported with its line and column")
    func brokenJSON() throws {
        let test = try TestSpool(prefix: "overdue-reject-broken", config: "[spool]\ndir = \"spool\"\n")
        try test.drop("{\"invoice\": \"X-1\",\n \"customer\": tru }\n", as: "broken.json")
        _ = try run(test)
        let error = try #require(try rejectedFiles(test).first { $0.hasSuffix(".error") })
        let report = try String(contentsOf: test.spool.appendingPathComponent("rejected/\(error)"), encoding: .utf8)
        #expect(report.contains("not valid JSON at line 2, column"), "\(report)")
        #expect(!report.contains(".."), "\(report)")
    }
}
