import Crypto
import Foundation
import Testing
import TestSupport

/// Invoice PDFs through the binary: hybrids and named PDFs in the inbox,
/// attachments on the e-mails a real SMTP server receives, the size limit,
/// PDFs that arrive late or never, and hostile PDFs.
@Suite("Invoice PDFs: in through the inbox, out as attachments")
struct DocumentAttachmentTests {
    static let policy = """
        [spool]
        dir = "spool"
        [schedule]
        timezone = "Europe/London"
        [[policy]]
        name = "std"
        stages = [
          { name = "overdue", offset_days = 1, channels = ["email"] },
          { name = "firm", offset_days = 8, channels = ["email"] },
          { name = "final", offset_days = 15, channels = ["email"], final = true },
        ]

        """

    static func invoice(_ id: String, customer: String = "acme", document: String?) -> String {
        let named = document.map { #", "document": "\#($0)""# } ?? ""
        return #"{"invoice": "\#(id)", "customer": {"id": "\#(customer)", "name": "Acme Ltd", "email": "ap@\#(customer).example"}, "issued": "2027-02-01", "due": "2027-03-01", "currency": "GBP", "amount": "100.00"\#(named)}"#
    }

    static func sha256(_ bytes: [UInt8]) -> String { SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined() }

    func log(_ config: URL) throws -> [[String: Any]] {
        try OverdueBinary.run(["--config", config.path, "log", "--json"]).stdout.split(separator: "\n")
            .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }

    static func attachments(_ message: [String: Any]) -> [[String: Any]] {
        (message["parts"] as? [[String: Any]] ?? []).filter { $0["type"] as? String == "application/pdf" }
    }

    @Test("a consolidated reminder for three invoices carries their three PDFs, byte for byte, to a real SMTP server")
    func threePDFs() throws {
        let smtp = try LoopbackServer(.smtp)
        let test = try TestSpool(prefix: "overdue-docs", config: Self.policy + TestSpool.smtpChannel(port: smtp.port))
        var dropped: [String: String] = [:]
        // Three different PDFs (the hybrid embeds each invoice's number so the bytes differ).
        for (index, name) in ["INV-1.pdf", "Rechnung März.pdf", "INV-3.pdf"].enumerated() {
            let pdf = try TestPDF.make(.hybrid, xml: Array("<x n=\"\(index)\"/>".utf8), embeddedName: "notes-\(index).txt")
            try Data(pdf).write(to: test.inbox.appendingPathComponent(name))
            dropped[name] = Self.sha256(pdf)
        }
        try [Self.invoice("INV-1", document: "INV-1.pdf"), Self.invoice("INV-2", document: "Rechnung März.pdf"),
             Self.invoice("INV-3", document: "INV-3.pdf")].joined(separator: "\n").write(
                to: test.inbox.appendingPathComponent("invoices.jsonl"), atomically: true, encoding: .utf8)
        let run = try OverdueBinary.run(["--config", test.config.path, "run", "--once", "--now", "2027-03-02T10:00:00Z"])
        #expect(run.status == 0, "\(run.stderr)")
        let mails = smtp.received(withExtension: "eml", atLeast: 1)
        let parsed = try CheckedMail.parse(mails)
        #expect(parsed.count == 1)
        guard let message = parsed.first else { return }
        #expect((message["defects"] as? [String])?.isEmpty == true, "\(message["defects"] ?? "")")
        #expect((message["problems"] as? [String])?.isEmpty == true, "\(message["problems"] ?? "")")
        #expect(message["content_type"] as? String == "multipart/mixed")
        let files = Self.attachments(message)
        #expect(files.count == 3)
        for file in files {
            let name = file["filename"] as? String ?? ""
            #expect(file["disposition"] as? String == "attachment")
            #expect(file["sha256"] as? String == dropped[name], "\(name): the attachment differs from the file dropped")
        }
        #expect(Set(files.compactMap { $0["filename"] as? String }) == Set(dropped.keys))  // RFC 2231 name read back
        let text = (message["parts"] as? [[String: Any]])?.first { $0["type"] as? String == "text/plain" }?["text"] as? String ?? ""
        #expect(text.contains("Attached to this e-mail"), "\(text)")
        // preview lists the same attachments (the firm letter, the day after the overdue letter's deadline)
        let preview = try OverdueBinary.run(["--config", test.config.path, "preview", "INV-1", "--now", "2027-03-10T10:00:00Z"])
        #expect(preview.stdout.components(separatedBy: "attachment: ").count == 4, "\(preview.stdout)")
    }

    @Test("over max_attachment_bytes the largest PDFs are left out, the letter offers them and the log says which")
    func overLimit() throws {
        let smtp = try LoopbackServer(.smtp)
        let test = try TestSpool(prefix: "overdue-docs-limit",
                                 config: Self.policy + TestSpool.smtpChannel(port: smtp.port, extra: "max_attachment_bytes = 5000\n"))
        // Sizes: small ≈ 1 KB, big ≈ 4 KB and bigger ≈ 6 KB (random data compresses to itself).
        let sizes = ["small.pdf": 10, "big.pdf": 3_000, "bigger.pdf": 5_000]
        var bytes: [String: [UInt8]] = [:]
        for (name, padding) in sizes {
            let noise = (0..<padding).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
            bytes[name] = try TestPDF.make(.hybrid, xml: Array("<x p=\"\(noise.prefix(padding))\"/>".utf8), embeddedName: "n.txt")
            try Data(bytes[name]!).write(to: test.inbox.appendingPathComponent(name))
        }
        try [Self.invoice("S-1", document: "small.pdf"), Self.invoice("B-1", document: "big.pdf"),
             Self.invoice("B-2", document: "bigger.pdf")].joined(separator: "\n").write(
                to: test.inbox.appendingPathComponent("i.jsonl"), atomically: true, encoding: .utf8)
        let total = bytes.values.map(\.count).reduce(0, +)
        #expect(total > 5000 && bytes["small.pdf"]!.count + bytes["big.pdf"]!.count <= 5000, "fixture sizes: \(bytes.mapValues(\.count))")
        _ = try OverdueBinary.run(["--config", test.config.path, "run", "--once", "--now", "2027-03-02T10:00:00Z"])
        let message = try CheckedMail.parse(smtp.received(withExtension: "eml", atLeast: 1)).first ?? [:]
        #expect(Set(Self.attachments(message).compactMap { $0["filename"] as? String }) == ["small.pdf", "big.pdf"])
        let text = (message["parts"] as? [[String: Any]])?.first { $0["type"] as? String == "text/plain" }?["text"] as? String ?? ""
        #expect(text.contains("Too large to attach, and sent on request: bigger.pdf (invoice B-2)"), "\(text)")
        let sent = try log(test.config).first { $0["event"] as? String == "sent" }
        #expect(sent?["documents_on_request"] as? [String] == ["bigger.pdf"])
        #expect(Set(sent?["attachments"] as? [String] ?? []) == ["small.pdf", "big.pdf"])
    }

    @Test("a PDF dropped beside its invoice, one a day late, and one that never comes")
    func lateAndMissing() throws {
        let test = try TestSpool(prefix: "overdue-docs-late", config: Self.policy)
        let beside = try TestPDF.make(.plain)
        try Data(beside).write(to: test.inbox.appendingPathComponent("beside.pdf"))
        try [Self.invoice("A-1", customer: "a", document: "beside.pdf"), Self.invoice("L-1", customer: "l", document: "late.pdf"),
             Self.invoice("N-1", customer: "n", document: "never.pdf")].joined(separator: "\n").write(
                to: test.inbox.appendingPathComponent("i.jsonl"), atomically: true, encoding: .utf8)
        func mails(to customer: String) throws -> [[String: Any]] {
            let folder = test.spool.appendingPathComponent("mail/new")
            let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            return try CheckedMail.parse(files).filter { ($0["headers"] as? [String: String])?["To"] == "ap@\(customer).example" }
        }
        let first = try OverdueBinary.run(["--config", test.config.path, "run", "--once", "--now", "2027-03-02T10:00:00Z"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try mails(to: "a").map { Self.attachments($0).count } == [1])
        #expect(try mails(to: "l").map { Self.attachments($0).count } == [0])
        // The late PDF arrives a day later; the next reminder (firm) carries it.
        let late = try TestPDF.make(.hybrid, xml: Array("<late/>".utf8), embeddedName: "notes.txt")
        try Data(late).write(to: test.inbox.appendingPathComponent("late.pdf"))
        _ = try OverdueBinary.run(["--config", test.config.path, "run", "--once", "--now", "2027-03-03T10:00:00Z"])
        // Firm and final each the day after the previous letter's deadline (pay by 03-09, then 03-17).
        for day in ["2027-03-10", "2027-03-18"] {
            let run = try OverdueBinary.run(["--config", test.config.path, "run", "--once", "--now", "\(day)T10:00:00Z"])
            #expect(run.status == 0, "\(run.stderr)")
        }
        let lateMails = try mails(to: "l").map { Self.attachments($0).map { $0["sha256"] as? String } }
        #expect(lateMails.count == 3)
        #expect(lateMails.filter { $0 == [Self.sha256(late)] }.count == 2, "\(lateMails)")
        #expect(try mails(to: "n").allSatisfy { Self.attachments($0).isEmpty })
        #expect(try mails(to: "n").count == 3)
        let missing = try log(test.config).filter { $0["event"] as? String == "document_missing" }
        #expect(missing.map { $0["invoice"] as? String } == ["L-1", "N-1"], "said once per invoice: \(missing)")
        let lateDocument = try log(test.config).first { $0["event"] as? String == "document" && $0["file"] as? String == "late.pdf" }
        #expect(lateDocument?["invoices"] as? [String] == ["L-1"])
    }

    @Test("a PDF with no e-invoice, an encrypted, a truncated, a bomb and a twice-compressed bomb PDF are rejected with their reasons, each within a second and under 100 MB")
    func hostile() throws {
        let samples: [(name: String, bytes: [UInt8], reason: String)] = [
            ("plain.pdf", try TestPDF.make(.plain), "no EN 16931 XML embedded"),
            ("locked.pdf", try TestPDF.make(.encrypted), "encrypted"),
            ("cut.pdf", Array(try TestPDF.make(.hybrid, xml: (0..<20_000).map { _ in UInt8.random(in: 0...255) }).prefix(3_000)), "damaged"),
            ("bomb.pdf", try TestPDF.make(.bomb), "compression bomb"),
            ("chained.pdf", try TestPDF.make(.chainedBomb), "compression bomb"),  // [/FlateDecode /FlateDecode]: 2.7 KB, was 2.1 GB
            ("loop.pdf", try TestPDF.make(.loop), "loop"),
        ]
        for sample in samples {
            let test = try TestSpool(prefix: "overdue-docs-hostile", config: Self.policy)
            try Data(sample.bytes).write(to: test.inbox.appendingPathComponent(sample.name))
            let run = try MeasuredRun.run(["--config", test.config.path, "run", "--once", "--now", "2027-03-02T10:00:00Z"])
            #expect(run.status == 0, "\(sample.name): \(run.stderr)")
            #expect(run.seconds < 1, "\(sample.name) took \(run.seconds) s")
            #expect(run.peakMiB < 100, "\(sample.name): peak \(run.peakMiB) MiB")
            let rejected = try log(test.config).first { $0["event"] as? String == "rejected" }
            let detail = rejected?["detail"] as? String ?? ""
            #expect(detail.contains(sample.reason), "\(sample.name): \(detail)")
            print("hybrid PDF refusal: \(sample.name): \(String(format: "%.2f", run.seconds)) s, peak \(String(format: "%.0f", run.peakMiB)) MiB: \(detail)")
        }
    }

    @Test("a PDF whose embedded 'e-invoice' is named .jsonl (marked text/xml) applies no inbox events: it is read as XML and refused")
    func embeddedEvents() throws {
        let test = try TestSpool(prefix: "overdue-docs-jsonl", config: Self.policy)
        try Self.invoice("INV-1", document: nil).write(to: test.inbox.appendingPathComponent("a.json"), atomically: true, encoding: .utf8)
        _ = try OverdueBinary.run(["--config", test.config.path, "run", "--once", "--now", "2027-02-02T10:00:00Z"])
        let events = #"{"event": "optout", "address": "ap@acme.example"}"# + "\n"
            + #"{"event": "payment", "invoice": "INV-1", "amount": "100.00", "date": "2027-02-02"}"# + "\n"
        for (name, xmlType) in [("optout.jsonl", true), ("payments.csv", true), ("optout.jsonl", false)] {
            let pdf = try TestPDF.make(.hybrid, xml: Array(events.utf8), embeddedName: name, xmlType: xmlType)
            try Data(pdf).write(to: test.inbox.appendingPathComponent("invoice-\(name)-\(xmlType).pdf"))
        }
        let run = try OverdueBinary.run(["--config", test.config.path, "run", "--once", "--now", "2027-03-02T10:00:00Z"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = try log(test.config)
        let types = lines.compactMap { $0["record_type"] as? String }
        #expect(!types.contains("optout") && !types.contains("payment"), "\(types)")
        // Still owed, still chased: the overdue letter went to the address the PDF tried to opt out.
        #expect(lines.contains { $0["event"] as? String == "sent" && ($0["recipient"] as? String) == "ap@acme.example" },
                "\(lines.map { $0["event"] ?? "" })")
        let refused = lines.filter { $0["event"] as? String == "rejected" }.compactMap { $0["detail"] as? String }
        #expect(refused.contains { $0.contains("read as XML") }, "\(refused)")
    }

    @Test("a Factur-X PDF without buyer e-mail waits for a customer record; the reminders then carry that PDF")
    func hybridWithoutContact() throws {
        let test = try TestSpool(prefix: "overdue-docs-nocontact", config: Self.policy)
        let cii = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("OverdueCoreTests/Fixtures/invoice-cii.xml")
        let xml = try String(contentsOf: cii, encoding: .utf8)
            .replacingOccurrences(of: #"<ram:URIUniversalCommunication><ram:URIID schemeID="EM">ap@acme.example</ram:URIID></ram:URIUniversalCommunication>"#, with: "")
            .replacingOccurrences(of: #"<ram:TelephoneUniversalCommunication><ram:CompleteNumber>+49 151 12345678</ram:CompleteNumber></ram:TelephoneUniversalCommunication>"#, with: "")
        let pdf = try TestPDF.make(.hybrid, xml: Array(xml.utf8))
        try Data(pdf).write(to: test.inbox.appendingPathComponent("NW-2027-0001.pdf"))
        _ = try OverdueBinary.run(["--config", test.config.path, "run", "--once", "--now", "2027-03-02T10:00:00Z"])
        let document = try log(test.config).first { $0["event"] as? String == "document" }
        #expect(document?["invoices"] as? [String] == ["NW-2027-0001"], "\(document ?? [:])")
        let folder = test.spool.appendingPathComponent("mail/new")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).isEmpty, "no contact yet: nothing sent")
        // The CRM's record for the buyer (BT-46 "ACME-7") gives the e-mail.
        try #"{"record": "customer", "id": "ACME-7", "email": "ap@acme.example"}"#
            .write(to: test.inbox.appendingPathComponent("crm.json"), atomically: true, encoding: .utf8)
        // Due 14 days after its issue on 1 March: the overdue stage on the 16th.
        let run = try OverdueBinary.run(["--config", test.config.path, "run", "--once", "--now", "2027-03-16T10:00:00Z"])
        #expect(run.status == 0, "\(run.stderr)")
        let mails = try CheckedMail.parse(try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil))
        #expect(mails.count == 1)
        #expect((mails.first?["headers"] as? [String: String])?["To"] == "ap@acme.example")
        #expect(mails.first.map(Self.attachments)?.map { $0["sha256"] as? String } == [Self.sha256(pdf)])
    }
}
