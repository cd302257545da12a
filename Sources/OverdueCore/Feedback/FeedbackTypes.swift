/// What the caller knows that the message cannot tell: which Message-IDs
/// overdue wrote, where unsubscribe mail goes, who the debtors are, and
/// the configured bounce (VERP) address. Closures rather than sets so the
/// daemon can answer from its spool without copying it.
public struct FeedbackContext: Sendable {
    /// True for a Message-ID (without angle brackets) that overdue wrote,
    /// e.g. one ending "@overdue.northwind.example".
    public var ourMessageID: @Sendable (String) -> Bool
    /// The mailto: addresses of List-Unsubscribe. They should differ from
    /// the Reply-To address: every message to them counts as an opt-out.
    public var unsubscribeAddresses: [String]
    /// True for a debtor's e-mail address (lower case).
    public var isDebtorAddress: @Sendable (String) -> Bool
    /// `[channels.email] bounce_address`, e.g. "bounces@northwind.example";
    /// a DSN to "bounces+KEY@northwind.example" then names delivery KEY.
    /// When empty, any "bounces+KEY@..." address is taken as VERP.
    public var bounceAddresses: [String]
    /// `[feedback] authserv_ids`: the receiving mail servers whose
    /// Authentication-Results headers are believed (RFC 8601 §5: a server
    /// removes such headers that claim its id from incoming mail).
    public var trustedAuthServIDs: [String]

    public init(ourMessageID: @escaping @Sendable (String) -> Bool = { _ in false },
                unsubscribeAddresses: [String] = [],
                isDebtorAddress: @escaping @Sendable (String) -> Bool = { _ in false },
                bounceAddresses: [String] = [], trustedAuthServIDs: [String] = []) {
        self.ourMessageID = ourMessageID
        self.unsubscribeAddresses = unsubscribeAddresses
        self.isDebtorAddress = isDebtorAddress
        self.bounceAddresses = bounceAddresses
        self.trustedAuthServIDs = trustedAuthServIDs
    }

    /// A predicate for `ourMessageID`: ids whose domain part is one of these
    /// (compared case-insensitively).
    public static func messageIDs(inDomains domains: [String]) -> @Sendable (String) -> Bool {
        let wanted = Set(domains.map { $0.lowercased() })
        return { id in
            guard let at = id.lastIndex(of: "@") else { return false }
            return wanted.contains(id[id.index(after: at)...].lowercased())
        }
    }
}

public enum BounceSeverity: String, Sendable, Hashable {
    /// The address or its domain does not exist: suppress it.
    case hard
    /// Mailbox full, blocked, policy, expired, ...: not the address's fault; do not suppress.
    case soft
}

public enum FeedbackKind: Sendable, Hashable, CustomStringConvertible {
    /// Delivery failed for good (`Action: failed`, or an MTA's equivalent).
    case bounce(BounceSeverity)
    /// A warning that delivery is still being retried (`Action: delayed`).
    case delayed
    /// Vacation, out of office, other RFC 3834 responses, read receipts.
    case autoReply
    /// A request to stop e-mail.
    case unsubscribe
    /// A person answered one of our messages (or a debtor wrote).
    case humanReply
    /// Anything else, including delivery reports that are not failures
    /// (`Action: delivered`, relayed, expanded) and spam complaints.
    case other

    /// For the log: hard-bounce, soft-bounce, delayed, auto-reply, unsubscribe, reply, other.
    public var description: String {
        switch self {
        case .bounce(let severity): "\(severity.rawValue)-bounce"
        case .delayed: "delayed"
        case .autoReply: "auto-reply"
        case .unsubscribe: "unsubscribe"
        case .humanReply: "reply"
        case .other: "other"
        }
    }
}

/// One address a feedback message reports on: a bounced or delayed
/// recipient, or, for replies, the person who wrote.
public struct FeedbackRecipient: Sendable, Equatable {
    /// Lower-case local@domain as the report names it (Final-Recipient,
    /// an address in the MTA's text, or the From of a reply).
    public var address: String
    /// RFC 3464 Original-Recipient, when it names another address (the one
    /// overdue wrote to, before aliasing or forwarding).
    public var originalAddress: String?
    public var kind: FeedbackKind
    /// The enhanced status code ("5.1.1"), from the server's reply when it
    /// is more specific than the Status field; nil when none is given.
    public var status: String?
    /// Short and fixed wording: "user unknown", "mailbox full", ...
    public var reason: String
    /// The server's own words (Diagnostic-Code or the MTA's text), one line, at most 300 characters.
    public var diagnostic: String?

    public init(address: String, originalAddress: String? = nil, kind: FeedbackKind, status: String? = nil,
                reason: String, diagnostic: String? = nil) {
        self.address = address
        self.originalAddress = originalAddress
        self.kind = kind
        self.status = status
        self.reason = reason
        self.diagnostic = diagnostic
    }
}

public struct FeedbackClassification: Sendable, Equatable {
    /// The message as a whole. For a report on several recipients: a hard
    /// bounce if any is hard, else a soft bounce if any failed, else
    /// delayed if any is delayed, else other. Act per recipient.
    public var kind: FeedbackKind
    public var recipients: [FeedbackRecipient]
    /// Message-IDs (without angle brackets) of the messages this one is
    /// about: the returned message's Message-ID first, then In-Reply-To and
    /// References. Matching them to deliveries is the caller's job.
    public var referencedMessageIDs: [String]
    /// KEY when the report went to "bounces+KEY@domain" (the VERP envelope
    /// sender of the returned message).
    public var verpKey: String?
    /// The From address of the feedback message, lower case.
    public var sender: String?
    /// The feedback message's own Message-ID (for idempotent processing).
    public var messageID: String?
    /// Decoded Subject.
    public var subject: String?
    /// Why this kind, in a sentence, for the log.
    public var explanation: String
    /// Parser defects (broken MIME) met on the way; the classification is
    /// a best effort when this is not empty.
    public var defects: [String]
    /// Domains a trusted Authentication-Results header vouches for (DKIM
    /// or DMARC pass), each with the words for the log.
    public var authenticated: [AuthenticationResults.Pass] = []

    public init(kind: FeedbackKind, recipients: [FeedbackRecipient] = [], referencedMessageIDs: [String] = [],
                verpKey: String? = nil, sender: String? = nil, messageID: String? = nil, subject: String? = nil,
                explanation: String, defects: [String] = []) {
        self.kind = kind
        self.recipients = recipients
        self.referencedMessageIDs = referencedMessageIDs
        self.verpKey = verpKey
        self.sender = sender
        self.messageID = messageID
        self.subject = subject
        self.explanation = explanation
        self.defects = defects
    }
}
