import OverdueMail
/// Delivery reports: RFC 3464 DSNs, the non-standard bounces MTAs still
/// send, and Amazon SES notifications, read into one recipient list.
enum FeedbackReport {
    struct Found {
        var recipients: [FeedbackRecipient]
        var explanation: String
        /// Headers of the returned message (attached, or copied inline).
        var returned: MIMEHeaders?
        var messageIDs: [String] = []
        /// Envelope addresses the report names (X-Postfix-Sender ...), for VERP.
        var envelope: [String] = []
    }

    /// A report names a handful of recipients; more is an attack or a list
    /// explosion, and only the first ones are read (bounding the work).
    static let maxRecipients = 100

    static let deliveryStatusTypes: Set<String> = ["message/delivery-status", "message/global-delivery-status"]

    /// Subjects of delivery reports, lower case, in the languages seen in the wild.
    static let bounceSubjects = [
        "undeliver", "delivery status notification", "mail delivery failed", "failure notice", "returned mail",
        "delivery failure", "delivery has failed", "delivery notification", "mail delivery status", "delayed mail",
        "mail delivery system", "non recapitabile", "unzustellbar", "nicht zustellbar", "non remis", "non distribuable",
        "échec de la remise", "delivery status", "undelivered mail", "could not be delivered", "returned to sender",
    ]

    /// nil when the message is not a delivery report.
    static func read(_ message: MIMEEntity, own: [MIMEEntity], subject: String) -> Found? {
        let headers = message.headers
        let reportType = own.first { $0.mediaType == "multipart/report" }?.parameters["report-type"]?.lowercased()
        let statusParts = own.filter { deliveryStatusTypes.contains($0.mediaType) }
        let noticeText = FeedbackClassifier.readableText(own)
        let attached = own.first(where: \.isEncapsulatedMessage)?.parts.first?.headers

        if let ses = AmazonSESNotification.read(noticeText) {
            return Found(recipients: ses.recipients, explanation: ses.explanation, returned: nil, messageIDs: ses.messageIDs)
        }
        let fromAddress = headers["From"].flatMap(MailAddresses.address(in:))
        let isStandard = reportType == "delivery-status" || !statusParts.isEmpty
        let isBounceLike = isStandard || headers["X-Failed-Recipients"] != nil || fromAddress.map(MailAddresses.isDaemon) == true
            || (headers["From"] ?? "").lowercased().contains("mail delivery")
            || bounceSubjects.contains { subject.lowercased().contains($0) }
        guard isBounceLike else { return nil }

        // The report's own addressee and sender are us, never a failed recipient.
        var ours = Set(["To", "From", "Return-Path"].flatMap { headers.values($0) }
            .flatMap(MailAddresses.addresses(in:)))
        let notice = BounceText(text: noticeText, excluding: ours)
        let returned = attached ?? notice.returnedCopy.map(MIMEHeaders.parseLenient)
        if let sender = returned?["Return-Path"].flatMap(MailAddresses.address(in:)) { ours.insert(sender) }

        var recipients: [FeedbackRecipient] = []
        var envelope: [String] = []
        for part in statusParts {
            let report = DeliveryStatusReport(parsing: part.body)
            envelope += report.perMessage.values("X-Postfix-Sender") + report.perMessage.values("X-Original-Sender")
            for group in report.perRecipient.prefix(maxRecipients) {
                if let recipient = recipient(group, notice: notice), !recipients.contains(where: { $0.address == recipient.address }) {
                    recipients.append(recipient)
                }
            }
        }
        if !recipients.isEmpty {
            return Found(recipients: recipients, explanation: "RFC 3464 delivery status notification",
                         returned: returned, envelope: envelope)
        }
        // Non-standard bounce, or a DSN whose status part is missing or empty.
        recipients = notice.paragraphs.filter { !ours.contains($0.address) }.map {
            textRecipient($0.address, paragraph: $0.text, notice: notice)
        }
        if recipients.isEmpty {
            // Failed addresses the text does not list: Exim's header, else the one addressee of the returned copy.
            var named = headers.values("X-Failed-Recipients").flatMap(MailAddresses.addresses(in:))
            if named.isEmpty, let to = returned?.values("To").flatMap(MailAddresses.addresses(in:)), to.count == 1 {
                named = to
            }
            recipients = named.filter { !ours.contains($0) }.map {
                textRecipient($0, paragraph: notice.paragraph(for: $0) ?? "", notice: notice)
            }
        }
        // Only the look of a bounce (a postmaster's From, a "Delivery Status" subject) and no
        // failed address in it: let the reply rules look at it (a person may write from postmaster@).
        if recipients.isEmpty, !isStandard, headers["X-Failed-Recipients"] == nil { return nil }
        let explanation = isStandard
            ? "delivery status notification without usable status fields (recipients read from its text)"
            : "bounce in the MTA's own format (recipients read from its text)"
        return Found(recipients: recipients, explanation: explanation, returned: returned, envelope: envelope)
    }

    private static func recipient(_ group: MIMEHeaders, notice: BounceText) -> FeedbackRecipient? {
        let final = DeliveryStatusReport.typedValue(group["Final-Recipient"]).flatMap { MailAddresses.address(in: $0.value) }
        let original = DeliveryStatusReport.typedValue(group["Original-Recipient"])
            .flatMap { MailAddresses.address(in: $0.value) }
        guard let address = final ?? original else { return nil }
        let diagnostic = DeliveryStatusReport.typedValue(group["Diagnostic-Code"])
        let paragraph = notice.paragraph(for: address) ?? original.flatMap(notice.paragraph(for:))
        // The Diagnostic-Code is the report's own statement about this recipient; the notice's
        // paragraph (which may hold a session transcript with other replies) is read when it says nothing.
        let primary = diagnostic.map(\.value).flatMap { hasEvidence($0) ? $0 : nil }
            ?? [diagnostic?.value, paragraph].compactMap { $0 }.joined(separator: "\n")
        let statusField = group["Status"].flatMap { BounceRules.statusCodes(in: $0).first?.code }
        let status = BounceRules.bestStatus(field: statusField, text: primary)
        let verdict = BounceRules.verdict(action: BounceRules.Action(dsnValue: group["Action"], status: statusField ?? status),
                                          primary: primary, secondary: paragraph == nil ? notice.notice : nil,
                                          status: status, diagnosticType: diagnostic?.type, context: paragraph ?? "")
        return FeedbackRecipient(address: address, originalAddress: original == address ? nil : original,
                                 kind: verdict.kind, status: status, reason: verdict.reason,
                                 diagnostic: (diagnostic?.value ?? paragraph).map(oneLine))
    }

    private static func textRecipient(_ address: String, paragraph: String, notice: BounceText) -> FeedbackRecipient {
        // A paragraph that is only the address: the reason is elsewhere in the notice.
        let primary = hasEvidence(paragraph) ? paragraph : notice.notice
        let status = BounceRules.bestStatus(field: nil, text: primary)
        let verdict = BounceRules.verdict(action: notice.saysDelayed ? .delayed : .failed, primary: primary,
                                          secondary: nil, status: status, diagnosticType: nil)
        return FeedbackRecipient(address: address, kind: verdict.kind, status: status, reason: verdict.reason,
                                 diagnostic: paragraph.isEmpty ? nil : oneLine(paragraph))
    }

    private static func hasEvidence(_ text: String) -> Bool {
        let words = BounceRules.normalized(text)
        let tables = BounceRules.overriding + BounceRules.hard + BounceRules.stockReplies + BounceRules.directoryRefusals
            + BounceRules.soft
        return !BounceRules.statusCodes(in: text).isEmpty
            || tables.contains { $0.1.contains(where: { words.contains($0) }) }
    }

    /// Whitespace collapsed, at most 300 characters: fit for one log line.
    static func oneLine(_ text: String) -> String {
        let words = text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return words.count > 300 ? String(words.prefix(299)) + "…" : words
    }
}
