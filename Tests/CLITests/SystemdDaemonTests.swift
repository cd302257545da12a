import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The daemon as systemd runs it: notify socket, watchdog, reload, stop.
@Suite("overdue run under systemd: sd_notify, watchdog, SIGHUP, SIGTERM, inbox timing")
struct SystemdDaemonTests {
    static func invoice(_ id: String, customer: String) -> String {
        #"{"invoice": "\#(id)", "customer": {"id": "\#(customer)", "name": "\#(customer)", "email": "ap@\#(customer).example", "timezone": "Europe/London"}, "issued": "2027-02-01", "due": "2027-03-10", "currency": "GBP", "amount": "50.00"}"#
    }

    struct Daemon {
        var process: Process
        var root: URL
        var config: URL
        var inbox: URL { root.appendingPathComponent("spool/inbox") }
        var mail: URL { root.appendingPathComponent("spool/mail/new") }
        /// Its stderr, at debug level.
        var log: DaemonLog
    }

    /// Starts `overdue run` on a fresh spool, clock at Tue 2027-03-23 10:00 London.
    func start(environment: [String: String] = [:]) throws -> Daemon {
        let root = try TemporaryDirectory.make(prefix: "overdue-systemd")
        let config = root.appendingPathComponent("overdue.toml")
        try "[spool]\ndir = \"spool\"\n[schedule]\ntimezone = \"Europe/London\"\n".write(to: config, atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("spool/inbox"), withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = OverdueBinary.url
        process.arguments = ["--config", config.path, "run", "--now", "2027-03-23T10:00:00Z", "--log-level", "debug"]
        process.environment = DaemonLog.environment(environment)
        let log = DaemonLog(directory: root)
        process.standardError = try log.handle()
        try process.run()
        return Daemon(process: process, root: root, config: config, log: log)
    }

    func mailCount(_ daemon: Daemon) -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: daemon.mail.path)) ?? []).count
    }

    func waitFor(_ condition: () -> Bool, timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return condition()
    }

    @Test("every sd_notify message arrives, on a path socket and on an abstract one, with watchdog pings at half WATCHDOG_USEC",
          arguments: [false, true])
    func notify(abstract: Bool) throws {
        let socket = try NotifySocket(abstract: abstract)
        let daemon = try start(environment: ["NOTIFY_SOCKET": socket.address, "WATCHDOG_USEC": "400000"])
        defer { if daemon.process.isRunning { daemon.process.terminate() } }
        #expect(socket.wait(for: { $0 == "READY=1" }))
        #expect(socket.wait(for: { $0.hasPrefix("STATUS=") && $0.contains("open invoices") }))
        Thread.sleep(forTimeInterval: 1.2)
        let pings = socket.messages.filter { $0.text == "WATCHDOG=1" }.map(\.time)
        #expect(pings.count >= 4 && pings.count <= 8, "\(pings.count) pings in ~1.2 s at 0.2 s intervals")
        kill(daemon.process.processIdentifier, SIGHUP)
        #expect(socket.wait(for: { $0 == "RELOADING=1" }))
        let reloading = socket.messages.lastIndex { $0.text == "RELOADING=1" }!
        #expect(socket.wait(for: { _ in socket.messages[(reloading + 1)...].contains { $0.text == "READY=1" } }))
        daemon.process.terminate()
        daemon.process.waitUntilExit()
        #expect(socket.messages.contains { $0.text == "STOPPING=1" })
        #expect(daemon.process.terminationStatus == 0)
    }

    @Test("a file renamed into the idle daemon's inbox starts the pass that ingests it and sends its due reminder")
    func renameStartsPass() throws {
        let daemon = try start()
        defer { if daemon.process.isRunning { daemon.process.terminate() } }
        // Idle: the start pass is over and, the ledger being empty, armed no wake-up.
        #expect(Poll.until(timeout: 30) { !daemon.log.indices("next wake-up armed", "pass.reason=start").isEmpty })
        #expect(daemon.log.indices("next wake-up armed", "pass.reason=start", "plan.next=none").count == 1)
        let part = daemon.inbox.appendingPathComponent("a.json.part")
        try Self.invoice("A-1", customer: "alpha").write(to: part, atomically: true, encoding: .utf8)
        try FileManager.default.moveItem(at: part, to: daemon.inbox.appendingPathComponent("a.json"))
        #expect(waitFor({ mailCount(daemon) == 1 }, timeout: 30))
        // The letter went out in a pass the inbox started (writing the .part
        // file may start one more, which finds nothing to read): no timer
        // could, none was armed. Each pass ends with its wake-up line.
        #expect(Poll.until(timeout: 30) { !daemon.log.indices("delivered").isEmpty })
        let sent = try #require(daemon.log.indices("delivered").first)
        #expect(Poll.until(timeout: 30) { daemon.log.indices("next wake-up armed").contains { $0 > sent } })
        let passes = daemon.log.indices("next wake-up armed")
        #expect(passes.first.map { $0 < sent } == true, "sent before the start pass ended")
        let sentBy = try #require(passes.first { $0 > sent })
        #expect(daemon.log.lines[sentBy].contains("pass.reason=inbox"), "\(daemon.log.lines[sentBy])")
        #expect(daemon.log.indices("next wake-up armed", "pass.reason=timer").isEmpty)
    }

    @Test("a file written slowly in place is not read before it is closed")
    func slowWriter() throws {
        let daemon = try start()
        defer { if daemon.process.isRunning { daemon.process.terminate() } }
        #expect(Poll.until(timeout: 30) { !daemon.log.indices("next wake-up armed", "pass.reason=start").isEmpty })
        let path = daemon.inbox.appendingPathComponent("slow.jsonl").path
        // Created in place with open(2), as cp or scp do (FileManager's
        // createFile would move a finished empty file in first).
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        #expect(fd >= 0)
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: false)
        let text = Self.invoice("S-1", customer: "slow")
        handle.write(Data(text.prefix(40).utf8))
        // Another file arrives meanwhile, so a full pass runs.
        let part = daemon.inbox.appendingPathComponent("b.json.part")
        try Self.invoice("B-1", customer: "beta").write(to: part, atomically: true, encoding: .utf8)
        try FileManager.default.moveItem(at: part, to: daemon.inbox.appendingPathComponent("b.json"))
        #expect(waitFor({ mailCount(daemon) == 1 }, timeout: 5))
        Thread.sleep(forTimeInterval: 0.3)
        #expect(FileManager.default.fileExists(atPath: path), "the half-written file was taken")
        let rejected = (try? FileManager.default.contentsOfDirectory(atPath: daemon.root.appendingPathComponent("spool/rejected").path)) ?? []
        #expect(rejected.isEmpty, "\(rejected)")
        handle.write(Data((String(text.dropFirst(40)) + "\n").utf8))
        try handle.close()
        #expect(waitFor({ mailCount(daemon) == 2 }, timeout: 5), "the finished file was not read after it was closed")
    }

    @Test("SIGHUP with a broken config keeps running on the old one")
    func brokenReload() throws {
        let daemon = try start()
        defer { if daemon.process.isRunning { daemon.process.terminate() } }
        // SIGHUP is heard once the service runs: after its start pass.
        #expect(Poll.until(timeout: 30) { !daemon.log.indices("next wake-up armed", "pass.reason=start").isEmpty })
        try "[schedule]\ntimezone = \"Nowhere/Land\"\n".write(to: daemon.config, atomically: true, encoding: .utf8)
        kill(daemon.process.processIdentifier, SIGHUP)
        Thread.sleep(forTimeInterval: 0.5)
        #expect(daemon.process.isRunning)
        let part = daemon.inbox.appendingPathComponent("c.json.part")
        try Self.invoice("C-1", customer: "gamma").write(to: part, atomically: true, encoding: .utf8)
        try FileManager.default.moveItem(at: part, to: daemon.inbox.appendingPathComponent("c.json"))
        #expect(waitFor({ mailCount(daemon) == 1 }, timeout: 5), "the daemon stopped working after a bad reload")
        daemon.process.terminate()
        daemon.process.waitUntilExit()
        let log = daemon.log.lines.joined(separator: "\n")
        #expect(log.contains("reload refused"))
        #expect(log.contains("Nowhere/Land"))
        #expect(daemon.process.terminationStatus == 0)
    }
}

@Suite("overdue run: SIGTERM during a large send")
struct GracefulStopTests {
    @Test("SIGTERM mid-batch: the sends in flight finish, no new one starts, exit 0; a restart sends the rest once")
    func stopDuringSend() throws {
        try #require(SMTPSink.isInstalled)
        // Each message takes about 1 s (smtp-sink waits before answering DATA).
        let sink = try SMTPSink(flags: ["-w", "1"])
        let root = try TemporaryDirectory.make(prefix: "overdue-stop")
        let config = root.appendingPathComponent("overdue.toml")
        try """
            [spool]
            dir = "spool"
            [schedule]
            timezone = "Europe/London"
            [channels.email]
            url = "smtp://127.0.0.1:\(sink.port)"
            starttls = "off"
            max_connections = 2
            """.write(to: config, atomically: true, encoding: .utf8)
        let inbox = root.appendingPathComponent("spool/inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        let invoices = (0..<12).map { SystemdDaemonTests.invoice("T-\($0)", customer: "d\($0)") }.joined(separator: "\n")
        try invoices.write(to: inbox.appendingPathComponent("batch.jsonl"), atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = OverdueBinary.url
        process.arguments = ["--config", config.path, "run", "--now", "2027-03-23T10:00:00Z", "--log-level", "debug"]
        process.environment = DaemonLog.environment()
        let log = DaemonLog(directory: root)
        process.standardError = try log.handle()
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        // Mid-batch: once the first message is through.
        #expect(Poll.until(timeout: 30) { !log.indices("delivery attempt").isEmpty })
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        // It stopped after the sends in flight, not after the batch or the
        // grace period: in the log, the transfers that end after `stopping`
        // are at most those in flight on the two connections and one more
        // each begun before the pass saw the stop; `stopped` comes after them.
        let (stopping, stopped) = try #require(log.shutdown, "no `stopping` or no `stopped` line (the grace period ran out)")
        let attempts = log.indices("delivery attempt")
        #expect(stopping < stopped && attempts.allSatisfy { $0 < stopped })
        #expect(attempts.filter { $0 > stopping }.count <= 2 * 2, "\(attempts.filter { $0 > stopping }.count) transfers ended after the stop")

        func sentKeys() throws -> [String] {
            let logDirectory = root.appendingPathComponent("spool/log")
            return try FileManager.default.contentsOfDirectory(atPath: logDirectory.path).flatMap {
                try String(contentsOf: logDirectory.appendingPathComponent($0), encoding: .utf8).split(separator: "\n")
            }.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
                .filter { $0["event"] as? String == "sent" }.compactMap { $0["key"] as? String }
        }
        let first = try sentKeys()
        #expect(first.count >= 1 && first.count < 12, "\(first.count) sent before the stop")
        let rest = try OverdueBinary.run(["--config", config.path, "run", "--once", "--now", "2027-03-23T10:05:00Z"])
        #expect(rest.status == 0)
        let all = try sentKeys()
        #expect(all.count == 12)
        #expect(Set(all).count == 12, "a message was sent twice")
    }
}
