import Foundation
@testable import OverdueCore
import Testing

/// The classifier's rules one at a time, on small messages written here.
@Suite("Feedback: classification rules")
struct FeedbackRuleTests {
    let context = FeedbackContext(
        ourMessageID: FeedbackContext.messageIDs(inDomains: ["overdue.northwind.example"]),
        unsubscribeAddresses: ["unsubscribe@northwind.example"],
        isDebtorAddress: { $0 == "ap@acme.example" },
        bounceAddresses: ["bounces@northwind.example"])

    func classify(_ headers: String, _ body: String = "Hello") -> FeedbackClassification {
        FeedbackClassifier.classify(Array((headers + "\n\n" + body).utf8), context: context)
    }

    /// A one-recipient DSN with this Action, Status and Diagnostic-Code.
    func dsn(action: String = "failed", status: String, diagnostic: String, inReplyTo: String? = nil) -> FeedbackClassification {
        classify("""
            From: MAILER-DAEMON@mx.example
            To: bounces+od1-k1@northwind.example
            Subject: Delivery Status Notification
            Auto-Submitted: auto-replied
            \(inReplyTo.map { "In-Reply-To: <\($0)>\n" } ?? "")Content-Type: multipart/report; report-type=delivery-status; boundary=x
            """, """
            --x
            Content-Type: text/plain

            Delivery failed.
            --x
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.example

            Final-Recipient: rfc822; debtor@acme.example
            Action: \(action)
            Status: \(status)
            Diagnostic-Code: smtp; \(diagnostic)
            --x--
            """)
    }

    @Test("hard: the address or the domain does not exist", arguments: [
        ("5.1.1", "550 5.1.1 <debtor@acme.example>: Recipient address rejected: User unknown"),
        ("5.1.0", "550 5.1.0 Address rejected: no such user here"),
        ("5.1.2", "550 5.1.2 Host unknown"),
        ("5.1.10", "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup"),
        ("5.0.0", "550 Requested action not taken: mailbox unavailable (in reply to RCPT TO command)"),
        ("5.4.4", "Sorry, I couldn't find a mail exchanger or IP address."),
    ])
    func hard(status: String, diagnostic: String) {
        let result = dsn(status: status, diagnostic: diagnostic)
        #expect(result.kind == .bounce(.hard), "\(diagnostic): \(result.recipients)")
        #expect(result.recipients.first?.address == "debtor@acme.example")
    }

    @Test("soft: full, blocked, policy, security, expired, sender problems, disabled accounts", arguments: [
        ("5.2.2", "552 5.2.2 Mailbox full"),
        ("5.7.1", "550 5.7.1 Message rejected as spam"),
        ("5.1.0", "550 5.1.0 192.0.2.1 is not allowed to send from <example.net> per its SPF record"),
        ("5.7.606", "550 5.7.606 Access denied, banned sending IP"),
        ("5.4.7", "message expired, delivery time exceeded"),
        ("5.1.8", "553 5.1.8 Sender address rejected: Domain of sender address does not exist"),
        ("5.2.1", "550 5.2.1 The email account that you tried to reach is disabled"),
        ("5.0.0", "550 Unknown user debtor@acme.example (in reply to end of DATA command)"),
        ("5.0.0", "550 Service unavailable"),
        ("5.0.0", "550 Requested action not taken: mailbox unavailable"),
        ("5.7.1", "550 5.7.1 Requested action not taken: mailbox unavailable (listed at a DNSBL)"),
    ])
    func soft(status: String, diagnostic: String) {
        let result = dsn(status: status, diagnostic: diagnostic)
        #expect(result.kind == .bounce(.soft), "\(diagnostic): \(result.recipients)")
    }

    @Test("4.x.x is never a hard bounce: delayed stays delayed, and a failed 4.1.1 \"user unknown\" is soft")
    func temporary() {
        #expect(dsn(action: "delayed", status: "4.4.1", diagnostic: "451 4.4.1 Connection timed out").kind == .delayed)
        #expect(dsn(action: "delayed", status: "4.1.1", diagnostic: "450 4.1.1 User unknown").kind == .delayed)
        #expect(dsn(status: "4.1.1", diagnostic: "450 4.1.1 User unknown in virtual alias table").kind == .bounce(.soft))
        #expect(dsn(action: "delivered", status: "2.0.0", diagnostic: "250 OK").kind == .other)
    }

    @Test("the remote server's code wins over the relay's generic one")
    func statusChoice() {
        let result = dsn(status: "5.0.0", diagnostic: "5.1.0 - Unknown address error 550-'5.7.1 <x@y.example>... Access denied'")
        #expect(result.recipients.first?.status == "5.7.1")
        #expect(result.kind == .bounce(.soft))
        #expect(BounceRules.bestStatus(field: "5.0.0", text: "qmail says (#5.4.4)") == "5.4.4")
        #expect(BounceRules.bestStatus(field: "5.2.2", text: "no code here") == "5.2.2")
        #expect(BounceRules.statusCodes(in: "Exim 4.72 at 192.0.2.22 v5.1.1x").isEmpty)
    }

    @Test("a DSN is never a human reply, even with In-Reply-To naming our message")
    func dsnNotReply() {
        let result = dsn(status: "5.1.1", diagnostic: "550 5.1.1 user unknown", inReplyTo: "od1-k1@overdue.northwind.example")
        #expect(result.kind == .bounce(.hard))
        #expect(result.verpKey == "od1-k1")
        #expect(result.referencedMessageIDs == ["od1-k1@overdue.northwind.example"])
    }

    @Test("automatic replies by header, never human replies even with In-Reply-To", arguments: [
        "Auto-Submitted: auto-replied", "Auto-Submitted: auto-generated", "X-Autoreply: yes", "X-Autorespond: on",
        "Precedence: auto_reply", "Precedence: bulk", "Precedence: junk",
    ])
    func autoReplyHeaders(header: String) {
        let result = classify("From: ap@acme.example\nSubject: Re: Invoice 7\nIn-Reply-To: <od1-1@overdue.northwind.example>\n\(header)")
        #expect(result.kind == .autoReply, "\(header)")
        #expect(result.recipients.map(\.address) == ["ap@acme.example"])
    }

    @Test("automatic replies by subject in English, German and French", arguments: [
        "Out of Office: Invoice 7", "Automatic reply: Invoice 7", "Abwesenheitsnotiz: Rechnung 7", "Automatische Antwort: Rechnung 7",
        "Réponse automatique : Facture 7", "Reponse automatique: Facture 7", "Absence: Facture 7", "Away until May 5",
        "=?utf-8?Q?R=C3=A9ponse_automatique?=",
    ])
    func autoReplySubjects(subject: String) {
        let result = classify("From: someone@acme.example\nSubject: \(subject)\nIn-Reply-To: <od1-1@overdue.northwind.example>")
        #expect(result.kind == .autoReply, "\(subject)")
    }

    @Test("Auto-Submitted: no is a person")
    func autoSubmittedNo() {
        let result = classify("From: x@acme.example\nSubject: Re: Invoice 7\nAuto-Submitted: no\nIn-Reply-To: <od1-1@overdue.northwind.example>")
        #expect(result.kind == .humanReply)
    }

    @Test("unsubscribe: by address (with or without +detail), by subject, by first line; accents and case ignored", arguments: [
        ("To: <unsubscribe@northwind.example>\nSubject: hello", "anything"),
        ("To: unsubscribe+od1-1@northwind.example\nSubject: hello", "anything"),
        ("To: billing@northwind.example\nSubject: unsubscribe", "x"),
        ("To: billing@northwind.example\nSubject: Re: AW: Abmelden", "x"),
        ("To: billing@northwind.example\nSubject: Re: Invoice", "\n\n  STOP\n> quoted"),
        ("To: billing@northwind.example\nSubject: Re: Facture", "désabonner."),
        ("To: billing@northwind.example\nSubject: Re: Facture", "DESABONNER"),
        ("To: billing@northwind.example\nSubject: Re: Facture", "se désabonner"),
    ])
    func unsubscribe(headers: String, body: String) {
        let result = classify("From: ap@acme.example\n\(headers)\nIn-Reply-To: <od1-1@overdue.northwind.example>", body)
        #expect(result.kind == .unsubscribe, "\(headers) / \(body)")
        #expect(result.recipients.map(\.address) == ["ap@acme.example"])
    }

    @Test("not unsubscribe: the word inside a sentence, or only in quoted text")
    func notUnsubscribe() {
        #expect(classify("From: x@y.example\nSubject: Re: Invoice\nIn-Reply-To: <a@overdue.northwind.example>",
                         "Please do not stop the service, we will pay.").kind == .humanReply)
        #expect(classify("From: x@y.example\nSubject: Re: Invoice\nIn-Reply-To: <a@overdue.northwind.example>",
                         "> unsubscribe\nWe paid.").kind == .humanReply)
    }

    @Test("human reply by References or by a debtor's From; otherwise other")
    func humanReply() {
        #expect(classify("From: x@y.example\nSubject: Re: x\nReferences: <foo@bar.example> <od1-9@overdue.northwind.example>").kind == .humanReply)
        #expect(classify("From: Acme AP <AP@acme.example>\nSubject: question").kind == .humanReply)
        let stranger = classify("From: x@y.example\nSubject: Re: x\nIn-Reply-To: <foo@bar.example>")
        #expect(stranger.kind == .other)
        #expect(stranger.referencedMessageIDs == ["foo@bar.example"])
        #expect(classify("From: x@y.example\nSubject: hello").kind == .other)
    }

    @Test("VERP: only the configured bounce address, or any bounces+KEY without configuration")
    func verp() {
        #expect(FeedbackClassifier.verpKey(in: ["<bounces+od1-AB@northwind.example>"], bounceAddresses: ["bounces@northwind.example"]) == "od1-AB")
        #expect(FeedbackClassifier.verpKey(in: ["bounces+x@other.example"], bounceAddresses: ["bounces@northwind.example"]) == nil)
        #expect(FeedbackClassifier.verpKey(in: ["Bounces+od1-c@any.example"], bounceAddresses: []) == "od1-c")
        #expect(FeedbackClassifier.verpKey(in: ["rfc822; fb+k@n.example"], bounceAddresses: ["FB@N.example"]) == "k")
    }

    @Test("bounded work: a 20 000-line notice is read up to its first 100 recipients; 20 000 nested messages stop at the depth limit",
          .timeLimit(.minutes(1)))
    func bounded() {
        var text = "From: MAILER-DAEMON@mx.example\nSubject: Undelivered Mail Returned to Sender\n\n"
        for index in 0..<20_000 { text += "user\(index)@example.com: 550 5.1.1 user unknown\n" }
        let many = FeedbackClassifier.classify(Array(text.utf8))
        #expect(many.kind == .bounce(.hard))
        #expect(many.recipients.count == FeedbackReport.maxRecipients)

        let deep = String(repeating: "Content-Type: message/rfc822\n\n", count: 20_000)
        let nested = FeedbackClassifier.classify(Array(deep.utf8))
        #expect(nested.kind == .other)
        #expect(nested.defects.contains { $0.contains("limit") })
    }

    @Test("a postmaster writing as a person is not taken for a bounce when no failed address is in the text")
    func postmasterReply() {
        let result = classify("From: postmaster@acme.example\nSubject: Re: Invoice 7\nIn-Reply-To: <od1-3@overdue.northwind.example>",
                              "We forwarded your reminder to accounting.")
        #expect(result.kind == .humanReply)
    }

    @Test("a read receipt is an automatic reply; an ARF abuse report is other with the complained-about recipient")
    func reports() {
        let mdn = classify("From: ap@acme.example\nContent-Type: multipart/report; report-type=disposition-notification; boundary=m",
                           "--m\nContent-Type: text/plain\n\nRead.\n--m--")
        #expect(mdn.kind == .autoReply)
        let arf = classify("From: abuse@isp.example\nContent-Type: multipart/report; report-type=feedback-report; boundary=f", """
            --f
            Content-Type: message/feedback-report

            Feedback-Type: abuse
            Original-Rcpt-To: debtor@acme.example
            --f--
            """)
        #expect(arf.kind == .other)
        #expect(arf.recipients.map(\.address) == ["debtor@acme.example"])
    }
}
