import Foundation
import Testing
import TestSupport

/// The ledger snapshot through the binary: a start from snapshot + tail
/// reads the same as a full replay, also after kill -9 while the snapshot
/// is written and while the tail is replayed; a damaged snapshot is logged
/// and ignored.
@Suite("Ledger snapshot: kill -9 and damage through the binary")
struct SnapshotCrashTests {
    static let now = "2027-03-22T10:00:00Z"  // a Monday: reminders go out, so the delivery journal has a snapshot too
    /// Every run may snapshot (the daemon's 4 MiB floor is for real spools).
    static let anySize = ["OVERDUE_SNAPSHOT_MIN_BYTES": "1"]

    func makeSpool() throws -> TestSpool {
        try TestSpool(prefix: "overdue-snapshot", config: """
            [spool]
            dir = "spool"
            [schedule]
            timezone = "Europe/London"
            """)
    }

    /// `count` invoices from `first` on, with payments, a promise and a
    /// dispute on earlier ones, and an opt-out: one inbox file.
    func batch(_ test: TestSpool, first: Int, count: Int, name: String) throws {
        var lines: [String] = []
        for n in first..<(first + count) {
            lines.append(#"{"invoice": "S-\#(n)", "customer": {"id": "c\#(n % 97)", "name": "Customer \#(n % 97)", "email": "ap\#(n % 97)@snap.example"}, "issued": "2027-01-01", "due": "2027-0\#(2 + n % 3)-01", "currency": "EUR", "amount": "\#(100 + n % 900).50"}"#)
        }
        for n in stride(from: max(0, first - count), to: first, by: 7) {
            lines.append(#"{"event": "payment", "invoice": "S-\#(n)", "amount": "\#(n % 50 + 1).25", "date": "2027-03-0\#(1 + n % 9)"}"#)
        }
        if first > 0 {
            lines.append(#"{"event": "promise", "invoice": "S-\#(first - 1)", "date": "2027-04-01"}"#)
            lines.append(#"{"event": "dispute", "invoice": "S-\#(first - 2)", "reason": "not delivered"}"#)
            lines.append(#"{"event": "optout", "address": "ap\#(first % 97)@snap.example"}"#)
        }
        try test.drop(lines.joined(separator: "\n") + "\n", as: name)
    }

    func overdue(_ test: TestSpool, _ arguments: [String], environment: [String: String] = [:]) throws -> OverdueBinary.Result {
        try OverdueBinary.run(["--config", test.config.path, "--log-level", "notice"] + arguments, environment: environment)
    }

    var snapshot: (TestSpool) -> URL { { $0.spool.appendingPathComponent("ledger/snapshot.bin") } }

    /// `report --json`, `status --json` and `plan --json` as of the test's instant.
    func views(_ test: TestSpool) throws -> [String] {
        let report = try overdue(test, ["report", "--json", "--at", "2027-03-20"])
        let status = try overdue(test, ["status", "--json", "--now", Self.now])
        let plan = try overdue(test, ["plan", "--json", "--from", Self.now, "--days", "30"])
        #expect(report.status == 0 && status.status == 0 && plan.status == 0, "\(report.stderr)\(status.stderr)\(plan.stderr)")
        return [report.stdout, status.stdout, plan.stdout]
    }

    /// What the views say from the snapshot, then with the snapshot moved
    /// away (a full replay): they must agree. The snapshot is put back.
    func expectSnapshotAgreesWithFullReplay(_ test: TestSpool, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let withSnapshot = try views(test)
        // Both snapshots: the ledger's and the delivery journal's.
        let snapshots = [snapshot(test), test.spool.appendingPathComponent("ledger/sent-snapshot.bin")]
            .filter { FileManager.default.fileExists(atPath: $0.path) }
        for file in snapshots { try FileManager.default.moveItem(at: file, to: test.root.appendingPathComponent(file.lastPathComponent + ".aside")) }
        let replayed = try views(test)
        for file in snapshots { try FileManager.default.moveItem(at: test.root.appendingPathComponent(file.lastPathComponent + ".aside"), to: file) }
        for (index, (a, b)) in zip(withSnapshot, replayed).enumerated() where a != b {
            // Kept for a look at what differs.
            try? a.write(to: test.root.appendingPathComponent("view\(index)-snapshot.json"), atomically: true, encoding: .utf8)
            try? b.write(to: test.root.appendingPathComponent("view\(index)-replayed.json"), atomically: true, encoding: .utf8)
            Issue.record("view \(index) differs between the snapshot and the full replay (\(test.root.path))", sourceLocation: sourceLocation)
        }
        #expect(withSnapshot[0].contains("\"open\"") || withSnapshot[0].count > 100, sourceLocation: sourceLocation)
    }

    /// A spool with a snapshot that covers the first file, and a second file committed after it.
    func spoolWithSnapshotAndTail() throws -> TestSpool {
        let test = try makeSpool()
        try batch(test, first: 0, count: 3000, name: "a.jsonl")
        let first = try overdue(test, ["run", "--once", "--now", Self.now], environment: Self.anySize)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(FileManager.default.fileExists(atPath: snapshot(test).path))
        #expect(FileManager.default.fileExists(atPath: test.spool.appendingPathComponent("ledger/sent-snapshot.bin").path),
                "the delivery journal's snapshot too (the run sent reminders)")
        try batch(test, first: 3000, count: 1000, name: "b.jsonl")
        return test
    }

    @Test("kill -9 while the snapshot is written: the old snapshot + the tail reads as the full replay, and the next run writes a good one")
    func killDuringSnapshotWrite() throws {
        let test = try spoolWithSnapshotAndTail()
        let killed = try overdue(test, ["run", "--once", "--now", Self.now],
                                 environment: Self.anySize.merging(["OVERDUE_FAULT": "snapshot-write"]) { $1 })
        #expect(killed.status == 9, "killed by the fault point: \(killed.stderr)")
        let ledgerFiles = try FileManager.default.contentsOfDirectory(atPath: test.spool.appendingPathComponent("ledger").path)
        #expect(ledgerFiles.contains { $0.hasPrefix(".tmp-") }, "the half-written snapshot is left as a temp file")
        try expectSnapshotAgreesWithFullReplay(test)
        let next = try overdue(test, ["run", "--once", "--now", Self.now], environment: Self.anySize)
        #expect(next.status == 0, "\(next.stderr)")
        #expect(!next.stderr.contains("ledger snapshot ignored"))
        try expectSnapshotAgreesWithFullReplay(test)
    }

    @Test("kill -9 while the tail after the snapshot is replayed: the next start reads as the full replay")
    func killDuringTailReplay() throws {
        let test = try spoolWithSnapshotAndTail()
        // The tail must be in the journal first: a run commits the second file (snapshot not due).
        let ingest = try overdue(test, ["run", "--once", "--now", Self.now], environment: ["OVERDUE_SNAPSHOT_MIN_BYTES": "100000000"])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let killed = try overdue(test, ["run", "--once", "--now", Self.now], environment: ["OVERDUE_FAULT": "snapshot-tail-replay"])
        #expect(killed.status == 9, "killed by the fault point: \(killed.stderr)")
        let next = try overdue(test, ["run", "--once", "--now", Self.now], environment: ["OVERDUE_SNAPSHOT_MIN_BYTES": "100000000"])
        #expect(next.status == 0, "\(next.stderr)")
        try expectSnapshotAgreesWithFullReplay(test)
    }

    @Test("a damaged snapshot is logged (snapshot.reason) and ignored: the views are the full replay's")
    func damagedSnapshotIsLogged() throws {
        let test = try spoolWithSnapshotAndTail()
        let good = try views(test)
        var bytes = try Data(contentsOf: snapshot(test))
        bytes[bytes.count - 100] ^= 0xFF
        try bytes.write(to: snapshot(test))
        let status = try overdue(test, ["status", "--json", "--now", Self.now])
        #expect(status.stderr.contains("ledger snapshot ignored; replaying the whole journal"))
        #expect(status.stderr.contains("snapshot.reason=checksum"))
        #expect(try views(test) == good)
    }

    @Test("the running daemon snapshots in the background after a pass once the journal grew by a quarter, and not before")
    func daemonSnapshotsAfterGrowth() throws {
        let test = try makeSpool()
        try batch(test, first: 0, count: 2000, name: "a.jsonl")
        let process = Process()
        process.executableURL = OverdueBinary.url
        process.arguments = ["--config", test.config.path, "run", "--now", Self.now, "--log-level", "info"]
        // Floor at 200 kB: the first file (~500 kB) is due, a small second one (not a quarter more) is not.
        process.environment = ProcessInfo.processInfo.environment.merging(["OVERDUE_SNAPSHOT_MIN_BYTES": "200000"]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        func waitFor(_ condition: () -> Bool) -> Bool {
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline {
                if condition() { return true }
                Thread.sleep(forTimeInterval: 0.05)
            }
            return false
        }
        func covered() -> Int? {
            guard let data = try? Data(contentsOf: snapshot(test)), data.count > 32 else { return nil }
            return data.dropFirst(24).prefix(16).dropFirst(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        }
        #expect(waitFor { covered() != nil }, "no snapshot after the first pass")
        let first = covered() ?? 0
        // A small file: the journal grows by less than a quarter, no new snapshot.
        try batch(test, first: 2000, count: 100, name: "b.jsonl")
        #expect(waitFor { (try? FileManager.default.contentsOfDirectory(atPath: test.inbox.path))?.isEmpty == true })
        Thread.sleep(forTimeInterval: 0.5)
        #expect(covered() == first)
        // A large one: a new snapshot covering it.
        try batch(test, first: 2100, count: 2000, name: "c.jsonl")
        #expect(waitFor { (covered() ?? 0) > first }, "no new snapshot after the journal grew by more than a quarter")
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        try expectSnapshotAgreesWithFullReplay(test)
    }
}
