import OverdueMail
/// What a message that came back to the feedback mailbox is: a bounce
/// (hard or soft, per recipient), a delay warning, an automatic reply, an
/// unsubscribe request, a person's reply, or something else. Pure: bytes
/// and the caller's context in, a value out.
///
/// The order of the checks is the policy: a delivery report is never a
/// reply (DSNs carry Auto-Submitted and often In-Reply-To), an automatic
/// reply is never an unsubscribe or a human reply (out-of-office messages
/// quote our subject and set In-Reply-To), and only then do the words and
/// the references of a person's message count.
public enum FeedbackClassifier {
    public static func classify(_ bytes: some Collection<UInt8>, context: FeedbackContext = FeedbackContext())
        -> FeedbackClassification {
        classify(MIMEReader.parse(Array(bytes)), context: context)
    }

    public static func classify(_ message: MIMEEntity, context: FeedbackContext = FeedbackContext())
        -> FeedbackClassification {
        let headers = message.headers
        let own = message.walk(intoEncapsulated: false)
        let subject = headers.decoded("Subject") ?? ""
        var result = FeedbackClassification(
            kind: .other, sender: headers["From"].flatMap(MailAddresses.address(in:)),
            messageID: MailAddresses.messageIDs(in: headers["Message-ID"]).first,
            subject: headers["Subject"] == nil ? nil : subject, explanation: "", defects: message.allDefects)
        result.authenticated = AuthenticationResults.passes(headers.values("Authentication-Results"), trusted: context.trustedAuthServIDs)
        // List-Unsubscribe's mailto asks for "unsubscribe <signed key>": the
        // key names the message, and is read like a quoted Message-ID.
        let (subjectWords, subjectKey) = Self.splittingSignedKey(subject)
        let replyIDs = MailAddresses.messageIDs(in: headers["In-Reply-To"])
            + MailAddresses.messageIDs(in: headers["References"]) + [subjectKey].compactMap { $0 }
        let reportType = own.first { $0.mediaType == "multipart/report" }?.parameters["report-type"]?.lowercased()
        let envelopeHeaders = ["To", "Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To", "X-Rcpt-To"]
        var envelope = envelopeHeaders.flatMap { headers.values($0) }

        func finish(_ kind: FeedbackKind, _ explanation: String, ids: [String] = []) -> FeedbackClassification {
            result.kind = kind
            result.explanation = explanation
            result.referencedMessageIDs = unique(ids + replyIDs)
            result.verpKey = verpKey(in: envelope, bounceAddresses: context.bounceAddresses)
            return result
        }
        func fromSender(_ kind: FeedbackKind, _ reason: String) {
            if let sender = result.sender { result.recipients = [FeedbackRecipient(address: sender, kind: kind, reason: reason)] }
        }

        if reportType == "disposition-notification" {
            fromSender(.autoReply, "read receipt")
            return finish(.autoReply, "message disposition notification (read receipt, RFC 8098)")
        }
        if reportType == "feedback-report" {
            let rcpt = own.first { $0.mediaType == "message/feedback-report" }
                .map { MIMEHeaders.parse($0.body[...]).headers["Original-Rcpt-To"] }?.flatMap(MailAddresses.address(in:))
            result.recipients = rcpt.map { [FeedbackRecipient(address: $0, kind: .other, reason: "spam complaint")] } ?? []
            let returned = own.first(where: \.isEncapsulatedMessage)?.parts.first?.headers
            return finish(.other, "abuse report (ARF, RFC 5965): someone marked our message as spam",
                          ids: MailAddresses.messageIDs(in: returned?["Message-ID"]))
        }
        if let report = FeedbackReport.read(message, own: own, subject: subject) {
            result.recipients = report.recipients
            envelope += report.envelope + (report.returned?.values("Return-Path") ?? [])
            let ids = report.messageIDs + MailAddresses.messageIDs(in: report.returned?["Message-ID"])
            let kinds = report.recipients.map(\.kind)
            guard !kinds.isEmpty else {
                return finish(.other, "\(report.explanation), but it names no recipient", ids: ids)
            }
            let kind: FeedbackKind = kinds.contains(.bounce(.hard)) ? .bounce(.hard)
                : kinds.contains(.bounce(.soft)) ? .bounce(.soft) : kinds.contains(.delayed) ? .delayed : .other
            return finish(kind, report.explanation, ids: ids)
        }
        if let why = ReplyRules.autoReplyReason(headers, subject: subject) {
            fromSender(.autoReply, "automatic reply")
            return finish(.autoReply, "automatic reply: \(why)")
        }
        let text = readableText(own)
        if let why = ReplyRules.unsubscribeReason(headers, subject: subjectWords, firstLine: ReplyRules.firstLine(of: text),
                                                  addresses: context.unsubscribeAddresses) {
            fromSender(.unsubscribe, "unsubscribe request")
            return finish(.unsubscribe, "unsubscribe request: \(why)")
        }
        if let id = replyIDs.first(where: context.ourMessageID) {
            fromSender(.humanReply, "reply")
            return finish(.humanReply, "reply to our message <\(id)>")
        }
        if let sender = result.sender, context.isDebtorAddress(sender) {
            fromSender(.humanReply, "message from a debtor")
            return finish(.humanReply, "from a debtor's address \(sender)")
        }
        return finish(.other, replyIDs.isEmpty
            ? "not a delivery report, automatic reply or unsubscribe request, and not from a known debtor"
            : "its In-Reply-To/References name none of our messages, and it is not from a known debtor")
    }

    /// The text a person or an MTA wrote: the first text/plain part outside
    /// returned messages, else the first text/html part made plain.
    static func readableText(_ own: [MIMEEntity]) -> String {
        let leaves = own.filter { !$0.isMultipart && !$0.isEncapsulatedMessage }
        if let plain = leaves.first(where: { $0.mediaType == "text/plain" && !$0.body.isEmpty }) { return plain.text }
        if let html = leaves.first(where: { $0.mediaType == "text/html" }) { return BounceText.plainText(fromHTML: html.text) }
        return ""
    }

    /// KEY of the first "base+KEY@domain" among the envelope addresses,
    /// where base@domain is a configured bounce address (or, when none is
    /// configured, base is "bounces"). The key keeps its case.
    static func verpKey(in values: [String], bounceAddresses: [String]) -> String? {
        let configured = bounceAddresses.compactMap { MailAddresses.split($0.lowercased()) }
        for value in values {
            for token in value.split(whereSeparator: { " \t,;<>\"()".contains($0) }) where token.contains("@") {
                guard let parts = MailAddresses.split(String(token)), let key = parts.detail, !key.isEmpty else { continue }
                let local = parts.local.lowercased()
                let domain = parts.domain.lowercased()
                let matches = configured.isEmpty
                    ? local == "bounces"
                    : configured.contains { $0.local == local && $0.domain == domain }
                if matches { return key }
            }
        }
        return nil
    }

    /// "Unsubscribe od1-…-…" → ("Unsubscribe", "od1-…-…"); a subject without one is kept whole.
    static func splittingSignedKey(_ subject: String) -> (words: String, key: String?) {
        guard let last = subject.split(separator: " ").last, let signed = SignedKey(last), signed.signature != nil else { return (subject, nil) }
        return (String(subject.dropLast(last.count)).trimmingCharacters(in: .whitespaces), String(last))
    }

    private static func unique(_ ids: [String]) -> [String] {
        var seen = Set<String>()
        return ids.filter { seen.insert($0).inserted }
    }
}
