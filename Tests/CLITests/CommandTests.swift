import Foundation
import OverdueSpool
import Testing
import TestSupport

@Suite("CLI: check, the spool lock, show, help")
struct CommandTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples")

    func tempConfig(_ text: String) throws -> URL {
        let root = try TemporaryDirectory.make(prefix: "overdue-cli")
        let url = root.appendingPathComponent("overdue.toml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test("check passes on the example and names the key on a bad config")
    func check() throws {
        let good = try OverdueBinary.run(["--config", Self.examples.appendingPathComponent("overdue.toml").path, "check"])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.contains("OK"))

        let bad = try tempConfig("[schedule]\ntimezone = \"Europe/Lndon\"\nbusiness_hours = \"9 to 5\"\n")
        let result = try OverdueBinary.run(["check", "--config", bad.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(bad.path): schedule.timezone:"))
        #expect(result.stderr.contains("\(bad.path): schedule.business_hours:"))
        // One line per problem, each with the code a script can match.
        #expect(result.stderr.split(separator: "\n").filter { $0.hasPrefix("overdue: error[config-invalid]: \(bad.path): schedule.") }.count == 2,
                "\(result.stderr)")
    }

    @Test("check fails when a credentials file named in the config is missing")
    func missingCredentials() throws {
        let result = try OverdueBinary.run(["--config", Self.examples.appendingPathComponent("reference.toml").path, "check"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("channels.email.credentials_file: /etc/overdue/smtp.credentials is missing"))
    }

    @Test("a missing config file says how to make one")
    func missingConfig() throws {
        let result = try OverdueBinary.run(["status"], environment: ["OVERDUE_CONFIG": "/nonexistent/overdue.toml"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("overdue: error[config-invalid]: /nonexistent/overdue.toml: does not exist"), "\(result.stderr)")
    }

    @Test("a second daemon on the same spool exits with a clear message")
    func secondDaemon() throws {
        let config = try tempConfig("[spool]\ndir = \"spool\"\n")
        let spool = Spool(root: config.deletingLastPathComponent().appendingPathComponent("spool").path)
        try spool.create()
        let lock = try SpoolLock(spool: spool)
        let result = try OverdueBinary.run(["--config", config.path, "run", "--once"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("overdue: error[spool-locked]: the spool is in use by overdue pid \(getpid())"), "\(result.stderr)")
        withExtendedLifetime(lock) {}
    }

    @Test("show --json prints the invoice fields, its state and reminders")
    func show() throws {
        let config = try tempConfig("[spool]\ndir = \"spool\"\n")
        let inbox = config.deletingLastPathComponent().appendingPathComponent("spool/inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        // In name order, as a person would drop them: the inbox takes files by arrival (mtime), so
        // the events file copied first (the listing order is arbitrary) would come before its invoices.
        for name in try FileManager.default.contentsOfDirectory(atPath: Self.examples.appendingPathComponent("inbox").path).sorted() {
            try FileManager.default.copyItem(at: Self.examples.appendingPathComponent("inbox/\(name)"), to: inbox.appendingPathComponent(name))
        }
        #expect(try OverdueBinary.run(["--config", config.path, "run", "--once"]).status == 0)
        let result = try OverdueBinary.run(["--config", config.path, "show", "INV-2026-0043", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        #expect(object["invoice"] as? String == "INV-2026-0043")
        #expect(object["amount"] as? String == "318.40")
        #expect(object["balance"] as? String == "200.00")
        #expect(object["state"] as? String == "open")
        #expect((object["customer"] as? [String: Any])?["timezone"] as? String == "Europe/Paris")
        #expect((object["reminders"] as? [Any])?.isEmpty == true)
        let missing = try OverdueBinary.run(["--config", config.path, "show", "NOPE"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no invoice \"NOPE\""))
    }

    @Test("--help explains every subcommand")
    func help() throws {
        for command in ["run", "check", "status", "show"] {
            let result = try OverdueBinary.run([command, "--help"])
            #expect(result.status == 0)
            #expect(result.stdout.contains("--config"))
        }
    }
}

@Suite("CLI: optout add, remove, list")
struct OptoutCommandTests {
    @Test("an opt-out added from the CLI goes through the inbox into the ledger, and is removed the same way")
    func addListRemove() throws {
        let root = try TemporaryDirectory.make(prefix: "overdue-optout")
        let config = root.appendingPathComponent("overdue.toml")
        try "[spool]\ndir = \"spool\"\n".write(to: config, atomically: true, encoding: .utf8)
        #expect(try OverdueBinary.run(["--config", config.path, "run", "--once"]).status == 0)
        let add = try OverdueBinary.run(["--config", config.path, "optout", "add", "+4915112345678", "--channel", "sms"])
        #expect(add.status == 0, "\(add.stderr)")
        #expect(try OverdueBinary.run(["--config", config.path, "run", "--once"]).status == 0)
        let list = try OverdueBinary.run(["--config", config.path, "optout", "list", "--json"])
        let entries = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as! [[String: String]]
        #expect(entries == [["address": "+4915112345678", "channel": "sms"]])
        let bad = try OverdueBinary.run(["--config", config.path, "optout", "add", "not-an-address"])
        #expect(bad.status != 0)
        #expect(try OverdueBinary.run(["--config", config.path, "optout", "remove", "+4915112345678", "--channel", "sms"]).status == 0)
        #expect(try OverdueBinary.run(["--config", config.path, "run", "--once"]).status == 0)
        #expect(try OverdueBinary.run(["--config", config.path, "optout", "list"]).stdout.contains("no opt-outs"))
    }
}

@Suite("CLI: report")
struct ReportCommandTests {
    @Test("report --json gives per-currency figures for the example ledger")
    func json() throws {
        let examples = CommandTests.examples
        let test = try TestSpool(prefix: "overdue-report", config: "[spool]\ndir = \"spool\"\n")
        for name in try FileManager.default.contentsOfDirectory(atPath: examples.appendingPathComponent("inbox").path) {
            try FileManager.default.copyItem(at: examples.appendingPathComponent("inbox/\(name)"), to: test.inbox.appendingPathComponent(name))
        }
        #expect(try OverdueBinary.run(["--config", test.config.path, "run", "--once", "--now", "2026-11-22T10:00:00Z"]).status == 0)
        let result = try OverdueBinary.run(["--config", test.config.path, "report", "--at", "2026-12-15", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        let currencies = json["currencies"] as! [[String: Any]]
        #expect(currencies.map { $0["currency"] as? String } == ["EUR", "GBP", "USD"])
        let gbp = currencies[1]
        #expect(gbp["open"] as? String == "965.50")
        #expect((gbp["aging"] as? [[String: Any]])?[1]["count"] as? Int == 2)

        // The HTML page: parsed by Python's html.parser, with its SVG charts, no external assets.
        let page = test.root.appendingPathComponent("report.html")
        #expect(try OverdueBinary.run(["--config", test.config.path, "report", "--at", "2026-12-15", "--html", page.path]).status == 0)
        let parse = Process()
        parse.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        parse.arguments = [TestPython.path, "-c", """
            import json, sys
            from html.parser import HTMLParser
            class Tags(HTMLParser):
                def __init__(self):
                    super().__init__(); self.tags = {}; self.external = []
                def handle_starttag(self, tag, attrs):
                    self.tags[tag] = self.tags.get(tag, 0) + 1
                    for name, value in attrs:
                        if name in ("src", "href") and value and "://" in value: self.external.append(value)
            parser = Tags(); parser.feed(open(sys.argv[1]).read()); parser.close()
            print(json.dumps({"tags": parser.tags, "external": parser.external}))
            """, page.path]
        let pipe = Pipe()
        parse.standardOutput = pipe
        try parse.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        parse.waitUntilExit()
        let parsed = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let tags = parsed["tags"] as! [String: Int]
        // Aging and trend per currency; no letter reached anyone yet, so no stage chart but a sentence saying so.
        #expect((tags["svg"] ?? 0) == 6)
        #expect(try String(contentsOf: page, encoding: .utf8).contains("No reminder reached a debtor in that period."))
        #expect((tags["rect"] ?? 0) > 0 && (tags["polyline"] ?? 0) == 3)
        #expect((parsed["external"] as! [String]).isEmpty)
        #expect(tags["script"] == nil && tags["link"] == nil && tags["img"] == nil)
    }
}

@Suite("Prometheus metrics")
struct MetricsTests {
    @Test("each pass writes a textfile that prometheus_client's parser reads")
    func textfile() throws {
        let smtp = try LoopbackServer(.smtp, arguments: ["--reject-rcpt", "nobody"])
        let test = try TestSpool(prefix: "overdue-metrics", config: "")
        let metrics = test.root.appendingPathComponent("overdue.prom")
        try ("[spool]\ndir = \"spool\"\n[daemon]\nmetrics_file = \"\(metrics.path)\"\n" + TestSpool.smtpChannel(port: smtp.port))
            .write(to: test.config, atomically: true, encoding: .utf8)
        try test.drop("""
            {"invoice": "M-1", "customer": {"id": "m", "name": "M", "email": "ap@m.example"}, "issued": "2027-01-01", "due": "2027-03-01", "currency": "EUR", "amount": "100.00"}
            {"invoice": "N-1", "customer": {"id": "n", "name": "N", "email": "nobody@n.example"}, "issued": "2027-01-01", "due": "2027-03-01", "currency": "EUR", "amount": "50.00"}
            """, as: "m.jsonl")
        #expect(try OverdueBinary.run(["--config", test.config.path, "run", "--once", "--now", "2027-03-02T10:00:00Z"]).status == 0)
        let samples = try FiguresAgreeTests.prometheus(metrics)
        #expect(samples[#"overdue_deliveries_total{"channel": "email", "outcome": "sent"}"#] == 1)
        #expect(samples[#"overdue_deliveries_total{"channel": "email", "outcome": "failed"}"#] == 1)
        #expect(samples["overdue_open_invoices{}"] == 2)
        #expect(samples[#"overdue_receivables_amount{"bucket": "1-30", "currency": "EUR"}"#] == 150)
        #expect(samples["overdue_queue_failed{}"] == 1)
        #expect((samples["overdue_last_cycle_timestamp_seconds{}"] ?? 0) > 1_700_000_000)
    }
}
