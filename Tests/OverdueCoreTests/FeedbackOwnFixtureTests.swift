import Foundation
@testable import OverdueCore
import OverdueMail
import Testing

/// The repository's own feedback messages (Fixtures/feedback), one per
/// case the daemon must handle: what overdue's configuration makes of them.
@Suite("Feedback: the repository's own messages")
struct FeedbackOwnFixtureTests {
    /// As the daemon would configure it: our Message-IDs end in
    /// @northwind.example, VERP base bounces@northwind.example, one debtor known.
    let context = FeedbackContext(
        ourMessageID: FeedbackContext.messageIDs(inDomains: ["northwind.example"]),
        unsubscribeAddresses: ["unsubscribe@northwind.example"],
        isDebtorAddress: { $0 == "kahless@qonos.example" },
        bounceAddresses: ["bounces@northwind.example"])

    func classify(_ name: String) throws -> FeedbackClassification {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/feedback/\(name)", withExtension: nil))
        return FeedbackClassifier.classify(try Data(contentsOf: url), context: context)
    }

    @Test("an RFC 3464 DSN to the VERP address: a hard bounce naming the delivery, code and original Message-ID")
    func verpHardBounce() throws {
        let result = try classify("dsn-verp-hard.eml")  // CRLF line ends, as IMAP delivers them
        #expect(result.kind == .bounce(.hard))
        #expect(result.verpKey == "od1-4f2a9c1e0b7d4e6a8c3f5b2d1e0a9c7b")
        #expect(result.referencedMessageIDs == ["od1-4f2a9c1e0b7d4e6a8c3f5b2d1e0a9c7b@northwind.example"])
        let recipient = try #require(result.recipients.first)
        #expect(result.recipients.count == 1)
        #expect(recipient.address == "accounts@acme-trading.example")
        #expect(recipient.status == "5.1.1")
        #expect(recipient.reason == "user unknown")
        #expect(recipient.diagnostic?.contains("User unknown in virtual mailbox table") == true)
        #expect(result.messageID == "20250304081203.9A1B2C3D4E@relay.northwind.example")
        #expect(result.defects.isEmpty)
    }

    @Test("a 4.x.x DSN with Action: delayed is a delay, not a bounce, whatever its text")
    func delayed() throws {
        let result = try classify("dsn-delayed.eml")
        #expect(result.kind == .delayed)
        #expect(result.recipients.map(\.address) == ["ap@slowpoke.example"])
        #expect(result.recipients.first?.status == "4.4.1")
        #expect(result.verpKey == "od1-aa11bb22cc33dd44ee55ff6677889900")
        #expect(result.referencedMessageIDs == ["od1-aa11bb22cc33dd44ee55ff6677889900@northwind.example"])
    }

    @Test("a German out-of-office (encoded Subject, ISO-8859-1 body) is an automatic reply, not a reply, though it names our message")
    func germanOutOfOffice() throws {
        let result = try classify("auto-reply-german.eml")
        #expect(result.kind == .autoReply)
        #expect(result.subject == "Abwesenheitsnotiz: Zahlungserinnerung für Rechnung 2025-0017")
        #expect(result.sender == "j.mueller@baeckerei-mueller.example")
        #expect(result.recipients.map(\.address) == ["j.mueller@baeckerei-mueller.example"])
        #expect(result.referencedMessageIDs == ["od1-0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c@northwind.example"])
        #expect(result.verpKey == "od1-0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c")  // vacation replies go to the envelope sender
    }

    @Test("a French reply whose first line is \"Désabonner\" (Windows-1252, base64) is an unsubscribe request")
    func frenchUnsubscribe() throws {
        let result = try classify("unsubscribe-french.eml")
        #expect(result.kind == .unsubscribe)
        #expect(result.sender == "claire.dubois@atelier-dubois.example")
        #expect(result.subject == "RE\u{00A0}: Rappel de paiement – facture 2025-0031")
        #expect(result.explanation.contains("Désabonner"))
    }

    @Test("a reply with In-Reply-To naming our Message-ID is a human reply; References are kept too")
    func humanReply() throws {
        let result = try classify("reply-in-reply-to.eml")
        #expect(result.kind == .humanReply)
        #expect(result.recipients.map(\.address) == ["ap@globex.example"])
        #expect(result.referencedMessageIDs == ["od1-4242424242424242424242424242abcd@northwind.example",
                                                "od1-0000000000000000000000000000abcd@northwind.example"])
        #expect(result.verpKey == nil)
    }

    @Test("a DSN with unterminated boundaries is still read: recipient, code and returned Message-ID, with the defects listed")
    func unterminatedBoundary() throws {
        let result = try classify("broken-unterminated-boundary.eml")
        #expect(result.kind == .bounce(.soft))
        #expect(result.recipients.map(\.address) == ["payables@initech.example"])
        #expect(result.recipients.first?.reason == "mailbox full")
        #expect(result.referencedMessageIDs == ["od1-b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0@northwind.example"])
        #expect(result.defects.contains { $0.contains("\"outer\" is not closed") })
        #expect(result.defects.contains { $0.contains("\"never-closed\" is not closed") })
    }

    @Test("a reply with a garbled base64 body is still a reply, the readable bytes decoded and the defect listed")
    func badBase64() throws {
        let result = try classify("broken-base64.eml")
        #expect(result.kind == .humanReply)
        #expect(result.defects.contains { $0.contains("outside the base64 alphabet") })
        let url = try #require(Bundle.module.url(forResource: "Fixtures/feedback/broken-base64.eml", withExtension: nil))
        let message = MIMEReader.parse(Array(try Data(contentsOf: url)))
        #expect(message.parts.first?.text.hasPrefix("We dispute this") == true)
    }

    @Test("an unknown charset neither crashes nor loses the ASCII; a debtor's From makes it a reply")
    func unknownCharset() throws {
        let result = try classify("unknown-charset.eml")
        #expect(result.kind == .humanReply)
        #expect(result.explanation.contains("debtor"))
        #expect(result.subject?.hasSuffix("invoice 2025-0099") == true)
        let url = try #require(Bundle.module.url(forResource: "Fixtures/feedback/unknown-charset.eml", withExtension: nil))
        let text = MIMEReader.parse(Array(try Data(contentsOf: url))).text
        #expect(text.contains("The invoice 2025-0099 will be paid in battle."))
    }

    @Test("a DSN for an address overdue never wrote to is still classified; matching it is the caller's job")
    func strangerDSN() throws {
        let result = try classify("dsn-stranger.eml")
        #expect(result.kind == .bounce(.hard))
        #expect(result.recipients.map(\.address) == ["nobody@nowhere.example"])
        #expect(result.recipients.first?.status == "5.1.2")
        #expect(result.recipients.first?.reason == "domain unknown")
        #expect(result.verpKey == nil)
        #expect(result.referencedMessageIDs == ["not-ours-123@elsewhere.example"])
        #expect(!result.referencedMessageIDs.contains(where: context.ourMessageID))
    }
}
