import Foundation
import Logging
import OverdueConfig
import OverdueCore
import OverdueMail
import OverdueRender
import OverdueSpool
import OverdueTransports

/// Turns a planned send into what its transport takes: renders the
/// templates and builds the e-mail (MIME), SMS text, webhook JSON or call
/// sheet. Sendable and free of the dispatcher's state, so a chunk of sends
/// is built on all cores.
package struct MessageBuilder: Sendable {
    let config: Config
    let renderer: ReminderRenderer
    let calendars: BusinessCalendars
    let logger: Logger
    /// Channels with a configured transport.
    let channels: Set<Channel>
    /// Where invoice PDFs are kept (nil: messages carry none).
    var documents: DocumentStore?
    /// Signs the keys feedback carries back (VERP, Message-ID, the
    /// unsubscribe subject); nil: unsigned (a preview without the key).
    let signer: FeedbackSigner?

    /// Renders with `templates` (checked by the caller) and the brand's SMS segment limit.
    package init(config: Config, templates: TemplateSet, calendars: BusinessCalendars, logger: Logger, channels: Set<Channel>,
                 documents: DocumentStore?, signer: FeedbackSigner?) {
        self.signer = signer
        self.config = config
        renderer = ReminderRenderer(templates: templates, brand: config.brand, maxSMSSegments: config.sms?.maxSegments ?? 3)
        self.calendars = calendars
        self.logger = logger
        self.channels = channels
        self.documents = documents
    }

    /// What the renderer needs for one planned message.
    static func renderRequest(for send: PlannedSend, config: Config, ledger: Ledger, history: DeliveryHistory,
                              calendars: BusinessCalendars, now: Date) -> RenderRequest? {
        guard let first = send.items.first, let lead = ledger[first.item.invoice] else { return nil }
        var invoices: [String: Invoice] = [:]
        for item in send.demanded + send.alsoOpen { invoices[item.item.invoice] = ledger[item.item.invoice]?.invoice }
        let calendar = calendars.calendar(for: send.timeZone, country: send.country)
        // The letters and texts that reached the debtor about what this one
        // demands, each once, named by the stage of the message itself.
        // (Before `now`: a preview of a past instant cites only what had gone out by then.)
        let earlier = history.contacts(about: send.items.map(\.item.unitID), before: now).map {
            EarlierReminder(date: calendar.localDay($0.time), stage: $0.messageStage, channel: $0.channel)
        }
        let policy = config.policies.resolve(send.policy)
        // The debtor as the planner saw it: the customer directory applied.
        return RenderRequest(send: send, customer: ledger.directory.effective(for: lead.invoice).customer, invoices: invoices,
                             policy: policy, earlier: earlier, today: calendar.localDay(now))
    }

    /// MAIL FROM: with `[channels.email] bounce_address` the VERP address
    /// `local+KEY@domain`, so a bounce that arrives days later names its
    /// delivery exactly; else the From address.
    static func envelopeSender(token: String, config: Config) -> String {
        guard let bounce = config.email?.bounceAddress, let at = bounce.lastIndex(of: "@") else {
            return FieldRules.mailboxAddress(config.brand.from)
        }
        return "\(bounce[..<at])+\(token)\(bounce[at...])"
    }

    /// The domain of the From address, for Message-IDs.
    package static func domain(of mailbox: String) -> String {
        FieldRules.mailboxAddress(mailbox).split(separator: "@").last.map(String.init) ?? "overdue.invalid"
    }

    /// One message as its transport takes it: the rendered parts, the
    /// payload, and its exact bytes (the Maildir file, the SMS text, the
    /// webhook body).
    package struct Built {
        package var content: RenderedMessage
        var message: OutgoingMessage
        package var bytes: [UInt8]
        /// The invoice PDFs attached (e-mail), named (webhook) or offered.
        package var documents: LetterDocuments
    }

    /// The daemon's and `overdue preview`'s one way from a planned send to
    /// bytes. `language` replaces the debtor's (preview's `--language`).
    package func build(_ send: PlannedSend, ledger: Ledger, history: DeliveryHistory, now: Date, language: String? = nil,
               fields: inout [String: JSONValue]) throws -> Built {
        guard channels.contains(send.channel) else {
            throw RenderError(description: "the \(send.channel.rawValue) channel has no [channels.\(send.channel.rawValue)] section")
        }
        guard var request = Self.renderRequest(for: send, config: config, ledger: ledger, history: history,
                                               calendars: calendars, now: now) else {
            throw RenderError(description: "the invoices of this message are no longer in the ledger")
        }
        if let language { request.customer.language = language }
        let files = attachDocuments(to: &request, ledger: ledger)
        Self.describe(request.documents, in: &fields)
        let content = try renderer.render(request)
        let payload: OutgoingPayload
        let bytes: [UInt8]
        switch send.channel {
        case .email:
            // The signed key names this message to this recipient wherever feedback quotes it.
            let token = signer?.token(key: send.key, recipient: send.recipient) ?? send.key
            let messageID = "\(token)@\(Self.domain(of: config.brand.from))"
            // A Cc copy is the debtor's letter, addressed as the letter is,
            // delivered to one Cc address.
            var mail = MailMessage(from: config.brand.from, to: send.to ?? send.recipient, replyTo: config.brand.replyTo,
                                   subject: content.subject ?? "", messageID: messageID, date: now, text: content.text ?? "",
                                   html: content.html)
            mail.cc = send.cc
            // RFC 3834: out-of-office responders do not answer automated mail.
            mail.extraHeaders = [("Auto-Submitted", "auto-generated")] + listUnsubscribe(token: token)
            mail.attachments = files
            bytes = mail.bytes()
            payload = .mail(bytes: bytes, envelopeFrom: Self.envelopeSender(token: token, config: config))
            fields["message_id"] = .string("<\(messageID)>")
        case .sms:
            let text = content.sms?.text ?? ""
            if let original = content.smsShortenedFrom {
                fields["shortened_from_segments"] = .number(Decimal(original))
                logger.warning("SMS text shortened to fit [channels.sms].max_segments",
                               metadata: ["delivery.key": "\(send.key)", "sms.segments": "\(original)"])
            }
            bytes = Array(text.utf8)
            payload = .sms(text: text)
        case .webhook:
            let json = content.webhook ?? "{}"
            bytes = Array(json.utf8)
            payload = .webhook(json: json)
        case .call:
            let sheet = content.text ?? ""
            bytes = Array(sheet.utf8)
            payload = .call(sheet: sheet)
        }
        return Built(content: content, message: OutgoingMessage(key: send.key, recipient: send.recipient, payload: payload),
                     bytes: bytes, documents: request.documents)
    }

    /// Decides which invoice PDFs go with the message and reads them. A PDF
    /// the ledger knows but that is gone from `documents/` (deleted by
    /// hand) is offered on request instead, so the letter never promises an
    /// attachment it does not carry.
    private func attachDocuments(to request: inout RenderRequest, ledger: Ledger) -> [MailAttachment] {
        var selection = LetterDocuments.select(for: request.send, ledger: ledger, rules: config.mailAttachments)
        guard request.send.channel == .email else {
            request.documents = selection
            return []
        }
        var files: [MailAttachment] = []
        var kept: [LetterDocument] = []
        for document in selection.attached {
            if let bytes = documents?.read(sha256: document.sha256) {
                files.append(MailAttachment(fileName: document.name, bytes: bytes))
                kept.append(document)
            } else {
                selection.onRequest.append(document)
            }
        }
        selection.attached = kept
        request.documents = selection
        return files
    }

    /// The log line's account of the documents.
    static func describe(_ documents: LetterDocuments, in fields: inout [String: JSONValue]) {
        if !documents.attached.isEmpty { fields["attachments"] = .array(documents.attached.map { .string($0.name) }) }
        if !documents.onRequest.isEmpty { fields["documents_on_request"] = .array(documents.onRequest.map { .string($0.name) }) }
        if !documents.missing.isEmpty {
            fields["documents_missing"] = .array(documents.missing.map { .string("\($0.invoice): \($0.name)") })
        }
    }

    /// The mailto asks for "unsubscribe <signed key>", so the request proves
    /// which message (and so which address) it is about.
    func listUnsubscribe(token: String) -> [(String, String)] {
        let mailto = "<mailto:\(config.brand.replyTo ?? FieldRules.mailboxAddress(config.brand.from))?subject=unsubscribe%20\(token)>"
        if let url = config.brand.unsubscribeURL {
            return [("List-Unsubscribe", "\(mailto), <\(url)>"), ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")]
        }
        return [("List-Unsubscribe", mailto)]
    }
}
