import Foundation
import Testing
import TestSupport

/// `[retention]` through `run --once --now`: the pass deletes the day files
/// past their period and logs it once; the journals stay, so the ledger and
/// the delivery history are what they were.
@Suite("Retention end to end")
struct RetentionEndToEndTests {
    @Test("a pass 44 days on deletes December's log, messages and archive; the journals and views stay")
    func retention() throws {
        let test = try TestSpool(prefix: "overdue-retention", config: ForgetEndToEndTests.config + """

            [retention]
            log_days = 30
            messages_days = 30
            archive_days = 30
            """)
        try test.drop(#"{"invoice": "INV-R-1", "customer": {"id": "r", "name": "Retained Ltd", "email": "ap@retained.example"}, "issued": "2026-11-01", "due": "2026-12-01", "currency": "EUR", "amount": "80.00"}"#,
                      as: "invoice.json")
        _ = try Controls.run(test.config, ["run", "--once", "--now", "2026-12-02T10:00:00Z"])
        func names(_ directory: String) -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: test.spool.appendingPathComponent(directory).path)) ?? []).sorted()
        }
        #expect(names("log") == ["2026-12-02.jsonl"] && names("messages") == ["2026-12-02.txt"] && names("archive").count == 1)
        // 2026-12-20: within 30 days, nothing goes.
        _ = try Controls.run(test.config, ["run", "--once", "--now", "2026-12-20T10:00:00Z"])
        #expect(names("messages").contains("2026-12-02.txt") && names("archive").count == 1)

        _ = try Controls.run(test.config, ["run", "--once", "--now", "2027-01-15T10:00:00Z"])
        #expect(!names("log").contains("2026-12-02.jsonl") && !names("messages").contains("2026-12-02.txt"))
        #expect(names("archive").isEmpty)
        #expect(names("mail/new").count >= 1, "no mail_days: the Maildir keeps its messages")
        #expect(names("ledger").contains("journal.jsonl") && names("ledger").contains("sent.jsonl"))
        let retention = try Controls.log(test.config, ["--event", "retention"])
        #expect(retention.count == 1 && (retention.first?["detail"] as? String ?? "").contains("1 in archive/"), "\(retention)")
        // The ledger and the delivery history replay from the journals: December's letters (their log
        // lines gone) still count, so nothing is sent again.
        #expect(try Controls.log(test.config, ["--event", "sent", "--since", "2027-01-01"]).isEmpty)
        #expect(try Controls.run(test.config, ["show", "INV-R-1", "--json"]).stdout.contains("80.00"))
    }
}
