import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport

/// `overdue forget` through the binary, on a spool that went through what a
/// debtor's data goes through: invoices with name, e-mail, Cc, phone and
/// contact, a directory record with a VAT id and a note, letters delivered to
/// the Maildir (and their bytes in messages/), a bounce and a reply read back,
/// a dispute with a reason, a rejected record, snapshots of both journals.
/// Afterwards no file of the spool (recursively, snapshots and rejected
/// files included) holds any of those values, while the invoice numbers and
/// amounts stay and every view, and a restart, still works.
@Suite("Forget a customer end to end")
struct ForgetEndToEndTests {
    static let config = """
        [spool]
        dir = "spool"
        [brand]
        name = "Northwind Supplies Ltd"
        from = "Northwind Accounts <accounts@northwind.example>"
        [schedule]
        timezone = "UTC"
        business_hours = "00:00-24:00"
        business_days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        [[policy]]
        name = "standard"
        stages = [
          { name = "overdue", offset_days = 1, channels = ["email"] },
          { name = "firm", offset_days = 8, channels = ["email"] },
        ]
        """

    /// What must be gone afterwards, each as it was dropped.
    static let forgotten = [
        "Acme Forget GmbH", "ap@acme-forget.example", "cc@acme-forget.example", "+4915199887766", "+49 151 99887766",
        "Jane Forgetme", "DE999888777", "the pallets Jane signed for were damaged", "pays only after Jane calls back",
        "Jane is on holiday until March",
    ]

    func run(_ test: TestSpool, _ arguments: [String], environment: [String: String] = [:]) throws -> OverdueBinary.Result {
        try OverdueBinary.run(["--config", test.config.path] + arguments, environment: environment)
    }

    /// Every file under the spool whose bytes contain `value` (case ignored).
    static func filesContaining(_ value: String, under root: URL) -> [String] {
        let needle = Array(value.lowercased().utf8)
        var found: [String] = []
        let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])!
        for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            guard let data = FileManager.default.contents(atPath: url.path) else { continue }
            let bytes = data.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
            if needle.count <= bytes.count, (0...(bytes.count - needle.count)).contains(where: { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }) {
                found.append(url.path.replacingOccurrences(of: root.path + "/", with: ""))
            }
        }
        return found.sorted()
    }

    @Test("after forget no file of the spool holds the customer's data; invoices, amounts, views and a restart stay right")
    func forget() throws {
        let test = try TestSpool(prefix: "overdue-forget", config: Self.config)
        let snapshots = ["OVERDUE_SNAPSHOT_MIN_BYTES": "1"]
        try test.drop("""
            {"record": "customer", "id": "acme-f", "name": "Acme Forget GmbH", "email": "ap@acme-forget.example", "cc": ["cc@acme-forget.example"], "phone": "+4915199887766", "contact": "Jane Forgetme", "vat_id": "DE999888777", "country": "DE", "note": "pays only after Jane calls back"}
            {"record": "customer", "id": "other", "name": "Other Trading Ltd", "email": "ap@other.example"}
            """, as: "crm.jsonl")
        try test.drop("""
            invoice,customer.id,customer.name,customer.email,customer.phone,customer.contact,issued,due,currency,amount
            INV-F-1,acme-f,Acme Forget GmbH,ap@acme-forget.example,+4915199887766,Jane Forgetme,2026-11-01,2026-12-01,EUR,1200.00
            INV-F-2,acme-f,Acme Forget GmbH,ap@acme-forget.example,,,2026-11-02,2026-12-01,EUR,300.00
            INV-O-1,other,Other Trading Ltd,ap@other.example,,,2026-11-01,2026-12-01,EUR,450.00
            """, as: "invoices.csv")
        #expect(try run(test, ["run", "--once", "--now", "2026-12-02T10:00:00Z"], environment: snapshots).status == 0)
        let sent = try run(test, ["log", "--json", "--event", "sent", "--customer", "acme-f"]).stdout
        let key = try #require(sent.firstMatch(of: /"key" *: *"(od1-[0-9a-f]+)"/)).1
        #expect(sent.contains("ap@acme-forget.example") && sent.contains("cc@acme-forget.example"))

        // What comes back, and what the finance team writes.
        try test.drop("""
            {"event": "feedback", "kind": "hard-bounce", "message_id": "<b1@mx.acme-forget.example>", "date": "2026-12-03", "key": "\(key)", "customer": "acme-f", "address": "cc@acme-forget.example", "status": "5.1.1", "reason": "550 5.1.1 <cc@acme-forget.example>: user unknown", "evidence": "signed VERP address of \(key) sent to cc@acme-forget.example"}
            {"event": "feedback", "kind": "reply", "message_id": "<r1@mx.acme-forget.example>", "date": "2026-12-03", "key": "\(key)", "customer": "acme-f", "address": "ap@acme-forget.example", "reason": "Jane is on holiday until March", "evidence": "DKIM pass for acme-forget.example"}
            {"event": "dispute", "invoice": "INV-F-1", "date": "2026-12-03", "reason": "the pallets Jane signed for were damaged"}
            {"event": "payment", "invoice": "INV-F-2", "amount": "300.00", "date": "2026-12-03"}
            {"event": "called", "customer": "acme-f", "date": "2026-12-03", "note": "Jane is on holiday until March"}
            """, as: "events.jsonl")
        try test.drop(#"{"invoice": "INV-F-9", "customer": {"id": "acme-f", "name": "Acme Forget GmbH", "email": "ap@acme-forget.example", "phone": "+49 151 99887766"}, "issued": "2026-11-01", "due": "2026-13-01", "currency": "EUR", "amount": "10.00"}"#,
                      as: "bad.json")
        #expect(try run(test, ["run", "--once", "--now", "2026-12-03T10:00:00Z"], environment: snapshots).status == 0)
        let spool = test.spool
        for value in ["Acme Forget GmbH", "ap@acme-forget.example", "+4915199887766", "the pallets Jane signed for were damaged"] {
            #expect(!Self.filesContaining(value, under: spool).isEmpty, "the test spool should hold \(value) before forget")
        }
        #expect(FileManager.default.fileExists(atPath: spool.appendingPathComponent("ledger/snapshot.bin").path))
        #expect(FileManager.default.fileExists(atPath: spool.appendingPathComponent("ledger/sent-snapshot.bin").path))
        #expect(!Self.filesContaining("INV-F-9", under: spool.appendingPathComponent("rejected")).isEmpty)

        // INV-F-1 is still owed: refused without --force, naming it; nothing changed.
        let journalBefore = try Data(contentsOf: spool.appendingPathComponent("ledger/journal.jsonl"))
        let refused = try run(test, ["forget", "acme-f", "--now", "2026-12-06T10:00:00Z"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("error[forget-chased]") && refused.stderr.contains("INV-F-1") && refused.stderr.contains("--force"), "\(refused.stderr)")
        #expect(try Data(contentsOf: spool.appendingPathComponent("ledger/journal.jsonl")) == journalBefore)
        #expect(try run(test, ["forget", "nobody"]).stderr.contains("error[not-found]"))

        let forgot = try run(test, ["forget", "acme-f", "--force", "--now", "2026-12-06T10:00:00Z"])
        #expect(forgot.status == 0, "\(forgot.stderr)")
        let tombstone = String(try #require(forgot.stdout.firstMatch(of: /forgotten-[0-9a-f]{12}/)).0)

        for value in Self.forgotten {
            #expect(Self.filesContaining(value, under: spool).isEmpty, "\(value) is still in \(Self.filesContaining(value, under: spool))")
        }
        #expect(Self.filesContaining("\"acme-f\"", under: spool).isEmpty, "the id: \(Self.filesContaining("\"acme-f\"", under: spool))")
        // What the record keeps, and the other customer untouched.
        for value in ["INV-F-1", "INV-F-2", "1200.00", "Other Trading Ltd", "ap@other.example", "[forgotten 2026-12-06]"] {
            #expect(!Self.filesContaining(value, under: spool.appendingPathComponent("ledger")).isEmpty, "\(value) should stay")
        }
        let forgottenLine = try run(test, ["log", "--json", "--event", "forgotten"]).stdout
        #expect(forgottenLine.contains(tombstone) && !forgottenLine.contains("acme-f"))

        // The views read the rewritten spool, and the snapshots match it (no full replay warning).
        let show = try run(test, ["show", "INV-F-1", "--json"])
        #expect(show.status == 0 && show.stdout.contains(tombstone) && show.stdout.contains("1200.00"), "\(show.stdout)\(show.stderr)")
        #expect(!show.stderr.contains("snapshot ignored"), "\(show.stderr)")
        for view in [["status", "--now", "2026-12-06T10:00:00Z"], ["plan", "--from", "2026-12-06T10:00:00Z"], ["report", "--at", "2026-12-06"]] {
            let result = try run(test, view)
            #expect(result.status == 0 && !result.stderr.contains("snapshot ignored"), "\(view): \(result.stderr)")
        }
        let status = try JSONSerialization.jsonObject(with: Data(try run(test, ["status", "--json", "--now", "2026-12-06T10:00:00Z"]).stdout.utf8)) as? [String: Any]
        #expect(Controls.held(status ?? [:], "excluded") == [tombstone], "\(String(describing: status))")

        // A restart replays the rewritten journals and sends nothing to the tombstone.
        let restart = try run(test, ["run", "--once", "--now", "2026-12-10T10:00:00Z"])
        #expect(restart.status == 0, "\(restart.stderr)")
        #expect(try run(test, ["show", "INV-F-1", "--json"]).stdout.contains("1200.00"))
        let later = try run(test, ["log", "--json", "--event", "sent", "--since", "2026-12-10"]).stdout
        #expect(!later.contains(tombstone), "\(later)")
        #expect(later.contains("INV-O-1"), "the other customer's firm letter still goes: \(later)")
    }

    @Test("refused while another process (the daemon) holds the spool lock, saying how to go on; nothing changed")
    func lockHeld() throws {
        let test = try TestSpool(prefix: "overdue-forget-lock", config: Self.config)
        try test.drop(#"{"invoice": "INV-L-1", "customer": {"id": "lock", "name": "Locked Person", "email": "ap@locked.example"}, "issued": "2026-11-01", "due": "2026-12-01", "currency": "EUR", "amount": "10.00", "balance": "0"}"#,
                      as: "invoice.json")
        #expect(try run(test, ["run", "--once", "--now", "2026-12-02T10:00:00Z"]).status == 0)
        let fd = open(test.spool.appendingPathComponent("run/overdue.lock").path, O_RDWR)
        #expect(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
        defer { close(fd) }
        let refused = try run(test, ["forget", "lock"])
        #expect(refused.status == 1 && refused.stderr.contains("error[spool-locked]") && refused.stderr.contains("systemctl stop overdue"), "\(refused.stderr)")
        #expect(!Self.filesContaining("Locked Person", under: test.spool).isEmpty)
    }
}
