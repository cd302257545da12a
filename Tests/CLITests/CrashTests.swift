import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// kill -9 at random moments during a large dispatch against a real SMTP
/// server that records every message: nothing planned is lost, and the only
/// duplicates are messages that were in flight (not yet journaled) at a kill.
@Suite("Crash safety: kill -9 during dispatch")
struct CrashTests {
    /// The reliability harness (Benchmarks/reliability.py) runs this test
    /// with larger numbers through these variables.
    static let deliveries = ProcessInfo.processInfo.environment["OVERDUE_CRASH_DELIVERIES"].flatMap(Int.init) ?? 2400
    static let kills = ProcessInfo.processInfo.environment["OVERDUE_CRASH_KILLS"].flatMap(Int.init) ?? 20
    /// The bound the README states: a kill can repeat the transfers in flight
    /// (max_connections = 4 here) and the outcomes not yet group-committed
    /// (up to 64, plus those that arrive together with the 64th, at most
    /// one per connection).
    static let inFlightPerKill = 4 + 64 + 4

    @Test("kill -9 during dispatch (20 kills over 2,400 deliveries by default): 0 lost, duplicates within the stated bound (in flight + one uncommitted group)")
    func killNine() throws {
        let smtp = try LoopbackServer(.smtp)
        let test = try TestSpool(prefix: "overdue-crash", config: TestSpool.alwaysOpen + TestSpool.smtpChannel(port: smtp.port, extra: "max_connections = 4\n"))
        let (root, config, inbox) = (test.root, test.config, test.inbox)
        let lines = (0..<Self.deliveries).map {
            #"{"invoice": "K-\#($0)", "customer": {"id": "k\#($0)", "name": "Debtor \#($0)", "email": "ap\#($0)@crash.example"}, "issued": "2027-02-01", "due": "2027-03-01", "currency": "EUR", "amount": "10.00"}"#
        }
        try (lines.joined(separator: "\n") + "\n").write(to: inbox.appendingPathComponent("batch.jsonl"), atomically: true, encoding: .utf8)

        let now = "2027-03-02T10:00:00Z"
        var killed = 0
        var generator = SystemRandomNumberGenerator()
        // Kill runs until 20 of them died mid-dispatch (bounded).
        for _ in 0..<(Self.kills * 5) where killed < Self.kills {
            let process = Process()
            process.executableURL = OverdueBinary.url
            process.arguments = ["--config", config.path, "run", "--once", "--now", now, "--log-level", "critical"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Wait until this run is delivering (the server receives), then
            // kill it at a random moment of the dispatch.
            let before = smtp.received(withExtension: "eml", atLeast: 0, timeout: 0).count
            let deadline = Date().addingTimeInterval(20)
            while process.isRunning, Date() < deadline,
                  smtp.received(withExtension: "eml", atLeast: 0, timeout: 0).count == before {
                Thread.sleep(forTimeInterval: 0.01)
            }
            Thread.sleep(forTimeInterval: Double.random(in: 0...0.12, using: &generator))
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                killed += 1
            }
            process.waitUntilExit()
        }
        let sentBeforeCompletion = try sentCount(root)
        // Then run to completion (bounded).
        for _ in 0..<10 {
            let run = try OverdueBinary.run(["--config", config.path, "run", "--once", "--now", now, "--log-level", "critical"])
            #expect(run.status == 0, "\(run.stderr)")
            if run.stdout.contains("sent 0 message(s), 0 deferred") { break }
        }
        #expect(killed >= Self.kills, "only \(killed) runs were killed while dispatching")
        // The kills hit a dispatch in progress, not only start-up: each killed
        // run was delivering (the wait above), and together they got some way.
        #expect(sentBeforeCompletion >= Self.kills, "only \(sentBeforeCompletion) sent while being killed")

        // What the server received, by Message-ID.
        let files = smtp.received(withExtension: "eml", atLeast: Self.deliveries, timeout: 60)
        var received: [String: Int] = [:]
        for file in files {
            let head = try String(contentsOf: file, encoding: .utf8).prefix(2000)
            if let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("Message-ID: <") }) {
                let id = line.dropFirst("Message-ID: <".count).split(separator: "@").first.map(String.init) ?? ""
                received[id, default: 0] += 1
            }
        }
        // Every planned delivery (one per invoice) arrived at least once...
        #expect(received.count == Self.deliveries, "\(received.count) distinct messages arrived of \(Self.deliveries)")
        let status = try OverdueBinary.run(["--config", config.path, "status", "--json"])
        let json = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as! [String: Any]
        #expect(json["sent"] as? Int == Self.deliveries)
        // ...and copies come only from transfers in flight or outcomes not yet committed at a kill.
        let duplicates = received.values.reduce(0) { $0 + $1 - 1 }
        #expect(duplicates <= killed * Self.inFlightPerKill, "\(duplicates) duplicates after \(killed) kills")
        print("crash test: \(killed) kills during dispatch, \(sentBeforeCompletion) sent during the kill runs, \(files.count) messages received for \(Self.deliveries) deliveries, \(duplicates) duplicates")
    }

    /// "sent" lines in the delivery log so far.
    func sentCount(_ root: URL) throws -> Int {
        let directory = root.appendingPathComponent("spool/log")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []  // none before the first run
        return try names.reduce(0) { total, name in
            total + (try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8))
                .split(separator: "\n").filter { $0.contains(#""event":"sent""#) }.count
        }
    }
}
