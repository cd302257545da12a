import Foundation
import Testing
import TestSupport

/// What comes back, through the binary against a real Dovecot on loopback:
/// bounces (VERP), replies, unsubscribes and strangers, read over IMAPS or
/// IMAP with STARTTLS, and their effects on the next stages.
@Suite("Feedback mailbox: bounces, replies and unsubscribes over IMAP", .enabled(if: DovecotServer.available, "needs root and dovecot-imapd"))
struct FeedbackMailboxTests {
    static func config(smtp: Int, feedback: String, extra: String = "") -> String {
        """
        [spool]
        dir = "spool"
        [brand]
        name = "Northwind"
        from = "Northwind Accounts <accounts@northwind.example>"
        reply_to = "ar@northwind.example"
        [schedule]
        timezone = "Europe/London"
        [[policy]]
        name = "std"
        stages = [
          { name = "overdue", offset_days = 1, channels = ["email"], fallback = ["sms"] },
          { name = "firm", offset_days = 5, channels = ["email"], fallback = ["sms"] },
        ]
        [channels.email]
        url = "smtp://127.0.0.1:\(smtp)"
        starttls = "off"
        bounce_address = "bounces@northwind.example"
        \(extra)

        """ + feedback
    }

    static let invoices = """
        {"invoice": "A-1", "customer": {"id": "acme", "name": "Acme Ltd", "email": "ap@acme.example", "phone": "+447700900123"}, "issued": "2027-02-01", "due": "2027-03-01", "currency": "GBP", "amount": "100.00"}
        {"invoice": "B-1", "customer": {"id": "beta", "name": "Beta Ltd", "email": "ap@beta.example"}, "issued": "2027-02-01", "due": "2027-03-01", "currency": "GBP", "amount": "200.00"}
        {"invoice": "G-1", "customer": {"id": "gamma", "name": "Gamma Ltd", "email": "ap@gamma.example"}, "issued": "2027-02-01", "due": "2027-03-01", "currency": "GBP", "amount": "300.00"}
        """

    func overdue(_ test: TestSpool, _ arguments: [String], environment: [String: String] = [:]) throws -> OverdueBinary.Result {
        try OverdueBinary.run(["--config", test.config.path] + arguments, environment: environment)
    }

    func log(_ test: TestSpool) throws -> [[String: Any]] {
        try overdue(test, ["log", "--json"]).stdout.split(separator: "\n")
            .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }

    /// The envelope and Message-ID of each message the SMTP server got, by recipient.
    static func sent(_ smtp: LoopbackServer, count: Int) throws
        -> [String: (key: String, messageID: String, mailFrom: String, token: String, unsubscribe: String)] {
        var byRecipient: [String: (String, String, String, String, String)] = [:]
        for file in smtp.received(withExtension: "json", atLeast: count) {
            let envelope = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [String: Any]
            let mail = try String(contentsOf: file.deletingPathExtension().appendingPathExtension("eml"), encoding: .utf8)
            let messageID = mail.split(separator: "\r\n").first { $0.hasPrefix("Message-ID: ") }.map { String($0.dropFirst(12)) } ?? ""
            let to = (envelope["rcpt_tos"] as? [String])?.first ?? ""
            let key = String(messageID.dropFirst().prefix(36))
            // The signed key: "od1-<32 hex>-<16 hex>", the Message-ID's local part.
            let token = String(messageID.dropFirst().prefix { $0 != "@" })
            let unsubscribe = mail.split(separator: "\r\n").first { $0.hasPrefix("List-Unsubscribe: ") }.map { String($0.dropFirst(18)) } ?? ""
            byRecipient[to] = (key, messageID, envelope["mail_from"] as? String ?? "", token, unsubscribe)
        }
        return byRecipient
    }

    static func dsn(to envelope: String, recipient: String, status: String, action: String = "failed", id: String) -> String {
        """
        From: Mail Delivery System <MAILER-DAEMON@relay.example>
        To: \(envelope)
        Subject: Undelivered Mail Returned to Sender
        Date: Tue, 02 Mar 2027 11:00:00 +0000
        Message-ID: <\(id)@relay.example>
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="=b1"

        --=b1
        Content-Type: text/plain

        This is the mail system at host relay.example. Your message could not be delivered.

        --=b1
        Content-Type: message/delivery-status

        Reporting-MTA: dns; relay.example

        Final-Recipient: rfc822; \(recipient)
        Action: \(action)
        Status: \(status)
        Diagnostic-Code: smtp; 550 5.1.1 <\(recipient)>: Recipient address rejected: User unknown in virtual mailbox table

        --=b1--
        """
    }

    @Test("IMAPS: a VERP bounce suppresses and the next stage falls back to SMS; a reply pauses and is forwarded; an unsubscribe opts out; a stranger stays flagged")
    func imapsEndToEnd() throws {
        let smtp = try LoopbackServer(.smtp)
        let twilio = try LoopbackServer(.http, arguments: ["--mode", "twilio"])
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let hooks = try LoopbackServer(.http, arguments: ["--webhook-secret", secret])
        let dovecot = try DovecotServer()
        let test = try TestSpool(prefix: "overdue-feedback", config: "")
        try secret.writeSecret(to: test.root.appendingPathComponent("webhook.secret"))
        try (Self.config(smtp: smtp.port, feedback: try dovecot.feedbackSection(extra: "forward_to = \"finance@northwind.example\""))
            + test.twilioChannel(port: twilio.port)
            + "[channels.webhook]\nurl = \"http://127.0.0.1:\(hooks.port)/hooks\"\nsecret_file = \"\(test.root.path)/webhook.secret\"\n")
            .write(to: test.config, atomically: true, encoding: .utf8)
        try test.drop(Self.invoices, as: "invoices.jsonl")
        let first = try overdue(test, ["run", "--once", "--now", "2027-03-02T10:00:00Z"])
        #expect(first.status == 0, "\(first.stderr)")
        let sent = try Self.sent(smtp, count: 3)
        // The VERP envelope sender, checked on the server's side.
        let acme = try #require(sent["ap@acme.example"])
        #expect(acme.token.count == 53 && acme.token.hasPrefix(acme.key + "-"))
        #expect(acme.mailFrom == "bounces+\(acme.token)@northwind.example")
        let beta = try #require(sent["ap@beta.example"])
        let gamma = try #require(sent["ap@gamma.example"])
        // The unsubscribe mailto asks for the signed key in its subject.
        #expect(gamma.unsubscribe.contains("?subject=unsubscribe%20\(gamma.token)>"), "\(gamma.unsubscribe)")

        try dovecot.append([
            Self.dsn(to: acme.mailFrom, recipient: "ap@acme.example", status: "5.1.1", id: "dsn-acme"),
            """
            From: Bea <ap@beta.example>
            To: ar@northwind.example
            Subject: Re: Payment reminder
            Date: Thu, 31 Dec 2099 12:00:00 +0000
            Message-ID: <reply-1@beta.example>
            In-Reply-To: \(beta.messageID)

            We paid on Friday; the remittance advice is attached to our ERP.
            """,
            """
            From: ap@gamma.example
            To: ar@northwind.example
            Subject: unsubscribe \(gamma.token)
            Date: Tue, 02 Mar 2027 12:30:00 +0000
            Message-ID: <unsub-1@gamma.example>

            """,
            // A stranger's forgeries: a made-up VERP key, gamma's real key
            // reporting beta's address, a bare "user unknown" text naming beta,
            // and an unsubscribe with beta's From but no key.
            Self.dsn(to: "bounces+od1-00000000000000000000000000000000-0000000000000000@northwind.example", recipient: "ap@beta.example",
                     status: "5.1.1", id: "forged-1").replacingOccurrences(of: "relay.example", with: "evil.test"),
            Self.dsn(to: gamma.mailFrom, recipient: "ap@beta.example", status: "5.1.1", id: "forged-2")
                .replacingOccurrences(of: "relay.example", with: "evil.test"),
            """
            From: attacker@evil.test
            To: bounces@northwind.example
            Subject: Undelivered Mail Returned to Sender
            Message-ID: <forged-3@evil.test>

            <ap@beta.example>: host mx.beta.example said: 550 5.1.1 user unknown
            """,
            """
            From: ap@beta.example
            To: ar@northwind.example
            Subject: unsubscribe
            Message-ID: <forged-4@evil.test>

            """,
            """
            From: someone@else.example
            To: ar@northwind.example
            Subject: Lunch?
            Date: Tue, 02 Mar 2027 13:00:00 +0000
            Message-ID: <lunch@else.example>

            Are you free on Thursday?
            """,
        ])
        let second = try overdue(test, ["run", "--once", "--now", "2027-03-02T14:00:00Z"])
        #expect(second.status == 0, "\(second.stderr)")
        let feedback = try log(test).filter { $0["event"] as? String == "feedback" }
        let kinds = Dictionary(feedback.map { ($0["message_id"] as? String ?? "", $0) }, uniquingKeysWith: { first, _ in first })
        // The DSN names its delivery exactly, by the VERP address.
        #expect(kinds["<dsn-acme@relay.example>"]?["kind"] as? String == "hard-bounce")
        #expect(kinds["<dsn-acme@relay.example>"]?["key"] as? String == acme.key)
        #expect(kinds["<dsn-acme@relay.example>"]?["status"] as? String == "5.1.1")
        #expect(kinds["<reply-1@beta.example>"]?["kind"] as? String == "reply")
        #expect(kinds["<reply-1@beta.example>"]?["customer"] as? String == "beta")
        #expect(kinds["<unsub-1@gamma.example>"]?["kind"] as? String == "unsubscribe")
        #expect((kinds["<unsub-1@gamma.example>"]?["evidence"] as? String)?.contains(gamma.key) == true)
        #expect((kinds["<dsn-acme@relay.example>"]?["evidence"] as? String)?.hasPrefix("signed VERP address") == true)
        // Every forgery is set aside with the reason; nothing happens to beta.
        for forged in ["<forged-1@evil.test>", "<forged-2@evil.test>", "<forged-3@evil.test>", "<forged-4@evil.test>"] {
            #expect(kinds[forged]?["kind"] as? String == "other", "\(forged): \(kinds[forged] ?? [:])")
            #expect((kinds[forged]?["reason"] as? String)?.hasPrefix("unmatched") == true, "\(forged)")
        }
        #expect(kinds["<lunch@else.example>"]?["kind"] as? String == "other")
        #expect((kinds["<lunch@else.example>"]?["reason"] as? String)?.hasPrefix("unmatched") == true)
        // Folders afterwards: three handled, the stranger flagged in place.
        #expect(Set(try dovecot.list("overdue-processed").map(\.messageID)) == ["<dsn-acme@relay.example>", "<reply-1@beta.example>", "<unsub-1@gamma.example>"])
        let left = try dovecot.list("INBOX")
        #expect(Set(left.map(\.messageID)) == ["<lunch@else.example>", "<forged-1@evil.test>", "<forged-2@evil.test>", "<forged-3@evil.test>",
                                                "<forged-4@evil.test>"])
        #expect(left.allSatisfy { $0.flags.contains("\\Flagged") })
        // The suppression and opt-out lists.
        let list = try overdue(test, ["optout", "list"]).stdout
        #expect(list.contains("ap@acme.example") && list.contains("5.1.1"), "\(list)")
        #expect(list.contains("ap@gamma.example"), "\(list)")
        #expect(!list.contains("ap@beta.example"), "forged: \(list)")
        // The reply reached the finance team, with the original attached.
        let forwarded = try CheckedMail.parse(smtp.received(withExtension: "eml", atLeast: 4))
            .first { ($0["headers"] as? [String: String])?["To"] == "finance@northwind.example" }
        #expect((forwarded?["parts"] as? [[String: Any]])?.contains { $0["type"] as? String == "message/rfc822" } == true)
        let forwardedLines = try log(test).filter { $0["event"] as? String == "forwarded" }
        #expect(forwardedLines.count == 1 && forwardedLines.first?["customer"] as? String == "beta"
                && forwardedLines.first?["recipient"] as? String == "finance@northwind.example", "\(forwardedLines)")
        // …and the business's own system heard of it, by a signed webhook.
        let announced = try hooks.received(withExtension: "json", atLeast: 1).map {
            try JSONSerialization.jsonObject(with: Data(contentsOf: $0)) as! [String: Any]
        }
        let body = try announced.first.map { try JSONSerialization.jsonObject(with: Data(($0["body"] as? String ?? "").utf8)) as? [String: Any] }
        #expect(announced.first?["signature"] as? String == "valid")
        #expect(body??["type"] as? String == "reply.received")
        #expect(body??["customer"] as? String == "beta")

        // Firm stage (due Sat 6 March) waits for the day after the overdue
        // letter's deadline (pay by Tue 9 March): on Wed 10 acme by SMS
        // (e-mail bounced), beta too, its reply pause over (Tue 9 March).
        let monday = try overdue(test, ["run", "--once", "--now", "2027-03-08T10:00:00Z"])
        #expect(monday.status == 0, "\(monday.stderr)")
        let firm = try log(test).filter { $0["stage"] as? String == "firm" && $0["event"] as? String == "sent" }
        #expect(firm.isEmpty, "\(firm)")
        _ = try overdue(test, ["run", "--once", "--now", "2027-03-10T10:00:00Z"])
        let later = try log(test).filter { $0["stage"] as? String == "firm" && $0["event"] as? String == "sent" }
        #expect(later.map { "\($0["customer"]!) \($0["channel"]!)" }.sorted() == ["acme sms", "beta email"], "\(later)")
        // The bounced e-mail never reached acme: its stage was sent again by SMS the pass the bounce came in
        // (rule 10: only delivered letters climb), and the firm letter waited for that text's deadline.
        let acmeLetters = try log(test).filter { $0["event"] as? String == "sent" && $0["customer"] as? String == "acme" }
        #expect(acmeLetters.map { "\($0["stage"]!) \($0["channel"]!)" } == ["overdue email", "overdue sms", "firm sms"], "\(acmeLetters)")
        let show = try overdue(test, ["show", "B-1"]).stdout
        #expect(show.contains("replied"), "\(show)")

        // A person overrides what the mailbox did, one command per message.
        #expect(try overdue(test, ["status"]).stdout.contains("debtors who replied (no payment, promise or dispute since): 1"))
        for id in ["<dsn-acme@relay.example>", "<reply-1@beta.example>", "<unsub-1@gamma.example>"] {
            let undo = try overdue(test, ["undo-feedback", id])
            #expect(undo.status == 0 && undo.stdout.contains("believed on: signed"), "\(id): \(undo.stdout) \(undo.stderr)")
        }
        let lunch = try overdue(test, ["undo-feedback", "<lunch@else.example>"])
        #expect(lunch.status != 0 && lunch.stderr.contains("no effect to undo"), "\(lunch.stderr)")
        _ = try overdue(test, ["run", "--once", "--now", "2027-03-10T11:00:00Z"])
        let after = try overdue(test, ["optout", "list"]).stdout
        #expect(!after.contains("ap@acme.example") && !after.contains("ap@gamma.example"), "\(after)")
        #expect(!(try overdue(test, ["status"]).stdout.contains("debtors who replied")))
    }

    @Test("IMAP with STARTTLS reads the mailbox; a message over max_message_bytes is skipped unread and flagged")
    func starttlsAndLimit() throws {
        let smtp = try LoopbackServer(.smtp)
        let dovecot = try DovecotServer()
        let test = try TestSpool(prefix: "overdue-feedback-tls", config: "")
        try Self.config(smtp: smtp.port, feedback: try dovecot.feedbackSection(starttls: true, extra: "max_message_bytes = 4096"))
            .write(to: test.config, atomically: true, encoding: .utf8)
        try test.drop(Self.invoices, as: "invoices.jsonl")
        _ = try overdue(test, ["run", "--once", "--now", "2027-03-02T10:00:00Z"])
        let acme = try #require(try Self.sent(smtp, count: 3)["ap@acme.example"])
        try dovecot.append([
            Self.dsn(to: acme.mailFrom, recipient: "ap@acme.example", status: "4.2.2", action: "delayed", id: "late"),
            "From: ap@beta.example\nSubject: big\nMessage-ID: <big@beta.example>\n\n" + String(repeating: "x", count: 10_000),
        ])
        let run = try overdue(test, ["run", "--once", "--now", "2027-03-02T14:00:00Z"])
        #expect(run.status == 0, "\(run.stderr)")
        let feedback = try log(test).filter { $0["event"] as? String == "feedback" }
        #expect(feedback.contains { $0["kind"] as? String == "delayed" && $0["key"] as? String == acme.key })
        #expect(feedback.contains { ($0["reason"] as? String)?.contains("max_message_bytes") == true })
        #expect(!(try overdue(test, ["optout", "list"]).stdout.contains("ap@acme.example")), "a delay suppresses nothing")
        #expect(try dovecot.list("INBOX").map(\.flags).allSatisfy { $0.contains("\\Flagged") })
    }

    @Test("a refused IMAP login: status names the credentials file to check")
    func wrongLogin() throws {
        let dovecot = try DovecotServer()
        let test = try TestSpool(prefix: "overdue-feedback-login", config: "")
        let section = try dovecot.feedbackSection()
        let wrong = test.root.appendingPathComponent("wrong.credentials")
        try "nobody:wrong".writeSecret(to: wrong)
        let config = "[spool]\ndir = \"spool\"\n" + section.replacing(/credentials_file = "[^"]*"/, with: "credentials_file = \"\(wrong.path)\"")
        try config.write(to: test.config, atomically: true, encoding: .utf8)
        _ = try overdue(test, ["run", "--once", "--now", "2027-03-02T10:00:00Z"])
        let status = try overdue(test, ["status"]).stdout
        #expect(status.contains("refused the login: check the user and password in [feedback] credentials_file (\(wrong.path))"), "\(status)")
    }

    @Test("kill -9 between the effect's commit and the move: the restart moves the message and counts it once")
    func crashBetweenCommitAndMove() throws {
        let smtp = try LoopbackServer(.smtp)
        let dovecot = try DovecotServer()
        let test = try TestSpool(prefix: "overdue-feedback-crash", config: "")
        try Self.config(smtp: smtp.port, feedback: try dovecot.feedbackSection()).write(to: test.config, atomically: true, encoding: .utf8)
        try test.drop(Self.invoices, as: "invoices.jsonl")
        _ = try overdue(test, ["run", "--once", "--now", "2027-03-02T10:00:00Z"])
        let acme = try #require(try Self.sent(smtp, count: 3)["ap@acme.example"])
        try dovecot.append([Self.dsn(to: acme.mailFrom, recipient: "ap@acme.example", status: "5.1.1", id: "crash")])
        let killed = try overdue(test, ["run", "--once", "--now", "2027-03-02T14:00:00Z"], environment: ["OVERDUE_FAULT": "feedback-after-commit"])
        #expect(killed.status != 0, "the fault point must kill the process")
        #expect(try dovecot.list("INBOX").count == 1, "killed before the move")
        let again = try overdue(test, ["run", "--once", "--now", "2027-03-02T15:00:00Z"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try dovecot.list("INBOX").isEmpty)
        #expect(try dovecot.list("overdue-processed").map(\.messageID) == ["<crash@relay.example>"])
        let applied = try log(test).filter { $0["event"] as? String == "feedback" && $0["message_id"] as? String == "<crash@relay.example>" }
        #expect(applied.count == 1, "counted once: \(applied)")
    }

    /// Polls `check` every 50 ms for up to `seconds`.
    func eventually(_ seconds: Double, _ check: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try check() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return try check()
    }

    @Test("the daemon reads the mailbox on its own queue; an unreachable mailbox delays no send and shows in status")
    func daemon() throws {
        let dovecot = try DovecotServer()
        let closed = try FreePort.find()
        for reachable in [true, false] {
            let test = try TestSpool(prefix: "overdue-feedback-daemon", config: "")
            let feedback = reachable ? try dovecot.feedbackSection(extra: "poll_seconds = 10\nauthserv_ids = [\"mx.northwind.example\"]")
                : "[feedback]\nurl = \"imaps://127.0.0.1:\(closed)/INBOX\"\npoll_seconds = 10\n"
            try ("[spool]\ndir = \"spool\"\n[schedule]\ntimezone = \"Europe/London\"\n" + feedback)
                .write(to: test.config, atomically: true, encoding: .utf8)
            try test.drop(Self.invoices, as: "invoices.jsonl")
            if reachable {
                try dovecot.append(["Authentication-Results: mx.northwind.example 1; dkim=pass (2048-bit key) header.d=beta.example header.s=s1; dmarc=pass header.from=beta.example\nFrom: ap@beta.example\nSubject: Re: your reminder\nDate: Tue, 02 Mar 2027 09:30:00 +0000\nMessage-ID: <d-\(UUID().uuidString)@beta.example>\n\nWe will pay next week."])
            }
            let process = Process()
            process.executableURL = OverdueBinary.url
            process.arguments = ["--config", test.config.path, "run", "--now", "2027-03-02T10:00:00Z", "--log-level", "warning"]
            process.standardError = FileHandle.nullDevice
            try process.run()
            defer { if process.isRunning { process.terminate() } }
            let mail = test.spool.appendingPathComponent("mail/new")
            #expect(eventually(10) { ((try? FileManager.default.contentsOfDirectory(atPath: mail.path)) ?? []).count >= 2 },
                    "reminders went out (reachable: \(reachable))")
            if reachable {
                #expect(try eventually(15) { try log(test).contains { $0["event"] as? String == "feedback" && $0["kind"] as? String == "reply" } },
                        "the daemon read the reply (its sender vouched for by the trusted server's DKIM verdict)")
                let status = try overdue(test, ["status"]).stdout
                #expect(status.contains("feedback mailbox: read at"), "\(status)")
            } else {
                #expect(try eventually(15) { try overdue(test, ["status"]).stdout.contains("feedback mailbox: UNREACHABLE") })
            }
            process.terminate()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
        }
    }
}
