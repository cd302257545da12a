import Foundation
import Testing
import TestSupport

/// The foundation issue's acceptance check, run through the real binary:
/// 1,000 valid invoices over JSON, JSON Lines and CSV plus 10 malformed
/// files, then `run --once` and `status --json`.
@Suite("Ingest: 1,000 good invoices and 10 bad files")
struct IngestAcceptanceTests {
    static func invoiceJSON(_ number: Int) -> String {
        #"{"invoice": "T-\#(number)", "customer": {"id": "c\#(number % 97)", "name": "Customer \#(number % 97)", "email": "ap\#(number % 97)@example.com", "timezone": "Europe/Berlin"}, "issued": "2026-11-01", "due": "2026-12-01", "currency": "EUR", "amount": "\#(number).50"}"#
    }

    static func invoiceCSVRow(_ number: Int) -> String {
        "T-\(number),c\(number % 97),Customer \(number % 97),ap\(number % 97)@example.com,2026-11-01,2026-12-01,EUR,\(number).25"
    }

    static let csvHeader = "invoice,customer.id,customer.name,customer.email,issued,due,currency,amount"

    /// The ten malformed files: name → bytes, and the field their error must name.
    static func malformed() -> [(name: String, bytes: [UInt8], field: String)] {
        let payment = #"{"event": "payment", "invoice": "NOPE-1", "amount": "10.00", "date": "2026-12-02"}"#
        var huge = [UInt8]()
        let line = Array((invoiceJSON(999_999) + "\n").utf8)
        while huge.count < 50 << 20 { huge += line }
        return [
            ("broken.json", Array(#"{"invoice": "B-1", "customer": {"id": "x""#.utf8), "file"),
            ("bad-date.csv", Array("\(csvHeader)\nB-2,c1,C,a@example.com,2026-11-01,2026-13-45,EUR,10.00\n".utf8), "due"),
            ("currency.json", Array(invoiceJSON(3).replacingOccurrences(of: "\"T-3\"", with: "\"B-3\"").replacingOccurrences(of: "EUR", with: "EUX").utf8), "currency"),
            ("negative.jsonl", Array(invoiceJSON(4).replacingOccurrences(of: "\"T-4\"", with: "\"B-4\"").replacingOccurrences(of: "4.50", with: "-4.50").utf8), "amount"),
            ("garbage.dat", (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }, "file"),
            ("empty.json", [], "file"),
            ("huge.jsonl", huge, "file"),
            ("latin1.csv", Array("\(csvHeader)\nB-8,c1,Caf".utf8) + [0xE9] + Array(",a@example.com,2026-11-01,2026-12-01,EUR,1.00\n".utf8), "file"),
            ("traversal.json", Array(invoiceJSON(9).replacingOccurrences(of: "\"T-9\"", with: "\"../../etc/passwd\"").utf8), "invoice"),
            ("unknown-invoice.jsonl", Array(payment.utf8), "invoice"),
        ]
    }

    @Test("exactly 1,000 open invoices; every bad record rejected with file and field; one log line per record")
    func thousandAndTen() throws {
        let root = try TemporaryDirectory.make(prefix: "overdue-accept")
        let inbox = root.appendingPathComponent("spool/inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        let config = root.appendingPathComponent("overdue.toml")
        try "[spool]\ndir = \"spool\"\n".write(to: config, atomically: true, encoding: .utf8)

        // 400 in JSON arrays, 300 in JSON Lines, 300 in CSV.
        var number = 0
        func next(_ count: Int) -> [Int] { defer { number += count }; return Array(number..<(number + count)) }
        for file in 0..<4 {
            let body = "[\n" + next(100).map(Self.invoiceJSON).joined(separator: ",\n") + "\n]\n"
            try body.write(to: inbox.appendingPathComponent("batch-\(file).json"), atomically: true, encoding: .utf8)
        }
        for file in 0..<3 {
            let body = next(100).map(Self.invoiceJSON).joined(separator: "\n") + "\n"
            try body.write(to: inbox.appendingPathComponent("batch-\(file).jsonl"), atomically: true, encoding: .utf8)
        }
        for file in 0..<3 {
            let body = ([Self.csvHeader] + next(100).map(Self.invoiceCSVRow)).joined(separator: "\r\n") + "\r\n"
            try body.write(to: inbox.appendingPathComponent("batch-\(file).csv"), atomically: true, encoding: .utf8)
        }
        #expect(number == 1000)
        let bad = Self.malformed()
        for file in bad { try Data(file.bytes).write(to: inbox.appendingPathComponent(file.name)) }

        let run = try OverdueBinary.run(["--config", config.path, "run", "--once", "--now", "2026-11-23T10:00:00Z"])
        #expect(run.status == 0, "\(run.stderr)")

        let status = try OverdueBinary.run(["--config", config.path, "status", "--json"])
        #expect(status.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as! [String: Any]
        let invoices = json["invoices"] as! [String: Any]
        #expect(invoices["open"] as? Int == 1000)
        #expect(json["rejected"] as? Int == 10)

        // The inbox is empty: every file was archived or rejected.
        #expect(try FileManager.default.contentsOfDirectory(atPath: inbox.path).isEmpty)

        // Every bad file has a .error naming it and the field.
        let rejected = root.appendingPathComponent("spool/rejected")
        let errors = try FileManager.default.contentsOfDirectory(atPath: rejected.path).filter { $0.hasSuffix(".error") }
        #expect(errors.count == 10)
        for file in bad {
            let stem = (file.name as NSString).deletingPathExtension
            guard let errorName = errors.first(where: { $0.contains("-\(stem).") }) else {
                Issue.record("no .error for \(file.name) among \(errors)")
                continue
            }
            let text = try String(contentsOf: rejected.appendingPathComponent(errorName), encoding: .utf8)
            #expect(text.contains(file.name), "\(errorName): \(text)")
            if file.field != "file" { #expect(text.contains("field \"\(file.field)\""), "\(errorName): \(text)") }
        }
        // Whole-file rejects keep the original bytes; record rejects keep the record.
        let kept = try FileManager.default.contentsOfDirectory(atPath: rejected.path).filter { !$0.hasSuffix(".error") }
        #expect(kept.count == 10)
        #expect(kept.contains { $0.hasSuffix("-huge.jsonl") })
        let badDate = try String(contentsOf: rejected.appendingPathComponent(kept.first { $0.hasSuffix("bad-date.rejected.csv") }!), encoding: .utf8)
        #expect(badDate.hasPrefix(Self.csvHeader))
        #expect(badDate.contains("2026-13-45"))

        // One log line per record: 1,000 ingested, 10 rejected.
        let logDirectory = root.appendingPathComponent("spool/log")
        let lines = try FileManager.default.contentsOfDirectory(atPath: logDirectory.path).flatMap { name in
            try String(contentsOf: logDirectory.appendingPathComponent(name), encoding: .utf8).split(separator: "\n")
        }
        let events = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(events.filter { $0["event"] as? String == "ingested" }.count == 1000)
        #expect(events.filter { $0["event"] as? String == "rejected" }.count == 10)
        #expect(events.allSatisfy { $0["time"] is String })
        let rejectedFiles = Set(events.filter { $0["event"] as? String == "rejected" }.compactMap { $0["file"] as? String })
        #expect(rejectedFiles == Set(bad.map(\.name)))

        // Running again changes nothing and sends nothing twice.
        let again = try OverdueBinary.run(["--config", config.path, "run", "--once"])
        #expect(again.status == 0)
        #expect(again.stdout.contains("ingested 0 file(s)"))
    }
}
