import Foundation
import Mustache
import OverdueCalendar
import OverdueConfig
import OverdueCore

/// An earlier reminder about the same invoices, for the final demand.
public struct EarlierReminder: Sendable, Equatable {
    public var date: CalendarDate
    public var stage: String
    public var channel: Channel

    public init(date: CalendarDate, stage: String, channel: Channel) {
        self.date = date
        self.stage = stage
        self.channel = channel
    }
}

/// Everything a message is made from.
public struct RenderRequest: Sendable {
    public var send: PlannedSend
    public var customer: Customer
    /// The ledger's invoices in the message, by id (payment links, issue
    /// dates, discounts).
    public var invoices: [String: Invoice]
    public var policy: Policy
    public var earlier: [EarlierReminder]
    public var today: CalendarDate
    /// The invoice PDFs the message carries or offers.
    public var documents = LetterDocuments()

    public init(send: PlannedSend, customer: Customer, invoices: [String: Invoice], policy: Policy,
                earlier: [EarlierReminder], today: CalendarDate) {
        self.send = send
        self.customer = customer
        self.invoices = invoices
        self.policy = policy
        self.earlier = earlier
        self.today = today
    }
}

/// A rendered message, the parts its channel needs.
public struct RenderedMessage: Sendable, Equatable {
    public var language: String
    public var subject: String?
    public var text: String?
    public var html: String?
    public var sms: SMSText?
    /// Set when the SMS was longer than the configured maximum and cut.
    public var smsShortenedFrom: Int?
    public var webhook: String?
}

public struct RenderError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(description: String) { self.description = description }
}

/// PlannedSend + ledger + brand → subject, text, HTML, SMS or webhook JSON,
/// through the Mustache templates.
public struct ReminderRenderer: Sendable {
    public let templates: TemplateSet
    public let brand: Brand
    public let maxSMSSegments: Int

    public init(templates: TemplateSet, brand: Brand, maxSMSSegments: Int = 3) {
        self.templates = templates
        self.brand = brand
        self.maxSMSSegments = maxSMSSegments
    }

    /// The template base name for the message's stage ("firm", "thanks").
    public func templateName(_ request: RenderRequest) -> String {
        request.policy.stages.first { $0.name == request.send.stage }?.template ?? request.send.stage
    }

    /// The letter's language and formatting locale (see `LetterLocale.resolve`).
    public func letterLocale(_ request: RenderRequest) -> LetterLocale {
        LetterLocale.resolve(customerLanguage: request.customer.language, customerCountry: request.customer.country,
                             // Not the schedule's default zone: that places the creditor, not the debtor.
                             timeZone: request.customer.timezone, brandLanguage: brand.language,
                             available: templates.availableLanguages, fallbackLanguage: brand.fallbackLanguage)
    }

    public func render(_ request: RenderRequest) throws(RenderError) -> RenderedMessage {
        let locale = letterLocale(request)
        let language = locale.language
        let base = templateName(request)
        let set = templates.setName(for: locale)
        // Built on first use: a webhook from the bundled schema needs none.
        var context: TemplateSet.Context?
        func part(_ suffix: String) throws(RenderError) -> String {
            let name = "\(base).\(suffix)"
            let values = context ?? templates.context(ReminderContext(request: request, brand: brand, locale: locale).dictionary, language: set)
            context = values
            guard let output = templates.render(name, language: set, context: values) else {
                throw RenderError(description: "no template \(name) for language \(language); add \(language)/\(name).mustache to the templates directory")
            }
            // Machine-read JSON keeps its values as they are.
            return suffix == "webhook" ? output : LetterVariant.apply(locale.identifier, output)
        }
        var message = RenderedMessage(language: language)
        switch request.send.channel {
        case .email:
            message.subject = Self.oneLine(try part("subject"))
            message.text = Self.tidy(try part("text"))
            message.html = try part("html")
        case .sms:
            // Locale formats put no-break spaces in amounts; outside GSM-7 they
            // would double the cost of every SMS, so they become plain spaces.
            let plain = try part("sms").replacingOccurrences(of: "\u{A0}", with: " ").replacingOccurrences(of: "\u{202F}", with: " ")
            let text = SMSText(plain.trimmingCharacters(in: .whitespacesAndNewlines))
            if text.segments > maxSMSSegments {
                message.smsShortenedFrom = text.segments
                message.sms = text.shortened(toSegments: maxSMSSegments)
            } else {
                message.sms = text
            }
        case .webhook where templates.isBundled("\(base).webhook", language: set) && templates.isBundled("partials/webhook.json", language: set):
            message.webhook = WebhookPayload(request, language: language).json()
        case .webhook:
            // A user's own webhook template: rendered, and checked to be JSON.
            let json = try part("webhook")
            guard (try? JSONSerialization.jsonObject(with: Data(json.utf8))) != nil else {
                throw RenderError(description: "template \(language)/\(base).webhook did not render valid JSON; check its quotes and commas")
            }
            message.webhook = json
        case .call:
            // A person makes the call; `overdue calls` lists it with this note.
            message.text = CallSheet.text(request)
        }
        return message
    }

    /// Sections and partials that render nothing leave blank lines behind;
    /// at most one blank line in a row is kept, and none at the start.
    /// Works on the UTF-8 bytes (a line is blank when it holds only
    /// whitespace; only a line with non-ASCII bytes and no other ASCII is
    /// checked character by character, for no-break spaces and the like).
    static func tidy(_ text: String) -> String {
        var lines: [Substring] = []
        var blank = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let isBlank = isBlankLine(line)
            blank = isBlank ? blank + 1 : 0
            if isBlank && (blank > 1 || lines.isEmpty) { continue }
            lines.append(isBlank ? "" : line)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func isBlankLine(_ line: Substring) -> Bool {
        var nonASCII = false
        for byte in line.utf8 {
            switch byte {
            case 0x20, 0x09, 0x0D, 0x0B, 0x0C: continue
            case 0x80...: nonASCII = true
            default: return false
            }
        }
        return !nonASCII || line.allSatisfy(\.isWhitespace)
    }

    /// A subject is one line: any line break or run of spaces from data or
    /// template becomes one space, so nothing can start a new header.
    /// No-break spaces stay: they are typography ("Rappel\u{202F}:", "10 %"),
    /// and cannot break a header.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: { ($0.isWhitespace || $0.isNewline) && $0 != "\u{A0}" && $0 != "\u{202F}" })
            .joined(separator: " ")
    }
}

extension RenderError: OverdueError {
    public var code: ErrorCode { .templateRender }
}
