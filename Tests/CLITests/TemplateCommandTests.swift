import Foundation
import Testing
import TestSupport

@Suite("CLI: preview and template checks")
struct TemplateCommandTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples")

    /// A spool with the example inbox ingested, and its config.
    func exampleSpool(extraConfig: String = "", ingest: Bool = true) throws -> URL {
        let root = try TemporaryDirectory.make(prefix: "overdue-tpl-cli")
        let config = root.appendingPathComponent("overdue.toml")
        let text = try String(contentsOf: Self.examples.appendingPathComponent("overdue.toml"), encoding: .utf8)
        try (text.replacingOccurrences(of: "[brand]\n", with: "[brand]\n" + extraConfig)).write(to: config, atomically: true, encoding: .utf8)
        let inbox = root.appendingPathComponent("spool/inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        // In name order, as a person would drop them: the inbox takes files by arrival (mtime), so
        // the events file copied first (the listing order is arbitrary) would come before its invoices.
        for name in try FileManager.default.contentsOfDirectory(atPath: Self.examples.appendingPathComponent("inbox").path).sorted() {
            try FileManager.default.copyItem(at: Self.examples.appendingPathComponent("inbox/\(name)"), to: inbox.appendingPathComponent(name))
        }
        guard ingest else { return config }
        // A weekend instant: ingest only, nothing is sent.
        let run = try OverdueBinary.run(["--config", config.path, "run", "--once", "--now", "2026-11-22T10:00:00Z"])
        #expect(run.status == 0, "\(run.stderr)")
        return config
    }

    @Test("preview renders in the customer's language and writes the HTML; nothing is sent")
    func preview() throws {
        let config = try exampleSpool()
        let html = config.deletingLastPathComponent().appendingPathComponent("final.html")
        let result = try OverdueBinary.run(["--config", config.path, "preview", "INV-2026-0042", "--stage", "final",
                                            "--now", "2026-12-20T10:00:00Z", "--html", html.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("LETZTE MAHNUNG"))
        // The first installment (due 1 December) is demanded; the second (1 January) is listed apart, not yet due.
        #expect(result.stdout.contains("Jetzt fällig insgesamt: 6"), "\(result.stdout)")
        #expect(!result.stdout.contains("1.200,00"))
        #expect(result.stdout.contains("1. Dezember 2026"))
        #expect(result.stdout.contains("Noch nicht fällig") && result.stdout.contains("1. Januar 2027"))
        #expect(try String(contentsOf: html, encoding: .utf8).contains("<html lang=\"de\">"))
        let sms = try OverdueBinary.run(["--config", config.path, "preview", "NW-1001", "--channel", "sms", "--stage", "firm"])
        #expect(sms.stdout.contains("GSM-7"))
        let mail = config.deletingLastPathComponent().appendingPathComponent("spool/mail/new")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: mail.path)) ?? []).isEmpty)
    }

    @Test("check and run refuse a template with an unknown variable, naming file and line")
    func unknownVariable() throws {
        let templates = try TemporaryDirectory.make(prefix: "overdue-user-tpl")
        try FileManager.default.createDirectory(at: templates.appendingPathComponent("en"), withIntermediateDirectories: true)
        let file = templates.appendingPathComponent("en/overdue.subject.mustache")
        try "{{% CONTENT_TYPE: TEXT}}\nOverdue: {{invoice_cont}} invoices\n".write(to: file, atomically: true, encoding: .utf8)
        let config = try exampleSpool(extraConfig: "templates = \"\(templates.path)\"\n", ingest: false)
        let check = try OverdueBinary.run(["--config", config.path, "check"])
        #expect(check.status == 1)
        #expect(check.stderr.contains("\(file.path):2: unknown variable \"invoice_cont\""), "\(check.stderr)")
        let run = try OverdueBinary.run(["--config", config.path, "run", "--once"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("invoice_cont"))
    }

    @Test("check refuses an SMS template that renders more segments than allowed")
    func smsTooLong() throws {
        let templates = try TemporaryDirectory.make(prefix: "overdue-user-sms")
        try FileManager.default.createDirectory(at: templates.appendingPathComponent("en"), withIntermediateDirectories: true)
        let file = templates.appendingPathComponent("en/firm.sms.mustache")
        try ("{{% CONTENT_TYPE: TEXT}}\n" + String(repeating: "{{brand.name}} ", count: 40) + "\n").write(to: file, atomically: true, encoding: .utf8)
        let config = try exampleSpool(extraConfig: "templates = \"\(templates.path)\"\n", ingest: false)
        try (try String(contentsOf: config, encoding: .utf8) + "\n[channels.sms]\ngateway = \"http\"\nurl = \"http://127.0.0.1:9/sms\"\nmax_segments = 2\n")
            .write(to: config, atomically: true, encoding: .utf8)
        let check = try OverdueBinary.run(["--config", config.path, "check"])
        #expect(check.status == 1)
        #expect(check.stderr.contains("\(file.path):1: renders"), "\(check.stderr)")
        #expect(check.stderr.contains("max_segments is 2"))
    }
}
