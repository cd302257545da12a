import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The daemon under a relay's quota, as systemd runs it: the control loop
/// (READY, watchdog, signals, `overdue retry`) is never blocked by a pass
/// that streams for many seconds.
@Suite("overdue run streams under a quota without blocking its control loop")
struct StreamingDaemonTests {
    static func invoices(_ count: Int, prefix: String = "Q") -> String {
        (0..<count).map { number in
            #"{"invoice": "\#(prefix)-\#(number)", "customer": {"id": "\#(prefix.lowercased())\#(number)", "name": "Debtor \#(number)", "email": "ap\#(number)@debtor.example", "timezone": "Europe/London"}, "issued": "2027-02-20", "due": "2027-03-22", "currency": "GBP", "amount": "80.00"}"#
        }.joined(separator: "\n") + "\n"
    }

    /// Arrival times of the messages a loopback SMTP server wrote.
    static func arrivals(_ files: [URL]) -> [Date] {
        files.compactMap { try? FileManager.default.attributesOfItem(atPath: $0.path)[.modificationDate] as? Date }.sorted()
    }

    @Test("rate_per_second = 4, 60 reminders: READY before the first send, pings every second, 4 a second, retry and SIGTERM meanwhile, none twice")
    func quotaUnderSystemd() throws {
        let smtp = try LoopbackServer(.smtp)
        let root = try TemporaryDirectory.make(prefix: "overdue-quota")
        let config = root.appendingPathComponent("overdue.toml")
        try """
            [spool]
            dir = "spool"
            [schedule]
            timezone = "Europe/London"
            [daemon]
            shutdown_grace_seconds = 5
            [channels.email]
            url = "smtp://127.0.0.1:\(smtp.port)"
            starttls = "off"
            max_connections = 4
            rate_per_second = 4
            """.write(to: config, atomically: true, encoding: .utf8)
        let inbox = root.appendingPathComponent("spool/inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        try Self.invoices(60).write(to: inbox.appendingPathComponent("month-end.jsonl"), atomically: true, encoding: .utf8)

        let socket = try NotifySocket(abstract: false)
        let process = Process()
        process.executableURL = OverdueBinary.url
        process.arguments = ["--config", config.path, "run", "--now", "2027-03-23T10:00:00Z", "--log-level", "debug"]
        process.environment = DaemonLog.environment(["NOTIFY_SOCKET": socket.address, "WATCHDOG_USEC": "2000000"])
        let log = DaemonLog(directory: root)
        process.standardError = try log.handle()
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        // READY=1 before the first delivery: it is the first datagram, before
        // any progress in STATUS=, and it goes out with the `started` line,
        // before the start pass is asked for, which every transfer follows.
        #expect(socket.wait(for: { $0 == "READY=1" }, timeout: 30))
        let ready = try #require(socket.messages.first { $0.text == "READY=1" }).time
        #expect(socket.messages.first?.text == "READY=1", "\(socket.messages.first?.text ?? "")")
        #expect(Poll.until(timeout: 30) { !log.indices("delivery attempt").isEmpty })
        let started = try #require(log.indices("started").first)
        #expect(log.indices("delivery attempt").allSatisfy { $0 > started })

        // An operator re-queues dead letters while the daemon streams.
        Thread.sleep(forTimeInterval: 3)
        let retry = try OverdueBinary.run(["--config", config.path, "retry", "--all"])
        #expect(retry.status == 0, "\(retry.stderr)")

        // Stop mid-way: the transfers in flight finish, then exit 0: `stopped`
        // after them, not the grace period's warning.
        Thread.sleep(forTimeInterval: 5)
        let stopAt = Date()
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        let (stopping, stopped) = try #require(log.shutdown, "no `stopping` or no `stopped` line (the grace period ran out)")
        #expect(stopping < stopped && log.indices("delivery attempt").allSatisfy { $0 < stopped })

        // The watchdog was pinged throughout the send (every second, at half WATCHDOG_USEC).
        let pings = socket.messages.filter { $0.text == "WATCHDOG=1" }.map(\.time)
        let gaps = zip([ready] + pings, pings + [stopAt]).map { $1.timeIntervalSince($0) }
        #expect(pings.count >= 6 && (gaps.max() ?? 99) <= 1.5, "\(pings.count) pings, largest gap \(gaps.max() ?? -1) s")
        #expect(socket.messages.contains { $0.text.hasPrefix("STATUS=sending ") }, "no progress in STATUS=")

        // 4 a second (± 15 %).
        let sent = Self.arrivals(smtp.received(withExtension: "eml"))
        #expect(sent.count >= 20 && sent.count < 60, "\(sent.count) arrived before the stop")
        if sent.count > 2 {
            let rate = Double(sent.count - 1) / sent.last!.timeIntervalSince(sent.first!)
            #expect(abs(rate - 4) <= 0.6, "\(rate) messages a second")
        }

        // A restart sends the rest, none twice (one Message-ID per debtor).
        let rest = try OverdueBinary.run(["--config", config.path, "run", "--once", "--now", "2027-03-23T10:01:00Z"])
        #expect(rest.status == 0, "\(rest.stderr)")
        let all = smtp.received(withExtension: "eml", atLeast: 60, timeout: 30)
        let ids = try all.map { file in
            try String(contentsOf: file, encoding: .utf8).split(whereSeparator: \.isNewline).first { $0.hasPrefix("Message-ID:") }
                .map(String.init) ?? ""
        }
        #expect(all.count == 60 && Set(ids).count == 60, "\(all.count) messages, \(Set(ids).count) distinct")
    }

    @Test("SIGHUP mid-stream applies between messages: the new quota takes over within a second, nothing twice")
    func reloadBetweenMessages() throws {
        let smtp = try LoopbackServer(.smtp)
        let root = try TemporaryDirectory.make(prefix: "overdue-hup")
        let config = root.appendingPathComponent("overdue.toml")
        func write(rate: Int) throws {
            try """
                [spool]
                dir = "spool"
                [schedule]
                timezone = "Europe/London"
                [channels.email]
                url = "smtp://127.0.0.1:\(smtp.port)"
                starttls = "off"
                max_connections = 2
                rate_per_second = \(rate)
                """.write(to: config, atomically: true, encoding: .utf8)
        }
        try write(rate: 1)
        let inbox = root.appendingPathComponent("spool/inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        try Self.invoices(30, prefix: "R").write(to: inbox.appendingPathComponent("r.jsonl"), atomically: true, encoding: .utf8)
        let socket = try NotifySocket(abstract: false)
        let process = Process()
        process.executableURL = OverdueBinary.url
        process.arguments = ["--config", config.path, "run", "--now", "2027-03-23T10:00:00Z"]
        process.environment = ProcessInfo.processInfo.environment.merging(["NOTIFY_SOCKET": socket.address]) { $1 }
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        #expect(socket.wait(for: { $0 == "READY=1" }))
        Thread.sleep(forTimeInterval: 3)  // about 3 sent at 1 a second, 27 to go
        try write(rate: 20)
        let hup = Date()
        kill(process.processIdentifier, SIGHUP)
        #expect(socket.wait(for: { _ in socket.messages.contains { $0.text == "READY=1" && $0.time > hup } }, timeout: 5))
        let readyAgain = socket.messages.first { $0.text == "READY=1" && $0.time > hup }?.time ?? .distantFuture
        #expect(readyAgain.timeIntervalSince(hup) < 1.5, "reload applied \(readyAgain.timeIntervalSince(hup)) s after SIGHUP")
        // At 20 a second the other 27 take about 1.5 s, not 27.
        let all = smtp.received(withExtension: "eml", atLeast: 30, timeout: 8)
        #expect(all.count == 30, "\(all.count) of 30 within 8 s of the reload")
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        let ids = try all.map { file in
            try String(contentsOf: file, encoding: .utf8).split(whereSeparator: \.isNewline).first { $0.hasPrefix("Message-ID:") }
                .map(String.init) ?? ""
        }
        #expect(Set(ids).count == all.count, "a message was sent twice")
    }

    @Test("a webhook endpoint that accepts and never answers does not slow e-mail")
    func hangingWebhook() throws {
        let hanging = try SilentServer()
        let answering = try LoopbackServer(.http, arguments: ["--webhook-secret", DeliveryEndToEndTests.secret])
        func emailSpan(webhookPort: Int) throws -> TimeInterval {
            let smtp = try LoopbackServer(.smtp)
            let root = try TemporaryDirectory.make(prefix: "overdue-hang")
            try "\(DeliveryEndToEndTests.secret)\n".writeSecret(to: root.appendingPathComponent("webhook.secret"))
            let config = root.appendingPathComponent("overdue.toml")
            try """
                [spool]
                dir = "spool"
                [schedule]
                timezone = "Europe/London"
                [[policy]]
                name = "standard"
                stages = [ { name = "overdue", offset_days = 1, channels = ["email", "webhook"] } ]
                [channels.email]
                url = "smtp://127.0.0.1:\(smtp.port)"
                starttls = "off"
                rate_per_second = 10
                [channels.webhook]
                url = "http://127.0.0.1:\(webhookPort)/hooks"
                secret_file = "\(root.path)/webhook.secret"
                timeout_seconds = 6
                """.write(to: config, atomically: true, encoding: .utf8)
            let inbox = root.appendingPathComponent("spool/inbox")
            try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
            try Self.invoices(40, prefix: "H").write(to: inbox.appendingPathComponent("h.jsonl"), atomically: true, encoding: .utf8)
            let run = try OverdueBinary.run(["--config", config.path, "run", "--once", "--now", "2027-03-23T10:00:00Z"])
            #expect(run.status == 0, "\(run.stderr)")
            let arrivals = Self.arrivals(smtp.received(withExtension: "eml", atLeast: 40))
            try #require(arrivals.count == 40)
            return arrivals.last!.timeIntervalSince(arrivals.first!)
        }
        let normal = try emailSpan(webhookPort: answering.port)
        let withHang = try emailSpan(webhookPort: hanging.port)
        #expect(hanging.accepted > 0, "the hanging endpoint was never contacted")
        // 40 e-mails at 10 a second take 3.9 s either way.
        #expect(abs(withHang - normal) <= 0.2 * normal, "e-mail took \(withHang) s beside a hanging webhook, \(normal) s without")
    }
}

struct ListenError: Error {
    var errno: Int32
}

/// A TCP server on 127.0.0.1 that accepts connections and never answers.
final class SilentServer: @unchecked Sendable {  // `connections` is guarded by `lock`
    let port: Int
    private let fd: Int32
    private let lock = NSLock()
    private var connections: [Int32] = []
    private var thread: Thread?

    var accepted: Int { lock.withLock { connections.count } }

    init() throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let fd = fd
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        guard listen(fd, 64) == 0 else { throw ListenError(errno: errno) }
        port = Int(UInt16(bigEndian: address.sin_port))
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let thread = Thread { [unowned self] in
            while !Thread.current.isCancelled {
                let client = accept(self.fd, nil, nil)
                if client >= 0 { self.lock.withLock { self.connections.append(client) } }
            }
        }
        self.thread = thread
        thread.start()
    }

    deinit {
        thread?.cancel()
        Thread.sleep(forTimeInterval: 0.15)
        for client in connections { close(client) }
        close(fd)
    }
}
