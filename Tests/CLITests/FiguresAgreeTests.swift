import Foundation
import Testing
import TestSupport

/// The same figure is the same everywhere: `report --json`, `status
/// --json`, the Prometheus textfile, `show --json` and the hand-off CSV agree on a generated
/// book, because one library function computes each (`ReceivablesReport`,
/// `Planner.counts`, `DeliveryTally`).
@Suite("report, status, metrics and show agree")
struct FiguresAgreeTests {
    /// A seeded book: invoices in three currencies, some in installments,
    /// partial and full payments, an opted-out debtor (suppressed letters).
    static func book() -> String {
        var state: UInt64 = 2027
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        let start = try! Date("2027-03-01T12:00:00Z", strategy: .iso8601)
        // "2027-03-05": a day `offset` days after 2027-03-01.
        func day(_ offset: Int) -> String { String(start.addingTimeInterval(Double(offset) * 86_400).formatted(.iso8601).prefix(10)) }
        var lines: [String] = []
        let currencies = ["EUR", "GBP", "USD"]
        for number in 0..<36 {
            let customer = "c\(number % 12)"
            let currency = currencies[number % 12 % 3]
            let due = next(60) - 30
            let amount = 100 + next(5_000)
            var record = #"{"invoice": "B-\#(number)", "customer": {"id": "\#(customer)", "name": "Debtor \#(customer)", "email": "ap@\#(customer).example"}, "issued": "\#(day(due - 30))", "due": "\#(day(due))", "currency": "\#(currency)", "amount": "\#(amount).00""#
            if number % 5 == 0 {
                let first = amount / 2
                record += #", "installments": [{"due": "\#(day(due))", "amount": "\#(first).00"}, {"due": "\#(day(due + 30))", "amount": "\#(amount - first).00"}]"#
            }
            lines.append(record + "}")
            // Payments dated by 04-04, so the ledger balance `show` gives is what was owed on the report day.
            switch next(4) {
            case 0: lines.append(#"{"event": "payment", "invoice": "B-\#(number)", "amount": "\#(amount).00", "date": "\#(day(min(due + next(20), 34)))"}"#)
            case 1: lines.append(#"{"event": "payment", "invoice": "B-\#(number)", "amount": "\#(amount / 3).00", "date": "\#(day(min(due + next(20), 34)))"}"#)
            default: break
            }
        }
        lines.append(#"{"event": "optout", "address": "ap@c5.example", "channel": "email"}"#)
        return lines.joined(separator: "\n")
    }

    @Test("on a generated book, every figure shown in two places is the same")
    func figuresAgree() throws {
        let test = try TestSpool(prefix: "overdue-figures", config: "")
        let metrics = test.root.appendingPathComponent("overdue.prom")
        try (Controls.config(schedule: "min_gap_days = 3", rest: "[daemon]\nmetrics_file = \"\(metrics.path)\"\n"))
            .write(to: test.config, atomically: true, encoding: .utf8)
        try test.drop(Self.book(), as: "book.jsonl")
        for day in ["2027-02-15", "2027-03-02", "2027-03-20", "2027-04-05"] { try Controls.pass(test.config, at: "\(day)T10:00:00Z") }
        let now = "2027-04-05T10:00:00Z"

        let samples = try Self.prometheus(metrics)
        let report = try Controls.json(test.config, ["report", "--at", "2027-04-05"]) as! [String: Any]
        let status = try Controls.status(test.config, now: now)

        // Aging: the report's buckets are the metrics' amounts, per currency.
        let currencies = try #require(report["currencies"] as? [[String: Any]])
        #expect(currencies.count == 3)
        var open: [String: Decimal] = [:]
        for figures in currencies {
            let code = try #require(figures["currency"] as? String)
            open[code] = Decimal(string: figures["open"] as? String ?? "")
            for bucket in try #require(figures["aging"] as? [[String: Any]]) {
                let name = try #require(bucket["bucket"] as? String)
                let amount = try #require(Double(bucket["amount"] as? String ?? ""))
                let sample = samples[#"overdue_receivables_amount{"bucket": "\#(name)", "currency": "\#(code)"}"#]
                #expect(sample.map { abs($0 - amount) < 0.005 } == true, "\(code) \(name): report \(amount), metrics \(String(describing: sample))")
            }
        }
        // Open invoices: status's count is the metrics'.
        let invoices = try #require(status["invoices"] as? [String: Int])
        #expect(Double(invoices["open"] ?? -1) == samples["overdue_open_invoices{}"], "\(invoices)")
        // Deliveries: status's outcomes are the sums of the metrics' and of the report's per channel.
        let deliveries = try #require(status["deliveries"] as? [String: Int])
        let reported = try #require(report["deliveries"] as? [String: [String: Int]])
        for (outcome, word) in [("sent", "delivered"), ("failed", "failed"), ("suppressed", "suppressed")] {
            let metric = samples.filter { $0.key.hasPrefix("overdue_deliveries_total") && $0.key.contains(#""outcome": "\#(outcome)""#) }
                .values.reduce(0, +)
            let inReport = reported.values.reduce(0) { $0 + ($1[outcome] ?? 0) }
            #expect(Double(deliveries[word] ?? -1) == metric && deliveries[word] == inReport, "\(outcome): \(deliveries) \(reported)")
        }
        #expect((deliveries["delivered"] ?? 0) > 10 && (deliveries["suppressed"] ?? 0) > 0, "\(deliveries)")
        #expect(status["sent"] as? Int == deliveries["delivered"])
        // Each invoice's balance in `show --json` adds up to the report's open amount per currency.
        var shown: [String: Decimal] = [:]
        for number in 0..<36 {
            let invoice = try Controls.json(test.config, ["show", "B-\(number)"]) as! [String: Any]
            let code = try #require(invoice["currency"] as? String)
            shown[code, default: 0] += Decimal(string: invoice["balance"] as? String ?? "") ?? -1_000_000
        }
        #expect(shown == open, "show \(shown), report \(open)")
        // The hand-off bundle's invoices.csv states the same open amounts as show, invoice by invoice.
        let agency = test.root.appendingPathComponent("agency")
        try FileManager.default.createDirectory(at: agency, withIntermediateDirectories: true)
        _ = try Controls.run(test.config, ["handoff", "c1", "--to", agency.path, "--date", "2027-04-05"])
        let bundle = try #require(try FileManager.default.contentsOfDirectory(atPath: agency.path).first { !$0.hasPrefix(".") })
        let rows = try String(contentsOf: agency.appendingPathComponent("\(bundle)/invoices.csv"), encoding: .utf8)
            .split(separator: "\r\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(!rows.isEmpty)
        for row in rows {
            let invoice = try Controls.json(test.config, ["show", row[0]]) as! [String: Any]
            #expect(row[5] == invoice["balance"] as? String, "\(row[0]): bundle \(row[5]), show \(String(describing: invoice["balance"]))")
        }
    }

    /// The textfile as prometheus_client's own parser reads it.
    static func prometheus(_ file: URL) throws -> [String: Double] {
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = [TestPython.path, "-c", """
            import json, sys
            from prometheus_client.parser import text_string_to_metric_families
            out = {}
            for family in text_string_to_metric_families(open(sys.argv[1]).read()):
                for sample in family.samples:
                    out[sample.name + json.dumps(sample.labels, sort_keys=True)] = sample.value
            print(json.dumps(out))
            """, file.path]
        let pipe = Pipe()
        check.standardOutput = pipe
        try check.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        check.waitUntilExit()
        #expect(check.terminationStatus == 0)
        return try JSONSerialization.jsonObject(with: data) as! [String: Double]
    }
}
