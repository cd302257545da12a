import Crypto
import Foundation
import Testing
import TestSupport

/// Every real bounce and auto-reply in ../shared/fixtures/bounces through the
/// whole path: appended to a real Dovecot, read by `overdue run --once` over
/// IMAPS, classified, matched to the debtor with that address, and put on
/// the suppression list or not. Skipped, not passed, without the fixtures.
@Suite("Feedback: the shared bounce corpus through IMAP to the suppression list")
struct FeedbackCorpusTests {
    static var folder: URL { SharedFixtures.folder("bounces") ?? URL(fileURLWithPath: "/nonexistent") }
    static var available: Bool {
        DovecotServer.available && SharedFixtures.available("bounces")
    }

    @Test("each message's recipients end up as expected.json says (at least 95 % agree)",
          .enabled(if: available, "needs ../shared/fixtures/bounces, root and dovecot-imapd"))
    func corpus() throws {
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.folder.appendingPathComponent("expected.json")))
            as! [String: [[String: String]]]
        let addresses = Set(expected.values.flatMap { $0.compactMap { $0["recipient"]?.lowercased() } }).sorted()
        let dovecot = try DovecotServer()
        // These reports answer mail other systems sent, so no signed key of
        // ours is in them: `trust = "address"` (the rule for a mailbox only
        // your own servers write to) lets the classification be measured
        // end to end. The signed default is tested in FeedbackMailboxTests.
        let test = try TestSpool(prefix: "overdue-corpus", config: "[spool]\ndir = \"spool\"\n"
            + (try dovecot.feedbackSection(extra: "trust = \"address\"")))
        // Every reported address is a debtor's, so a report about it is one about an address overdue wrote to.
        try addresses.enumerated().map { index, address in
            #"{"invoice": "C-\#(index)", "customer": {"id": "c\#(index)", "name": "Debtor \#(index)", "email": "\#(address)"}, "issued": "2027-01-01", "due": "2027-12-01", "currency": "EUR", "amount": "10.00"}"#
        }.joined(separator: "\n").write(to: test.inbox.appendingPathComponent("debtors.jsonl"), atomically: true, encoding: .utf8)
        let setup = try OverdueBinary.run(["--config", test.config.path, "run", "--once", "--now", "2027-03-01T10:00:00Z"])
        #expect(setup.status == 0, "\(setup.stderr)")
        try dovecot.appendFiles(expected.keys.sorted().map { Self.folder.appendingPathComponent("mail/\($0)").path })
        let run = try OverdueBinary.run(["--config", test.config.path, "run", "--once", "--now", "2027-03-02T10:00:00Z"])
        #expect(run.status == 0, "\(run.stderr)")

        let suppressed = try JSONSerialization.jsonObject(with: Data(OverdueBinary.run(
            ["--config", test.config.path, "optout", "list", "--json"]).stdout.utf8)) as! [[String: String]]
        let bounced = Set(suppressed.filter { $0["kind"] == "bounce" }.compactMap { $0["address"]?.lowercased() })
        let feedback = try OverdueBinary.run(["--config", test.config.path, "log", "--json"]).stdout.split(separator: "\n")
            .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
            .filter { $0["event"] as? String == "feedback" }
        // The log lines of one message: by its Message-ID as the reader
        // records it ("<id>", with "|address" per recipient of a report), or
        // for a message without one, the digest of the bytes the server holds.
        func lines(of file: String) throws -> [[String: Any]] {
            let raw = try Data(contentsOf: Self.folder.appendingPathComponent("mail/\(file)"))
            let text = String(decoding: raw, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
            let header = text.components(separatedBy: "\n\n").first ?? ""
            let id = header.split(separator: "\n").first { $0.lowercased().hasPrefix("message-id:") }
                .map { $0.dropFirst("message-id:".count).trimmingCharacters(in: .whitespaces) }
                .map { "<" + $0.trimmingCharacters(in: CharacterSet(charactersIn: "<> ")) + ">" }
            let crlf = Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
            let digest = "sha256:" + SHA256.hash(data: crlf).map { String(format: "%02x", $0) }.joined()
            let short = String(digest.dropFirst(7).prefix(16))
            return feedback.filter { line in
                let logged = (line["message_id"] as? String ?? "").split(separator: "|").first.map(String.init) ?? ""
                return (logged == id || logged == digest) && line["digest"] as? String == short
            }
        }
        var agree = 0
        var total = 0
        for (file, recipients) in expected.sorted(by: { $0.key < $1.key }) {
            let logged = try lines(of: file)
            for recipient in recipients {
                let address = recipient["recipient"]?.lowercased() ?? ""
                let mine = logged.filter { ($0["recipient"] as? String)?.lowercased() == address || logged.count == 1 }
                let seen = Set(mine.compactMap { $0["kind"] as? String })
                let ok: Bool = switch recipient["kind"] {
                case "hard": seen.contains("hard-bounce") && bounced.contains(address)
                case "soft": !seen.isDisjoint(with: ["soft-bounce", "delayed"]) && !seen.contains("hard-bounce")
                case "auto-reply": seen.contains("auto-reply")
                default: !seen.contains("hard-bounce")
                }
                total += 1
                if ok {
                    agree += 1
                } else {
                    print("feedback corpus (IMAP path) disagreement: \(file): expected \(address) \(recipient["kind"] ?? "") \(recipient["status"] ?? ""); "
                          + "logged as: \(seen.sorted().joined(separator: ", ")) (\(logged.count) line(s) for the message)")
                }
            }
        }
        // What suppression is judged by: the addresses the reference calls
        // hard in some message, and the suppressed ones it never does.
        let hardAddresses = Set(expected.values.flatMap { $0 }.filter { $0["kind"] == "hard" }.compactMap { $0["recipient"]?.lowercased() })
        let notHard = bounced.subtracting(hardAddresses).sorted()
        print("feedback corpus through IMAP: \(agree)/\(total) recipients as expected; "
              + "\(bounced.intersection(hardAddresses).count)/\(hardAddresses.count) hard-bounced addresses suppressed; "
              + "suppressed though not hard by the reference: \(notHard.isEmpty ? "none" : notHard.joined(separator: ", "))")
        #expect(bounced.intersection(hardAddresses).count * 100 >= hardAddresses.count * 95)
        #expect(total > 80)
        #expect(Double(agree) >= 0.95 * Double(total), "\(agree)/\(total)")
        // Nothing is left unhandled: every message moved, or flagged in place for a person.
        let left = try dovecot.list("INBOX")
        #expect(left.allSatisfy { $0.flags.contains("\\Flagged") }, "\(left.filter { !$0.flags.contains("\\Flagged") })")
        #expect(try dovecot.list("overdue-processed").count + left.count == expected.count)
    }
}
