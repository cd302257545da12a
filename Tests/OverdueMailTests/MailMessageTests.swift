import Foundation
@testable import OverdueMail
import Testing
import TestSupport

@Suite("RFC 5322 messages")
struct MailMessageTests {
    func headerBlock(_ message: MailMessage) -> [String] {
        let text = String(decoding: message.bytes(), as: UTF8.self)
        return text.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n")
    }

    @Test("CR/LF in a subject, name or address cannot start a header")
    func injection() {
        let message = MailMessage(from: "Evil\r\nBcc: x@y <a@b.example>", to: "ap@acme.example\r\nBcc: x@y",
                                  replyTo: "r@b.example\nX-Injected: 1", subject: "Hello\r\nBcc: x@y", messageID: "od1-1@b.example",
                                  date: Date(timeIntervalSince1970: 1_800_000_000), text: "Body\nline", html: "<p>x</p>")
        let headers = headerBlock(message)
        #expect(!headers.contains { $0.hasPrefix("Bcc:") || $0.hasPrefix("X-Injected:") }, "\(headers)")
        #expect(headers.allSatisfy { !$0.isEmpty })
    }

    @Test("non-ASCII subjects and names are RFC 2047 encoded; no line over 998; no bare LF")
    func encoding() {
        let subject = String(repeating: "Zahlungserinnerung für Rechnung Nr. 4711 – überfällig ", count: 4)
        let message = MailMessage(from: "Müller & Söhne <ar@mueller.example>", to: "ap@acme.example", replyTo: nil,
                                  subject: subject, messageID: "od1-2@mueller.example", date: Date(timeIntervalSince1970: 0),
                                  text: String(repeating: "ä", count: 3000) + "\nend", html: nil)
        let bytes = message.bytes()
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("Subject: =?UTF-8?B?"))
        #expect(text.contains("From: =?UTF-8?B?"))
        #expect(text.contains("Date: Thu, 01 Jan 1970 00:00:00 +0000"))
        #expect(text.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 998 })
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        // Decoding the encoded words gives the subject back.
        let line = text.components(separatedBy: "\r\n\r\n")[0].replacingOccurrences(of: "\r\n ", with: "")
        let words = line.components(separatedBy: "\r\n").first { $0.hasPrefix("Subject:") }!
            .dropFirst("Subject: ".count).components(separatedBy: "?==?UTF-8?B?")
        let joined = words.map { $0.replacingOccurrences(of: "=?UTF-8?B?", with: "").replacingOccurrences(of: "?=", with: "") }
        let decoded = joined.compactMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) }.joined()
        #expect(decoded == subject)
    }

    @Test("quoted-printable keeps lines at 76 and encodes '=' and trailing space")
    func quotedPrintable() {
        let encoded = QuotedPrintable.encode(String(repeating: "a=b ", count: 40) + " \nnext ")
        #expect(encoded.components(separatedBy: "\r\n").allSatisfy { $0.count <= 76 })
        #expect(encoded.contains("=3D"))
        #expect(encoded.hasSuffix("next=20"))
        // CRLF, CR and LF all become CRLF.
        #expect(QuotedPrintable.encode("x\r\ny\rz\nw") == "x\r\ny\r\nz\r\nw")
    }

    @Test("quoted-printable of random text: only printable ASCII and tab, lines ≤ 76, decodes to the text with CRLF line ends (5,000 texts)")
    func quotedPrintableRoundTrip() {
        var random = SplitMix64(seed: 29)
        let pieces = ["a", "=", " ", "\t", "\r", "\n", "\r\n", "é", "€", "😀", String(repeating: "x", count: 80), "= ", "\u{0}"]
        for _ in 0..<5_000 {
            let text = (0..<Int.random(in: 0...30, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            let encoded = QuotedPrintable.encode(text)
            #expect(encoded.utf8.allSatisfy { $0 == 13 || $0 == 10 || $0 == 9 || (32...126).contains($0) })
            #expect(encoded.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 76 }, "\(String(reflecting: text))")
            // Line ends as the encoder promises: CRLF, CR and LF each one CRLF; a CR at the very end none.
            var expected = text.replacingOccurrences(of: "\r\n", with: "\n")
            if expected.hasSuffix("\r") { expected.removeLast() }
            expected = expected.replacingOccurrences(of: "\r", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
            let decoded = String(decoding: MIMEDecoding.quotedPrintable(Array(encoded.utf8)), as: UTF8.self)
            #expect(decoded == expected, "\(String(reflecting: text)) → \(String(reflecting: encoded))")
        }
    }
}
