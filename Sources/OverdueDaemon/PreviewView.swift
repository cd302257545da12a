import Foundation
import OverdueConfig
import OverdueCore
import OverdueRender
import OverdueSpool

/// `overdue preview`: one invoice's message at a stage and channel, rendered
/// exactly as the dispatcher would, without sending anything.
public struct PreviewView {
    public let send: PlannedSend
    public let message: RenderedMessage

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public init(config: Config, invoiceID: String, stage stageName: String?, channel: Channel, language: String?,
                now: Date) throws {
        let spool = Spool(root: config.spool.dir)
        guard spool.exists, let entry = try LedgerStore.replay(spool: spool).ledger[invoiceID] else {
            throw Failure(description: "no invoice \"\(invoiceID)\" in the ledger of \(config.spool.dir); check the number, or `overdue status`")
        }
        var ledger = Ledger()
        var invoice = entry.invoice
        if let language { invoice.customer.language = language }
        ledger.apply(.invoice(invoice))
        let history = try SentJournal.replay(spool: spool).history
        let policy = config.policy(named: invoice.policy) ?? config.policies[0]
        let calendars = BusinessCalendars(schedule: config.schedule)
        let calendar = calendars.calendar(for: invoice.customer.timezone)
        let today = calendar.localDay(now)
        // Default stage: the latest whose day has come, else the first.
        let stage: Stage
        if let stageName {
            guard let named = policy.stages.first(where: { $0.name == stageName }) ?? (stageName == "thanks"
                ? Stage(name: "thanks", offsetDays: 0, channels: [.email, .sms, .webhook], template: "thanks", final: false) : nil)
            else {
                throw Failure(description: "policy \"\(policy.name)\" has no stage \"\(stageName)\"; its stages are \(policy.stages.map(\.name).joined(separator: ", ")) (and thanks)")
            }
            stage = named
        } else {
            stage = policy.stages.last { invoice.due.adding(days: $0.offsetDays) <= today } ?? policy.stages[0]
        }
        let recipient: String? = switch channel {
        case .email: invoice.customer.email
        case .sms, .call: invoice.customer.phone
        case .webhook: config.webhook?.url ?? "(no [channels.webhook] configured)"
        }
        guard let recipient else {
            throw Failure(description: "customer \"\(invoice.customer.id)\" has no \(channel == .email ? "e-mail address" : "phone number") for \(channel.rawValue)")
        }
        let item = PlannedItem(item: ReminderItem(invoice: invoice.id, installment: nil, stage: stage.name),
                               stageOffsetDays: stage.offsetDays, final: stage.final, amount: entry.balance,
                               currency: invoice.currency, due: invoice.due, daysOverdue: invoice.due.days(until: today))
        send = PlannedSend(time: now, customer: invoice.customer.id, customerName: invoice.customer.name, channel: channel,
                           recipient: recipient, stage: stage.name, final: stage.final, policy: policy.name,
                           timeZone: calendar.timeZone.identifier, items: [item], key: "od1-preview")
        guard var request = MessageBuilder.renderRequest(for: send, config: config, ledger: ledger, history: history,
                                                         calendars: calendars, now: now) else {
            throw Failure(description: "cannot build the message")
        }
        request.policy = policy
        let templates = try TemplateSet(userDirectory: config.brand.templates)
        message = try ReminderRenderer(templates: templates, brand: config.brand, maxSMSSegments: config.sms?.maxSegments ?? 3)
            .render(request)
    }
}
