import Crypto
import Foundation
import Logging
import OverdueConfig
import OverdueCore
import OverdueDelivery
import OverdueIngest
import OverdueSpool
import OverdueTransports

/// What the reader needs from the ledger and the delivery history, asked
/// on the queue that owns them (the daemon's work queue): the reader runs
/// on its own thread so a slow mailbox never delays a send.
public protocol FeedbackLookup {
    /// The debtors' e-mail addresses (lower case): a message from one of them is a reply.
    func debtorAddresses() -> Set<String>
    func resolve(_ inputs: [FeedbackResolver.Input], context: FeedbackResolver.Context) -> [FeedbackResolver.Outcome]
}

/// One poll of the feedback mailbox: read what is new, classify it, put
/// its effect in the spool, then move it out of the way.
///
/// The effect of each message is an inbox file of `feedback` events,
/// written (fsynced, renamed) before the message is moved: a crash in
/// between reads the message again, writes the same bytes again, and the
/// ingester archives that copy as a duplicate; the ledger also applies a
/// feedback Message-ID once. So every message counts exactly once.
public final class FeedbackReader {
    public struct Summary: Sendable, Equatable {
        public var read = 0
        public var matched = 0
        public var unmatched = 0
        public var skipped = 0
        public var forwarded = 0
    }

    /// At most this many messages a poll; the rest wait for the next one.
    static let batch = 200

    let settings: FeedbackSettings
    let config: Config
    let spool: Spool
    let logger: Logger
    let clock: OverdueClock
    let mailbox: IMAPMailbox
    let forwarder: FeedbackForwarder
    private var foldersReady = false

    public init(config: Config, spool: Spool, logger: Logger, clock: OverdueClock) throws {
        guard let settings = config.feedback else { throw FeedbackForwarder.Failure(description: "no [feedback] section") }
        self.settings = settings
        self.config = config
        self.spool = spool
        self.logger = logger
        self.clock = clock
        let credentials = try settings.credentialsFile.map { try Credentials(file: $0, key: "[feedback].credentials_file") }
        mailbox = IMAPMailbox(settings: .init(url: settings.url, requireStartTLS: settings.url.hasPrefix("imap://") && settings.starttls == .required,
                                              credentials: credentials, caFile: settings.caFile, timeoutSeconds: settings.timeoutSeconds))
        forwarder = try FeedbackForwarder(config: config, spool: spool, logger: logger, clock: clock)
    }

    public func poll(lookup: FeedbackLookup) throws -> Summary {
        var summary = Summary()
        if !foldersReady {
            mailbox.ensureFolder(settings.doneFolder)
            if let unmatched = settings.unmatchedFolder { mailbox.ensureFolder(unmatched) }
            foldersReady = true
        }
        let uids = Array(try mailbox.unhandled().prefix(Self.batch))
        guard !uids.isEmpty else { return summary }
        let context = classificationContext(debtors: lookup.debtorAddresses())
        var read: [(uid: UInt64, input: FeedbackResolver.Input, bytes: [UInt8])] = []
        var skipped: [(uid: UInt64, event: FeedbackEvent)] = []
        for uid in uids {
            let now = clock.now()
            if let size = try mailbox.size(uid: uid), size > settings.maxMessageBytes {
                skipped.append((uid, FeedbackEvent(kind: .other, messageID: "imap-uid-\(uid)-\(size)", date: Planner.today(at: now, schedule: config.plannerSettings.schedule),
                                                   reason: "skipped unread: \(size) bytes, over [feedback] max_message_bytes (\(settings.maxMessageBytes))")))
                continue
            }
            let bytes = try mailbox.fetch(uid: uid, maxBytes: settings.maxMessageBytes + 1)
            let classification = FeedbackClassifier.classify(bytes, context: context)
            let digest = Hex.lowercase(SHA256.hash(data: bytes))
            let messageID = classification.messageID.map { "<\($0)>" } ?? "sha256:" + digest
            // The day it was read, never the sender's Date header: a reply
            // dated 2099 must not pause chasing until 2100.
            let date = Planner.today(at: now, schedule: config.plannerSettings.schedule)
            read.append((uid, FeedbackResolver.Input(classification: classification, messageID: messageID, date: date,
                                                     digest: String(digest.prefix(16))), bytes))
        }
        let signer = try FeedbackKeyStore(spool: spool).signer(now: clock.now())
        let outcomes = lookup.resolve(read.map(\.input), context: FeedbackResolver.Context(signer: signer, trust: settings.trust, now: clock.now()))
        for ((uid, input, bytes), outcome) in zip(read, outcomes) {
            summary.read += 1
            var events = outcome.events
            if let why = outcome.unmatched {
                events = [FeedbackEvent(kind: .other, messageID: input.messageID, digest: input.digest, date: input.date,
                                        address: input.classification.sender, reason: "unmatched: \(why)")]
            }
            if events.contains(where: { $0.kind == .reply }), forwarder.forward(bytes, events: events, classification: input.classification) {
                summary.forwarded += 1
            }
            try commit(events, uid: uid)
            if outcome.unmatched == nil {
                try mailbox.move(uid: uid, to: settings.doneFolder)
                summary.matched += 1
            } else {
                try setAside(uid)
                summary.unmatched += 1
            }
        }
        for (uid, event) in skipped {
            try commit([event], uid: uid)
            try setAside(uid)
            summary.skipped += 1
        }
        return summary
    }

    /// The message's effect, durable in the inbox before the message moves.
    private func commit(_ events: [FeedbackEvent], uid: UInt64) throws {
        let records = events.map { LedgerEvent.feedback($0.sanitized()) }
        let digest = Hex.lowercase(SHA256.hash(data: Array(records.map { "\($0)" }.joined().utf8))).prefix(16)
        try InboxDrop.drop(records, kind: "feedback", spool: spool, name: "feedback-\(digest).jsonl")
        // Fault injection for the crash test: die between the commit and the move.
        if ProcessInfo.processInfo.environment["OVERDUE_FAULT"] == "feedback-after-commit" { kill(getpid(), SIGKILL) }
    }

    private func setAside(_ uid: UInt64) throws {
        if let folder = settings.unmatchedFolder { try mailbox.move(uid: uid, to: folder) } else { try mailbox.flag(uid: uid) }
    }

    func classificationContext(debtors: Set<String>) -> FeedbackContext {
        // Our Message-IDs are "<delivery key>@<domain of From>".
        let domain = MessageBuilder.domain(of: config.brand.from)
        // List-Unsubscribe's mailto carries "subject=unsubscribe", which the
        // subject rule catches; the address itself is usually the reply
        // mailbox, so it is not treated as an unsubscribe address.
        return FeedbackContext(ourMessageID: FeedbackContext.messageIDs(inDomains: [domain]), unsubscribeAddresses: [],
                               isDebtorAddress: { debtors.contains($0.lowercased()) },
                               bounceAddresses: config.email?.bounceAddress.map { [$0] } ?? [], trustedAuthServIDs: settings.authservIDs)
    }
}
