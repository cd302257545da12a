import Foundation
import Testing
import TestSupport

/// Relay errors stop the channel, not the ladder, and never lock the
/// account: a wrong password costs one AUTH per pause, not one per message.
@Suite("Relay errors: one failed AUTH pauses the channel; the pause outlives the process; a fixed password resumes it")
struct RelayErrorTests {
    func log(_ config: URL, _ arguments: [String] = []) throws -> [[String: Any]] {
        let result = try OverdueBinary.run(["--config", config.path, "log", "--json"] + arguments)
        return try result.stdout.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }

    func authAttempts(_ smtp: LoopbackServer) -> [String] {
        ((try? String(contentsOf: smtp.outputDirectory.appendingPathComponent("auth-attempts.log"), encoding: .utf8)) ?? "")
            .split(separator: "\n").map(String.init)
    }

    @Test("12 letters, a wrong password: one AUTH, one channel_paused line, every letter deferred untried; status says PAUSED; the next run tries nothing; after the pause, the right password sends all")
    func wrongPassword() throws {
        let smtp = try LoopbackServer(.smtp, arguments: ["--auth", "overdue:s3cret"])
        let test = try TestSpool(prefix: "overdue-relay", config: "")
        let credentials = test.root.appendingPathComponent("smtp.credentials")
        try "overdue:wrong".writeSecret(to: credentials)
        try (TestSpool.alwaysOpen + """
            [channels.email]
            url = "smtp://127.0.0.1:\(smtp.port)"
            starttls = "off"
            credentials_file = "\(credentials.path)"
            max_connections = 4
            """).write(to: test.config, atomically: true, encoding: .utf8)
        try (0..<12).map { index in
            #"{"invoice": "R-\#(index)", "customer": {"id": "c\#(index)", "name": "Debtor \#(index)", "email": "ap\#(index)@debtor.example"}, "issued": "2027-02-01", "due": "2027-03-01", "currency": "GBP", "amount": "10.00"}"#
        }.joined(separator: "\n").write(to: test.inbox.appendingPathComponent("i.jsonl"), atomically: true, encoding: .utf8)

        let first = try OverdueBinary.run(["--config", test.config.path, "run", "--once", "--now", "2027-03-02T10:00:00Z"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(authAttempts(smtp) == ["failed"], "one AUTH for the whole channel, not one per message")
        let paused = try log(test.config, ["--event", "channel_paused"])
        #expect(paused.count == 1 && (paused.first?["detail"] as? String)?.contains("authentication failed") == true, "\(paused)")
        let deferred = try log(test.config, ["--event", "deferred"])
        #expect(deferred.count == 12, "\(deferred.count)")
        #expect(deferred.filter { ($0["detail"] as? String)?.hasPrefix("not tried: the email channel is paused") == true }.count == 11)
        #expect(try log(test.config, ["--event", "failed"]).isEmpty, "never a dead letter")
        let status = try OverdueBinary.run(["--config", test.config.path, "status"]).stdout
        #expect(status.contains("email channel: PAUSED since 2027-03-02T10:00"), "\(status)")

        // Five minutes later, another process: the pause holds, no AUTH.
        _ = try OverdueBinary.run(["--config", test.config.path, "run", "--once", "--now", "2027-03-02T10:05:00Z"])
        #expect(authAttempts(smtp).count == 1)

        // Fixed; after the pause (10 minutes) everything goes, the channel resumes.
        try "overdue:s3cret".writeSecret(to: credentials)
        for minute in [45, 75, 120, 180] {
            _ = try OverdueBinary.run(["--config", test.config.path, "run", "--once", "--now", "2027-03-02T\(10 + minute / 60):\(String(format: "%02d", minute % 60)):00Z"])
        }
        #expect(try log(test.config, ["--event", "sent"]).count == 12)
        // RFC 3834: every reminder says it is automated, so out-of-office replies do not answer it.
        let mail = try String(contentsOf: smtp.received(withExtension: "eml", atLeast: 12)[0], encoding: .utf8)
        #expect(mail.contains("\r\nAuto-Submitted: auto-generated\r\n"))
        #expect(authAttempts(smtp).filter { $0 == "failed" }.count == 1)
        #expect(try log(test.config, ["--event", "channel_resumed"]).count == 1)
        #expect(!(try OverdueBinary.run(["--config", test.config.path, "status"]).stdout.contains("PAUSED")))
    }

    @Test("starttls = \"off\" with a credentials_file: refused for any host but loopback, naming the key and the fix")
    func cleartextPassword() throws {
        let test = try TestSpool(prefix: "overdue-cleartext", config: "")
        let credentials = test.root.appendingPathComponent("smtp.credentials")
        try "u:p".writeSecret(to: credentials)
        for (host, refused) in [("mail.example.com", true), ("127.0.0.1", false), ("[::1]", false)] {
            try """
                [spool]
                dir = "spool"
                [channels.email]
                url = "smtp://u:PASSWORD@\(host):587"
                starttls = "off"
                credentials_file = "\(credentials.path)"
                """.write(to: test.config, atomically: true, encoding: .utf8)
            let check = try OverdueBinary.run(["--config", test.config.path, "check"])
            let output = check.stdout + check.stderr
            #expect((check.status != 0) == refused, "\(host): \(output)")
            #expect(output.contains("channels.email.starttls") == refused, "\(host): \(output)")
            #expect(!output.contains("PASSWORD"), "the URL's password is never printed: \(output)")
        }
        // A credentials file every user can read is refused, naming the fix.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: credentials.path)
        let check = try OverdueBinary.run(["--config", test.config.path, "check"])
        #expect(check.status != 0 && check.stderr.contains("is readable by every user (mode 644); run chmod 600"), "\(check.stderr)")
    }
}
