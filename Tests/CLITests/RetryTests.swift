import Foundation
import Testing
import TestSupport

@Suite("Retries, dead letters and the log")
struct RetryTests {
    func setUp(_ smtp: LoopbackServer, extra: String = "") throws -> URL {
        let test = try TestSpool(prefix: "overdue-retry", config: TestSpool.alwaysOpen + "[daemon]\n\(extra)\n" + TestSpool.smtpChannel(port: smtp.port))
        let (config, inbox) = (test.config, test.inbox)
        try """
            {"invoice": "L-1", "customer": {"id": "later", "name": "Later Ltd", "email": "later@acme.example"}, "issued": "2027-02-01", "due": "2027-03-01", "currency": "GBP", "amount": "10.00"}
            {"invoice": "N-1", "customer": {"id": "nobody", "name": "Nobody Ltd", "email": "nobody@acme.example"}, "issued": "2027-02-01", "due": "2027-03-01", "currency": "GBP", "amount": "20.00"}
            {"invoice": "G-1", "customer": {"id": "good", "name": "Good Ltd", "email": "good@acme.example"}, "issued": "2027-02-01", "due": "2027-03-01", "currency": "GBP", "amount": "30.00"}
            """.write(to: inbox.appendingPathComponent("i.jsonl"), atomically: true, encoding: .utf8)
        return config
    }

    func log(_ config: URL, _ arguments: [String] = []) throws -> [[String: Any]] {
        let result = try OverdueBinary.run(["--config", config.path, "log", "--json"] + arguments)
        return try result.stdout.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }

    @Test("transient failures back off with growing gaps and give up at the lifetime; 5xx goes to failed with its code; retry re-queues")
    func backoffAndDeadLetters() throws {
        let smtp = try LoopbackServer(.smtp, arguments: ["--defer-rcpt", "later", "--reject-rcpt", "nobody"])
        let config = try setUp(smtp, extra: "retry_first_seconds = 600\nretry_max_seconds = 1200\nretry_lifetime_hours = 1")
        var now = try Date("2027-03-02T10:00:00Z", strategy: .iso8601)
        var nexts: [Date] = []
        for _ in 0..<8 {
            let run = try OverdueBinary.run(["--config", config.path, "run", "--once", "--now", isoText(now)])
            #expect(run.status == 0, "\(run.stderr)")
            let deferred = try log(config, ["--event", "deferred", "--customer", "later"])
            guard let last = deferred.last, let next = (last["next_attempt"] as? String).flatMap({ try? Date($0, strategy: .iso8601) }),
                  nexts.last.map({ next > $0 }) ?? true else { break }
            nexts.append(next)
            now = next.addingTimeInterval(1)
        }
        // Gaps grow from about 10 minutes to the 20-minute cap (jitter 80–100 %).
        let gaps = zip([try Date("2027-03-02T10:00:00Z", strategy: .iso8601)] + nexts, nexts).map { $1.timeIntervalSince($0) }
        #expect(gaps.count >= 3, "\(gaps)")
        #expect(gaps[0] >= 480 && gaps[0] <= 601, "\(gaps)")
        // ≤ the cap + the 1 s each run starts after the last next_attempt + the run's own time (`--now` advances with it).
        #expect(gaps.dropFirst().allSatisfy { $0 <= 1203 }, "\(gaps)")
        #expect(gaps[1] > gaps[0] * 1.2, "\(gaps)")
        // After an hour of retries it is a dead letter with the server's code.
        let failed = try log(config, ["--event", "failed"])
        let later = failed.first { $0["customer"] as? String == "later" }
        #expect((later?["detail"] as? String)?.contains("gave up after 1 hours") == true, "\(failed)")
        #expect(later?["code"] as? Int == 451)
        let nobody = failed.first { $0["customer"] as? String == "nobody" }
        #expect(nobody?["code"] as? Int == 550)
        #expect((nobody?["detail"] as? String)?.contains("5.1.1") == true)

        let status = try OverdueBinary.run(["--config", config.path, "status", "--json"])
        let json = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as! [String: Any]
        #expect(json["failed"] as? Int == 2)
        #expect(json["deferred"] as? Int == 0)

        // retry puts the dead letter back. This address bounced (5.1.1), so it
        // is on the suppression list: the retry is suppressed, not sent.
        let key = nobody?["key"] as! String
        let retry = try OverdueBinary.run(["--config", config.path, "retry", key])
        #expect(retry.status == 0 && retry.stdout.contains("re-queued 1"), "\(retry.stdout) \(retry.stderr)")
        _ = try OverdueBinary.run(["--config", config.path, "run", "--once", "--now", isoText(now.addingTimeInterval(60))])
        let suppressed = try log(config, ["--event", "suppressed", "--customer", "nobody"])
        #expect((suppressed.last?["detail"] as? String)?.contains("suppression list") == true, "\(suppressed)")
        // The good one went once; the log filters return exactly its lines.
        let good = try log(config, ["--invoice", "G-1"])
        #expect(Set(good.compactMap { $0["event"] as? String }) == ["ingested", "sent"])
        #expect(good.allSatisfy { ($0["invoice"] as? String) == "G-1" || ($0["invoices"] as? [String]) == ["G-1"] })
        let sentKey = good.first { $0["event"] as? String == "sent" }?["key"] as! String
        // status counts as sent only what reached the debtor, not the failed and suppressed ones.
        let summary = try JSONSerialization.jsonObject(with: Data(OverdueBinary.run(["--config", config.path, "status", "--json"]).stdout.utf8)) as? [String: Any]
        #expect(summary?["sent"] as? Int == (try log(config, ["--event", "sent"])).count, "\(summary ?? [:])")
        let shown = try OverdueBinary.run(["--config", config.path, "log", "--show", sentKey])
        #expect(shown.stdout.contains("Message-ID: <\(sentKey)-"), "the signed key: the delivery key, then its signature")
    }
}

/// ISO 8601 text for --now.
func isoText(_ date: Date) -> String { date.formatted(.iso8601) }
