import Foundation
@testable import OverdueCore
import OverdueMail
import Testing

/// The rules that read a failed recipient's words over a generic status
/// code, and the ways MTAs list failed recipients in their own notices,
/// one at a time on small messages written here.
@Suite("Feedback: words over generic codes, and where notices list failed recipients")
struct FeedbackBounceWordTests {
    /// A one-recipient DSN with this Status and Diagnostic-Code (the rule tests' own).
    func dsn(status: String, diagnostic: String) -> FeedbackRecipient? {
        FeedbackRuleTests().dsn(status: status, diagnostic: diagnostic).recipients.first
    }

    /// An MTA's own notice (no status part) with this text before the returned copy.
    func notice(_ text: String, subject: String = "Undelivered Mail Returned to Sender") -> FeedbackClassification {
        FeedbackClassifier.classify(Array("""
            From: MAILER-DAEMON@mx.example
            To: bounces+od1-k1@northwind.example
            Subject: \(subject)

            \(text)

            ------ This is a copy of the message, including all the headers. ------
            To: debtor@acme.example
            Subject: Invoice overdue

            """.utf8))
    }

    @Test("a 5.x.x policy, routing or 'other' code with words that say the address does not exist is hard", arguments: [
        ("5.7.1", "550 5.7.1 <debtor@acme.example>: Recipient address rejected: User unknown in local recipient table"),
        ("5.4.1", "550 5.4.1 Recipient address rejected: Access denied. AS(201806281) [X.prod.protection.outlook.com]"),
        ("5.0.0", "550 5.0.0 <debtor@acme.example>... No such user"),
        ("5.5.0", "550 5.5.0 Requested action not taken: no such user here"),
        ("5.7.1", "554 5.7.1 <debtor@acme.example>: Host unknown"),
    ])
    func wordsOverPolicyCode(status: String, diagnostic: String) {
        let recipient = dsn(status: status, diagnostic: diagnostic)
        #expect(recipient?.kind == .bounce(.hard), "\(diagnostic): \(String(describing: recipient))")
    }

    @Test("not hard: a policy reason beside the words, a temporary code, a refusal after DATA", arguments: [
        ("5.7.1", "550 5.7.1 Message rejected as spam by the content filter (user unknown to the sender's policy)"),
        ("5.7.1", "550 5.7.1 <debtor@acme.example>: Recipient address rejected: Access denied"),
        ("5.7.1", "550 5.7.1 Client host blocked using zen.spamhaus.org; user unknown"),
        ("4.7.1", "450 4.7.1 <debtor@acme.example>: Recipient address rejected: User unknown"),
        ("4.4.1", "451 4.4.1 Host unknown, try later"),
        ("5.7.1", "550 5.7.1 User unknown (in reply to end of DATA command)"),
    ])
    func notHard(status: String, diagnostic: String) {
        let recipient = dsn(status: status, diagnostic: diagnostic)
        #expect(recipient != nil)
        #expect(recipient?.kind != .bounce(.hard), "\(diagnostic): \(String(describing: recipient))")
    }

    @Test("RFC 5321's stock 'mailbox unavailable' is hard only as the reply to RCPT TO")
    func stockReply() {
        #expect(dsn(status: "5.0.0", diagnostic: "550 Requested action not taken: mailbox unavailable")?.kind == .bounce(.soft))
        #expect(dsn(status: "5.0.0", diagnostic: "550 Requested action not taken: mailbox unavailable (in reply to RCPT TO command)")?
            .kind == .bounce(.hard))
        // The stock text in a notice with no status code at all: the same rule.
        #expect(notice("<debtor@acme.example>: Requested action not taken: mailbox unavailable. [SMTP Error Code 550]")
            .recipients.first?.kind == .bounce(.soft))
    }

    @Test("a domain that does not exist, with no status code in the notice, is hard; a DNS lookup to try again is not")
    func hostUnknownWithoutCode() {
        for text in ["debtor@acme.example ... unknown host", "<debtor@acme.example>: Domain does not exist",
                     "debtor@acme.example: Name or service not known", "debtor@acme.example\n    Unrouteable address"] {
            let result = notice(text)
            #expect(result.recipients.first?.address == "debtor@acme.example", "\(text)")
            #expect(result.recipients.first?.kind == .bounce(.hard), "\(text): \(result.recipients)")
        }
        let again = notice("<debtor@acme.example>: Name service error for domain acme.example: Host not found, try again")
        #expect(again.recipients.first?.kind == .bounce(.soft), "\(again.recipients)")
        #expect(again.recipients.first?.reason == "temporary DNS failure")
    }

    @Test("failed recipients listed with a bullet, after a label, as X.400 or in a RCPT TO transcript")
    func listings() {
        let cases = [
            "Delivery to the following recipients failed permanently:\n\n   * debtor@acme.example\n\nSMTP:RCPT host 192.0.2.1: 553 5.3.0 <debtor@acme.example>... No such user here",
            "Unknown user: debtor@acme.example\n\nRCPT TO generated following response:\n553 5.3.0 <debtor@acme.example>... Addressee unknown",
            "Invalid final delivery userid: debtor@acme.example",
            "did not reach the following recipient(s):\n\nc=US;a= ;p=Acme;o=Mail;dda:SMTP=debtor@acme.example; on Fri, 4 Oct 2002\n    The recipient name is not recognized",
            "Sent <<< RCPT TO:<debtor@acme.example>\nReceived >>> 550 5.1.1 unknown user.",
        ]
        for text in cases {
            let result = notice(text, subject: "Undeliverable Mail")
            #expect(result.recipients.map(\.address) == ["debtor@acme.example"], "\(text): \(result.recipients)")
            #expect(result.kind == .bounce(.hard), "\(text): \(result.explanation)")
        }
    }

    @Test("a quoted header, a help address after a label, or a label about something else is no failed recipient")
    func notListings() {
        #expect(MailAddresses.failedAddress(ofLine: "  To:      list@acme.example") == nil)
        #expect(MailAddresses.failedAddress(ofLine: "Delivered-To: ar@northwind.example") == nil)
        #expect(MailAddresses.failedAddress(ofLine: "For further assistance, please contact: help@isp.example") == nil)
        #expect(MailAddresses.failedAddress(ofLine: "Unknown user: debtor@acme.example, please check") == nil)
        #expect(MailAddresses.failedAddress(ofLine: "Failed Recipient: debtor@acme.example") == "debtor@acme.example")
        #expect(MailAddresses.failedAddress(ofLine: "c=US;a= ;p=Acme;dda:SMTP=debtor@acme.example;") == "debtor@acme.example")
    }

    @Test("the notice's own subject marks a bounce from a sender that is not a mail daemon")
    func subjectMarksBounce() {
        let result = FeedbackClassifier.classify(Array("""
            From: imss@acme.example
            To: bounces+od1-k1@northwind.example
            Subject: Mail could not be delivered

            Sent <<< RCPT TO:<debtor@acme.example>
            Received >>> 550 5.1.1 unknown user.
            """.utf8))
        #expect(result.kind == .bounce(.hard), "\(result.explanation)")
        #expect(result.recipients.map(\.address) == ["debtor@acme.example"])
    }
}
