import Foundation
import Logging
import OverdueConfig
import OverdueCore
import OverdueRender
import OverdueSpool
import OverdueTransports

/// What one dispatch pass did.
public struct DispatchSummary: Sendable, Equatable {
    public var sent = 0
    public var deferred = 0
}

/// outbox → transports → log. Hands each planned message to its channel's
/// transport, records what went out in the sent journal (one group commit
/// per pass) and logs every outcome.
///
/// Order per message: deliver, then journal, then log. A crash after the
/// delivery but before the journal re-plans the same message with the same
/// key; the Maildir finds its first copy, so the debtor gets one message.
public final class Dispatcher {
    let config: Config
    let sentJournal: SentJournal
    let log: EventLog
    let logger: Logger
    let clock: OverdueClock
    let maildir: MaildirTransport?
    let renderer: ReminderRenderer
    let calendars: BusinessCalendars

    public init(config: Config, spool: Spool, sentJournal: SentJournal, log: EventLog, logger: Logger, clock: OverdueClock,
                templates: TemplateSet) throws {
        self.config = config
        self.sentJournal = sentJournal
        self.log = log
        self.logger = logger
        self.clock = clock
        maildir = config.email == nil ? try MaildirTransport(root: spool.mail) : nil
        renderer = ReminderRenderer(templates: templates, brand: config.brand, maxSMSSegments: config.sms?.maxSegments ?? 3)
        calendars = BusinessCalendars(schedule: config.schedule)
    }

    /// What the renderer needs for one planned message.
    public static func renderRequest(for send: PlannedSend, config: Config, ledger: Ledger, history: DeliveryHistory,
                                     calendars: BusinessCalendars, now: Date) -> RenderRequest? {
        guard let first = send.items.first, let lead = ledger[first.item.invoice] else { return nil }
        var invoices: [String: Invoice] = [:]
        for item in send.items { invoices[item.item.invoice] = ledger[item.item.invoice]?.invoice }
        let calendar = calendars.calendar(for: send.timeZone)
        var earlier: [EarlierReminder] = []
        for unit in Set(send.items.map(\.item.unitID)) {
            for previous in history.sends(of: unit) {
                earlier.append(EarlierReminder(date: calendar.localDay(previous.time), stage: previous.stage, channel: previous.channel))
            }
        }
        var seen = Set<String>()
        earlier = earlier.sorted { ($0.date, $0.stage, $0.channel.rawValue) < ($1.date, $1.stage, $1.channel.rawValue) }
            .filter { seen.insert("\($0.date)|\($0.stage)|\($0.channel)").inserted }
        let policy = config.policy(named: send.policy) ?? config.policies[0]
        return RenderRequest(send: send, customer: lead.invoice.customer, invoices: invoices, policy: policy,
                             earlier: earlier, today: calendar.localDay(now))
    }

    public func dispatch(_ sends: [PlannedSend], ledger: Ledger, history: inout DeliveryHistory) throws -> DispatchSummary {
        var summary = DispatchSummary()
        var sent: [SentMessage] = []
        var entries: [LogEntry] = []
        for send in sends where !history.contains(key: send.key) {
            let now = clock.now()
            var fields: [String: JSONValue] = [
                "key": .string(send.key), "customer": .string(send.customer),
                "invoices": .array(send.invoices.map(JSONValue.string)), "stage": .string(send.stage),
                "channel": .string(send.channel.rawValue), "recipient": .string(send.recipient),
                "attempt": .number(1), "planned": .string(Timestamp.format(send.time)),
            ]
            do {
                guard send.channel == .email, let maildir else {
                    throw NotYetAvailable(channel: send.channel)
                }
                guard let request = Self.renderRequest(for: send, config: config, ledger: ledger, history: history,
                                                       calendars: calendars, now: now) else {
                    throw RenderError(description: "the invoices of this message are no longer in the ledger")
                }
                let content = try renderer.render(request)
                let messageID = "\(send.key)@\(Self.domain(of: config.brand.from))"
                let mail = MailMessage(from: config.brand.from, to: send.recipient, replyTo: config.brand.replyTo,
                                       subject: content.subject ?? "", messageID: messageID, date: now, text: content.text ?? "",
                                       html: content.html)
                switch try maildir.deliver(mail.bytes(), key: send.key) {
                case .delivered(let path):
                    fields["detail"] = .string("delivered to the Maildir: \(path)")
                case .alreadyDelivered(let path):
                    fields["detail"] = .string("found already delivered after a restart: \(path)")
                }
                fields["message_id"] = .string("<\(messageID)>")
                let message = send.sentMessage(at: now)
                sent.append(message)
                history.record(message)
                entries.append(LogEntry(time: now, event: "sent", fields: fields))
                summary.sent += 1
            } catch {
                fields["detail"] = .string("\(error)")
                entries.append(LogEntry(time: now, event: "deferred", fields: fields))
                summary.deferred += 1
                logger.warning("could not send; it stays planned", metadata: [
                    "delivery.key": "\(send.key)", "delivery.channel": "\(send.channel.rawValue)", "error": "\(error)",
                ])
            }
        }
        try sentJournal.append(sent)
        try log.append(entries)
        return summary
    }

    /// The domain of the From address, for Message-IDs.
    static func domain(of mailbox: String) -> String {
        let address = mailbox.split(separator: "<").last.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "> ")) } ?? mailbox
        return address.split(separator: "@").last.map(String.init) ?? "overdue.invalid"
    }

    struct NotYetAvailable: Error, CustomStringConvertible {
        var channel: Channel
        var description: String {
            "the \(channel.rawValue) transport (SMTP, SMS gateways, webhooks) is not built yet; the message stays planned and goes out once it is"
        }
    }
}
