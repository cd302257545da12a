import Foundation
import OverdueCore

/// The daemon's configuration, typed and validated. Loaded from TOML by
/// `ConfigLoader`; every key is shown in `examples/reference.toml`.
public struct Config: Sendable {
    /// The file this was loaded from ("" for the embedded defaults).
    public var sourcePath: String
    public var spool: SpoolSettings
    public var inbox: InboxSettings
    public var brand: Brand
    public var schedule: Schedule
    /// The first policy is the default.
    public var policies: [Policy]
    public var email: EmailChannel?
    public var sms: SMSChannel?
    public var webhook: WebhookChannel?
    /// `[daemon]`: how the long-running process behaves.
    public var daemon = DaemonSettings()
    /// `[handoff]`: when debtors go to a collection agency.
    public var handoff = HandoffSettings()
    /// `[retention]`: days each spool directory keeps its files.
    public var retention = RetentionSettings()
    /// `[charges] reference_rates` merged over the bundled table.
    public var referenceRates = ReferenceRates.bundled
    /// The resolved path of `[charges] reference_rates`, if set.
    public var referenceRatesFile: String?
    /// `[feedback]`: the mailbox read for bounces and replies (nil: none).
    public var feedback: FeedbackSettings?

    /// The channels that can send: e-mail always (the embedded Maildir when
    /// there is no `[channels.email]`), and the call list (it needs nothing);
    /// SMS and webhooks when their sections are present. The one definition:
    /// the planner, the transports and `overdue check` ask it.
    public var enabledChannels: Set<Channel> {
        var channels: Set<Channel> = [.email, .call]
        if sms != nil { channels.insert(.sms) }
        if webhook != nil { channels.insert(.webhook) }
        return channels
    }

    /// The attachment rules of e-mail, SMTP or the default Maildir.
    public var mailAttachments: AttachmentRules { email?.attachments ?? AttachmentRules() }

    /// Whether a policy of that name is defined (ingest refuses an invoice
    /// naming another); which policy applies is `policies.resolve(name)`.
    public func definesPolicy(_ name: String) -> Bool { policies.contains { $0.name == name } }
}

public struct DaemonSettings: Sendable {
    /// On SIGTERM, how long in-flight sends may take before the process exits
    /// anyway (they are re-sent with the same ids after the restart).
    public var shutdownGraceSeconds = 30
    /// Retries of transient failures: the first after this, doubling up to
    /// `retryMaxSeconds` apart, given up (→ failed) after `retryLifetimeHours`.
    public var retryFirstSeconds = 300
    public var retryMaxSeconds = 3600
    public var retryLifetimeHours = 120
    /// Where to write Prometheus metrics after each pass (node_exporter's
    /// textfile collector directory, e.g. /var/lib/prometheus/node-exporter/overdue.prom).
    public var metricsFile: String?
}

public struct HandoffSettings: Sendable {
    /// A debtor is eligible for `overdue handoff --eligible` this many days
    /// after their final notice, if it is still unpaid.
    public var afterFinalDays = 14
    /// Named in each bundle's summary and in the ledger's handoff events.
    public var agency: String?
}

public struct SpoolSettings: Sendable {
    public var dir: String
}

public struct InboxSettings: Sendable {
    /// Files larger than this are rejected unread.
    public var maxFileBytes: Int
    public static let defaultMaxFileBytes = 32 << 20
}

public struct Brand: Sendable {
    public var name: String
    /// "Name <address>" for the From header.
    public var from: String
    public var replyTo: String?
    public var phone: String?
    public var website: String?
    public var logoURL: String?
    public var color: String?
    public var address: String?
    /// Where a debtor can opt out on the web (List-Unsubscribe, footers).
    public var unsubscribeURL: String? = nil
    /// Language and formats for debtors without their own (e.g. "en-GB").
    public var language: String? = nil
    /// A directory whose templates override the bundled set, file by file.
    public var templates: String?
    /// `fallback_language`: the language to write in for a debtor whose
    /// own has no templates. nil: such a debtor is held (never written to
    /// in a language nobody chose).
    public var fallbackLanguage: String? = nil
    /// Where a debtor can pay by bank transfer; letters show it when set.
    public var bank: BankAccount? = nil

    public init(name: String, from: String, replyTo: String? = nil, phone: String? = nil, website: String? = nil,
                logoURL: String? = nil, color: String? = nil, address: String? = nil, unsubscribeURL: String? = nil,
                templates: String? = nil, language: String? = nil) {
        self.language = language
        self.name = name
        self.from = from
        self.replyTo = replyTo
        self.phone = phone
        self.website = website
        self.logoURL = logoURL
        self.color = color
        self.address = address
        self.unsubscribeURL = unsubscribeURL
        self.templates = templates
    }
}

public struct EmailChannel: Sendable {
    public enum StartTLS: String, Sendable { case required, off }
    public var url: String
    public var starttls: StartTLS
    public var credentialsFile: String?
    public var caFile: String?
    public var timeoutSeconds: Int
    /// Parallel connections to the server, and the relay's quotas.
    public var maxConnections: Int = 4
    public var rates = RateLimits()
    /// The envelope sender's base for VERP: each message is sent from
    /// `local+<delivery key>@domain`, so a bounce names its delivery.
    public var bounceAddress: String?
    /// Invoice PDFs attached to e-mails, at most this many bytes per message.
    public var attachments = AttachmentRules()
}

/// Which invoice PDFs an e-mail carries (`attach_documents`,
/// `max_attachment_bytes` in `[channels.email]`; the defaults also apply to
/// the Maildir used without that section).
public struct AttachmentRules: Sendable, Equatable {
    public var attach = true
    public var maxBytes = 10 << 20

    public init(attach: Bool = true, maxBytes: Int = 10 << 20) {
        self.attach = attach
        self.maxBytes = maxBytes
    }
}

public struct SMSChannel: Sendable {
    public enum Gateway: String, Sendable { case twilio, vonage, http }
    public var gateway: Gateway
    public var url: String
    public var account: String?
    public var credentialsFile: String?
    public var from: String?
    public var messagingServiceSID: String?
    /// Texts longer than this many segments are shortened at send time and
    /// refused in templates by `overdue check`.
    public var maxSegments: Int
    public var maxConnections: Int = 4
    public var rates = RateLimits()
    public var timeoutSeconds: Int = 20
    /// For `gateway = "http"`.
    public var http: HTTPGateway = HTTPGateway()
}

/// A generic SMS gateway, described in `[channels.sms]`.
public struct HTTPGateway: Sendable {
    public var method = "POST"
    public var body = "form"
    public var fields: [String: String] = ["to": "{to}", "from": "{from}", "text": "{text}"]
    public var auth = "basic"
    public var successStatus: [Int] = [200, 201, 202]
    public var idField: String?
    public var optOutStatus: [Int] = []
    public var retryStatus: [Int] = [429]
}

public struct WebhookChannel: Sendable {
    public var url: String
    public var secretFile: String
    public var maxConnections: Int = 8
    public var rates = RateLimits()
    public var timeoutSeconds: Int = 15
}
