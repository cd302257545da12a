import Foundation
@testable import OverdueMail
import Testing

@Suite("Feedback: the MIME reader")
struct MIMEReaderTests {
    func parse(_ text: String) -> MIMEEntity { MIMEReader.parse(Array(text.utf8)) }

    @Test("headers: unfolded, looked up case-insensitively, all values of a repeated field, an mbox From line skipped")
    func headers() {
        let message = parse("From MAILER-DAEMON  Mon Sep 20 19:29:27 2021\nSubject: a long\n  subject\nreceived: one\nReceived: two\n\nbody")
        #expect(message.headers["SUBJECT"] == "a long subject")
        #expect(message.headers.values("Received") == ["one", "two"])
        #expect(message.headers["From"] == nil)
        #expect(String(decoding: message.body, as: UTF8.self) == "body")
    }

    @Test("a line that is not a field ends the header section instead of being lost")
    func missingEmptyLine() {
        let message = parse("Subject: x\nthis line is body text\nmore")
        #expect(message.headers.fields.count == 1)
        #expect(String(decoding: message.body, as: UTF8.self) == "this line is body text\nmore")
    }

    @Test("RFC 2047: B and Q words, adjacent words joined, unknown charsets and broken words kept readable", arguments: [
        ("=?utf-8?B?w6l0w6k=?=", "été"),
        ("=?iso-8859-1?Q?Abwesenheitsnotiz:_R=FCckkehr?=", "Abwesenheitsnotiz: Rückkehr"),
        ("=?UTF-8?Q?a?= =?UTF-8?Q?b?= c", "ab c"),
        ("=?windows-1252?Q?=80_5?=", "€ 5"),
        ("=?x-unknown?Q?caf=C3=A9?=", "café"),
        ("=?utf-8*fr?Q?d=C3=A9sabonner?=", "désabonner"),
        ("=?utf-8?X?nonsense?= plain", "=?utf-8?X?nonsense?= plain"),
        ("=?broken", "=?broken"),
    ])
    func encodedWords(raw: String, decoded: String) {
        #expect(MIMEDecoding.decodeEncodedWords(raw) == decoded)
    }

    @Test("charsets: UTF-8, Latin-1, Windows-1252, ISO-8859-15; unknown ones fall back without crashing")
    func charsets() {
        #expect(MIMEDecoding.decode([0xC3, 0xA9], charset: "UTF-8") == "é")
        #expect(MIMEDecoding.decode([0xE9], charset: "iso-8859-1") == "é")
        #expect(MIMEDecoding.decode([0xE9], charset: "latin1") == "é")
        #expect(MIMEDecoding.decode([0x80, 0x93], charset: "windows-1252") == "€“")
        #expect(MIMEDecoding.decode([0xA4], charset: "iso-8859-15") == "€")
        #expect(MIMEDecoding.decode([0xC3, 0xA9], charset: "x-martian") == "é")   // valid UTF-8: read as UTF-8
        #expect(MIMEDecoding.decode([0x41, 0xE9], charset: "x-martian") == "Aé")  // else Windows-1252
        #expect(MIMEDecoding.decode([0xFF, 0xFE], charset: "utf-8") == "\u{FFFD}\u{FFFD}")
        #expect(MIMEDecoding.decode([0x41], charset: nil) == "A")
    }

    @Test("quoted-printable: soft line breaks, hex escapes, a stray = kept")
    func quotedPrintable() {
        let decoded = MIMEDecoding.quotedPrintable(Array("caf=C3=A9 =\r\nau lait=\nx = y =ZZ".utf8))
        #expect(String(decoding: decoded, as: UTF8.self) == "café au laitx = y =ZZ")
    }

    @Test("base64: line breaks and junk skipped, missing padding accepted, problems reported")
    func base64() {
        #expect(String(decoding: MIMEDecoding.base64(Array("SGVs\r\nbG8=".utf8)), as: UTF8.self) == "Hello")
        #expect(String(decoding: MIMEDecoding.base64(Array("SGVsbG8".utf8)), as: UTF8.self) == "Hello")
        #expect(String(decoding: MIMEDecoding.base64(Array("SG!!Vs*bG8=".utf8)), as: UTF8.self) == "Hello")
        #expect(MIMEDecoding.base64Problem(Array("SGVsbG8=".utf8)) == nil)
        #expect(MIMEDecoding.base64Problem(Array("SGVsbG8".utf8)) != nil)
        #expect(MIMEDecoding.base64Problem(Array("SG!!".utf8)) != nil)
    }

    @Test("multipart: preamble and epilogue dropped, nested parts, transfer encodings undone, boundary prefixes not confused")
    func nested() {
        let message = parse("""
            Content-Type: multipart/mixed; boundary="b"

            preamble, not a part
            --b
            Content-Type: multipart/alternative; boundary="b-inner"

            --b-inner
            Content-Type: text/plain; charset=utf-8
            Content-Transfer-Encoding: quoted-printable

            caf=C3=A9
            --b-inner
            Content-Type: text/html

            <p>x</p>
            --b-inner--
            --b
            Content-Type: application/octet-stream
            Content-Transfer-Encoding: base64

            AAEC
            --b--
            epilogue
            """)
        #expect(message.isMultipart)
        #expect(message.parts.count == 2)
        #expect(message.parts[0].parts.map(\.mediaType) == ["text/plain", "text/html"])
        #expect(message.parts[0].parts[0].text == "café")
        #expect(message.parts[1].body == [0, 1, 2])
        #expect(message.walk().count == 5)
        #expect(message.allDefects.isEmpty)
    }

    @Test("message/rfc822 and text/rfc822-headers are opened; walk(intoEncapsulated: false) stays outside them")
    func encapsulated() {
        let message = parse("""
            Content-Type: multipart/report; report-type=delivery-status; boundary=r

            --r
            Content-Type: message/rfc822

            Message-ID: <x@y.example>
            Content-Type: multipart/mixed; boundary=q

            --q
            Content-Type: text/plain

            inner
            --q--
            --r
            Content-Type: text/rfc822-headers

            Message-ID: <h@y.example>
            --r--
            """)
        #expect(message.parameters["report-type"] == "delivery-status")
        #expect(message.parts[0].parts.first?.headers["Message-ID"] == "<x@y.example>")
        #expect(message.parts[0].parts.first?.parts.first?.text == "inner")
        #expect(message.parts[1].parts.first?.headers["Message-ID"] == "<h@y.example>")
        #expect(message.walk(intoEncapsulated: false).count == 3)
        #expect(message.walk().count == 6)
    }

    @Test("RFC 2231 parameters: continuations and charset-encoded values")
    func rfc2231() {
        let message = parse("Content-Type: text/plain; name*0*=utf-8''R%C3%A9; name*1=sum%C3%A9.txt; charset=\"utf-8\"\n\nx")
        #expect(message.parameters["name"] == "Résum%C3%A9.txt")  // only sections marked * are percent-decoded
        #expect(message.charset == "utf-8")
    }

    @Test("broken MIME: no boundary, unknown boundary, unterminated, garbage Content-Type: read as text, defects listed")
    func broken() {
        let noBoundary = parse("Content-Type: multipart/mixed\n\nhello")
        #expect(noBoundary.mediaType == "text/plain")
        #expect(noBoundary.text == "hello")
        #expect(!noBoundary.defects.isEmpty)

        let unknown = parse("Content-Type: multipart/mixed; boundary=zzz\n\nhello")
        #expect(unknown.text == "hello")
        #expect(unknown.defects.first?.contains("never occurs") == true)

        let open = parse("Content-Type: multipart/mixed; boundary=a\n\n--a\n\none\n--a\n\ntwo")
        #expect(open.parts.map(\.text) == ["one", "two"])
        #expect(open.defects.first?.contains("not closed") == true)

        let garbage = parse("Content-Type: ;;;\n\nx")
        #expect(garbage.mediaType == "text/plain")
        #expect(!garbage.defects.isEmpty)

        #expect(MIMEReader.parse([]).headers.fields.isEmpty)
        #expect(MIMEReader.parse([0x0A, 0x0A, 0xFF]).body == [0x0A, 0xFF])
    }

    @Test("depth and part count are bounded: 1000 nested multiparts and 5000 parts neither recurse without end nor explode")
    func limits() {
        var deep = ""
        for level in 0..<1000 { deep += "Content-Type: multipart/mixed; boundary=l\(level)\n\n--l\(level)\n" }
        let nested = MIMEReader.parse(Array(deep.utf8))
        #expect(nested.walk().count <= 17)
        #expect(nested.allDefects.contains { $0.contains("limit") })

        var wide = "Content-Type: multipart/mixed; boundary=w\n\n"
        for index in 0..<5000 { wide += "--w\n\npart \(index)\n" }
        let many = MIMEReader.parse(Array(wide.utf8), limits: .init(maxDepth: 16, maxParts: 100))
        #expect(many.walk().count <= 100)
        #expect(many.defects.contains { $0.contains("part limit") })
    }

    @Test("delivery-status: per-message and per-recipient groups, folded fields, typed values")
    func deliveryStatus() {
        let report = DeliveryStatusReport(parsing: Array("""
            Reporting-MTA: dns; mx.example

            Final-Recipient: rfc822; a@x.example
            Action: failed
            Status: 5.1.1
            Diagnostic-Code: smtp; 550 5.1.1 user
              unknown

            garbage line without a colon
            Final-Recipient: rfc822;b@x.example
            Action: delayed
            """.utf8))
        #expect(report.perMessage["Reporting-MTA"] == "dns; mx.example")
        #expect(report.perRecipient.count == 2)
        #expect(report.perRecipient[0]["diagnostic-code"] == "smtp; 550 5.1.1 user unknown")
        #expect(DeliveryStatusReport.typedValue(report.perRecipient[1]["Final-Recipient"])?.value == "b@x.example")
        #expect(DeliveryStatusReport.typedValue("smtp; 550 x")?.type == "smtp")
    }
}
