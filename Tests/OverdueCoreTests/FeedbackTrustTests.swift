import Foundation
import OverdueCalendar
@testable import OverdueCore
import Testing

/// Who may steer the daemon through the feedback mailbox: only messages
/// that prove they answer one of ours (a signed key), or whose sender a
/// trusted server authenticated. Each forgery a stranger tried is here.
@Suite("Feedback trust: signed keys, Authentication-Results, forgeries")
struct FeedbackTrustTests {
    static let now = Fixture.instant("2027-03-02T12:00:00Z")
    static let signer = FeedbackSigner(keys: [FeedbackSigner.Key(created: Fixture.instant("2027-01-01T00:00:00Z"),
                                                                 secret: Array(repeating: 7, count: 32))])
    static let key = "od1-" + String(repeating: "ab", count: 16)
    static let context = FeedbackContext(ourMessageID: FeedbackContext.messageIDs(inDomains: ["northwind.example"]),
                                         isDebtorAddress: { ["ap@acme.example", "ap@beta.example"].contains($0) },
                                         bounceAddresses: ["bounces@northwind.example"], trustedAuthServIDs: ["mx.northwind.example"])

    /// Acme's and Beta's invoices; the key above went to ap@acme.example.
    static func world() -> (Ledger, DeliveryHistory) {
        let ledger = Fixture.ledger(Fixture.invoice("A-1", customer: "acme", due: "2027-02-01"),
                                    Fixture.invoice("B-1", customer: "beta", due: "2027-02-01"))
        var history = DeliveryHistory()
        history.record(SentMessage(key: key, customer: "acme", channel: .email, recipient: "ap@acme.example", stage: "overdue",
                                   items: [ReminderItem(invoice: "A-1", installment: nil, stage: "overdue")], time: now.addingTimeInterval(-86_400)))
        return (ledger, history)
    }

    static func resolve(_ message: String, trust: FeedbackResolver.Trust = .signed, at now: Date = now) -> FeedbackResolver.Outcome {
        let (ledger, history) = world()
        let classification = FeedbackClassifier.classify(Array(message.utf8), context: context)
        let input = FeedbackResolver.Input(classification: classification, messageID: "<m@x>", date: CalendarDay.utc(now))
        return FeedbackResolver.resolve([input], history: history, ledger: ledger,
                                        context: FeedbackResolver.Context(signer: signer, trust: trust, now: now))[0]
    }

    static func dsn(envelope: String, recipient: String) -> String {
        """
        From: MAILER-DAEMON@relay.example
        To: \(envelope)
        Subject: Undelivered Mail Returned to Sender
        Content-Type: multipart/report; report-type=delivery-status; boundary=b

        --b
        Content-Type: message/delivery-status

        Reporting-MTA: dns; relay.example

        Final-Recipient: rfc822; \(recipient)
        Action: failed
        Status: 5.1.1
        --b--
        """
    }

    static var token: String { signer.token(key: key, recipient: "ap@acme.example") }

    @Test("the signature is the key's HMAC with the recipient: another recipient, another key or a changed digit does not verify")
    func signature() throws {
        let signed = try #require(SignedKey(Self.token))
        #expect(signed.key == Self.key && signed.signature?.count == 16)
        #expect(Self.signer.verifies(signed, recipient: "AP@acme.example", at: Self.now))
        #expect(!Self.signer.verifies(signed, recipient: "ap@beta.example", at: Self.now))
        var flipped = signed
        flipped.signature = String(signed.signature!.dropLast()) + (signed.signature!.last == "0" ? "1" : "0")
        #expect(!Self.signer.verifies(flipped, recipient: "ap@acme.example", at: Self.now))
        #expect(!Self.signer.verifies(SignedKey(Self.key)!, recipient: "ap@acme.example", at: Self.now), "unsigned never verifies")
        let other = FeedbackSigner(keys: [FeedbackSigner.Key(created: Self.now, secret: Array(repeating: 8, count: 32))])
        #expect(!other.verifies(signed, recipient: "ap@acme.example", at: Self.now))
        #expect(SignedKey("<\(Self.token)@northwind.example>") == signed)
    }

    @Test("after a rotation the previous key verifies for 30 days, then not; the new key signs")
    func rotation() throws {
        let rotated = FeedbackSigner(keys: Self.signer.keys + [FeedbackSigner.Key(created: Self.now, secret: Array(repeating: 9, count: 32))])
        let old = try #require(SignedKey(Self.token))
        #expect(rotated.verifies(old, recipient: "ap@acme.example", at: Self.now.addingTimeInterval(29 * 86_400)))
        #expect(!rotated.verifies(old, recipient: "ap@acme.example", at: Self.now.addingTimeInterval(31 * 86_400)))
        let new = try #require(SignedKey(rotated.token(key: Self.key, recipient: "ap@acme.example")))
        #expect(new != old && rotated.verifies(new, recipient: "ap@acme.example", at: Self.now.addingTimeInterval(365 * 86_400)))
    }

    @Test("a bounce with the signed VERP key of a message to that address suppresses it, and says why")
    func genuineBounce() {
        let outcome = Self.resolve(Self.dsn(envelope: "bounces+\(Self.token)@northwind.example", recipient: "ap@acme.example"))
        #expect(outcome.unmatched == nil)
        #expect(outcome.events.map(\.kind) == [.hardBounce] && outcome.events.first?.customer == "acme")
        #expect(outcome.events.first?.evidence?.hasPrefix("signed VERP address of \(Self.key)") == true)
    }

    @Test("forged bounces act on nobody: a made-up key, acme's real key naming beta, the unsigned key, no key at all",
          arguments: [
              ("bounces+od1-00000000000000000000000000000000-0123456789abcdef@northwind.example", "ap@acme.example"),
              ("bounces+\(token)@northwind.example", "ap@beta.example"),
              ("bounces+\(key)@northwind.example", "ap@acme.example"),
              ("bounces@northwind.example", "ap@acme.example"),
          ])
    func forgedBounce(envelope: String, recipient: String) {
        let outcome = Self.resolve(Self.dsn(envelope: envelope, recipient: recipient))
        #expect(outcome.events.isEmpty)
        #expect(outcome.unmatched?.contains("no valid signed key") == true, "\(outcome)")
    }

    @Test("a plain-text 'user unknown' with no report part and no key acts on nobody")
    func plainTextForgery() {
        let outcome = Self.resolve("From: attacker@evil.test\nTo: bounces@northwind.example\nSubject: Undelivered Mail Returned to Sender\n\n<ap@acme.example>: 550 5.1.1 user unknown\n")
        #expect(outcome.events.isEmpty && outcome.unmatched != nil)
    }

    @Test("trust = \"address\" keeps the old rule: a report naming a debtor's address acts")
    func addressTrust() {
        let outcome = Self.resolve(Self.dsn(envelope: "bounces@northwind.example", recipient: "ap@beta.example"), trust: .address)
        #expect(outcome.events.map(\.kind) == [.hardBounce] && outcome.events.first?.customer == "beta")
    }

    @Test("unsubscribe: a spoofed From is not enough; the mailto's signed key is, and opts out the address it was sent to")
    func unsubscribe() {
        let spoofed = Self.resolve("From: ap@acme.example\nTo: ar@northwind.example\nSubject: unsubscribe\n\n")
        #expect(spoofed.events.isEmpty && spoofed.unmatched?.contains("no trusted server authenticated") == true, "\(spoofed)")
        let signed = Self.resolve("From: someone@else.example\nTo: ar@northwind.example\nSubject: unsubscribe \(Self.token)\n\n")
        #expect(signed.events.map(\.kind) == [.unsubscribe] && signed.events.first?.address == "ap@acme.example", "\(signed)")
    }

    @Test("a reply: a trusted server's DKIM or DMARC pass for the sender's domain vouches; an untrusted or failing verdict does not",
          arguments: [
              ("mx.northwind.example; dkim=pass header.d=beta.example", true),
              ("mx.northwind.example 1; dmarc=pass (p=reject) header.from=beta.example", true),
              ("mx.northwind.example; dkim=pass header.d=mail.beta.example", false),
              ("mx.northwind.example; dkim=fail header.d=beta.example; spf=pass smtp.mailfrom=beta.example", false),
              ("evil.test; dkim=pass header.d=beta.example; dmarc=pass header.from=beta.example", false),
              ("mx.northwind.example; dkim=pass header.d=evil.test", false),
          ])
    func authenticatedReply(results: String, acts: Bool) {
        let outcome = Self.resolve("Authentication-Results: \(results)\nFrom: ap@beta.example\nTo: ar@northwind.example\nSubject: Re: invoice\n\nWe paid.\n")
        #expect((outcome.events.map(\.kind) == [.reply]) == acts, "\(outcome)")
        if acts { #expect(outcome.events.first?.customer == "beta" && outcome.events.first?.evidence?.contains("pass for beta.example") == true) }
    }

    @Test("a reply quoting a signed Message-ID is believed whoever sends it; one quoting the unsigned key is not")
    func quotedReply() {
        let quoted = Self.resolve("From: colleague@acme.example\nIn-Reply-To: <\(Self.token)@northwind.example>\nSubject: Re: x\n\nPaid.\n")
        #expect(quoted.events.first?.customer == "acme" && quoted.events.first?.evidence?.hasPrefix("signed quoted Message-ID") == true)
        let guessed = Self.resolve("From: attacker@evil.test\nIn-Reply-To: <\(Self.key)@northwind.example>\nSubject: Re: x\n\nPaid.\n")
        #expect(guessed.events.isEmpty)
    }
}
