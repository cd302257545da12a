import Foundation
import OverdueConfig
import OverdueCore
import OverdueSpool

/// `overdue plan`: the timeline the daemon would follow if nothing changed,
/// from the spool as it is (read-only, no lock).
public struct PlanView {
    public let sends: [PlannedSend]
    let calendars: BusinessCalendars
    /// What waits for approval at the start, and what the controls hold
    /// back (excluded, no contact yet, stale payment feed, …).
    public let pending: [PendingApproval]
    public let held: [HeldItem]
    /// Letters a person has approved already (`overdue approve`): they go
    /// at their window, nothing waits for approval any more.
    let approved: Set<String>

    public init(config: Config, from start: Date, days: Int) throws {
        let spool = Spool(root: config.spool.dir)
        let ledger = spool.exists ? try LedgerStore.replay(spool: spool).ledger : Ledger()
        let history = spool.exists ? try SentJournal.replay(spool: spool).history : DeliveryHistory()
        let planner = Planner(settings: config.plannerSettings)
        calendars = planner.calendars
        approved = Set(ledger.approvals.compactMap { key, decision in
            if case .approve = decision { key } else { nil }
        })
        (sends, pending, held) = planner.timelineAndStart(ledger: ledger, history: history, from: start,
                                                          until: start.addingTimeInterval(Double(days) * 86_400))
        // The planner says whose language has no templates; the letter is then in the fallback.
        var fallbacks: [String: String] = [:]
        for send in sends where fallbacks[send.customer] == nil {
            guard let invoice = send.invoices.first.flatMap({ ledger[$0]?.invoice }), let fallback = config.brand.fallbackLanguage,
                  let missing = planner.missingLanguage(ledger.directory.effective(for: invoice).customer) else { continue }
            fallbacks[send.customer] = "written in \(fallback): the customer's language \(missing) has no templates ([brand] fallback_language)"
        }
        languageFallbacks = fallbacks
    }

    /// Per customer: the letter is written in `[brand] fallback_language`, and why.
    let languageFallbacks: [String: String]

    /// The NOTE column: a holiday that moved the send, approval, a Cc copy.
    public func note(_ send: PlannedSend) -> String {
        [awaitsApproval(send) && !send.copy ? "needs approval (overdue approve)" : nil, holidayNote(send),
         languageFallbacks[send.customer],
         send.copy ? (letterNeedsApproval(send) ? "Cc copy, waits with its letter for approval" : "Cc copy") : nil]
            .compactMap { $0 }.joined(separator: "; ")
    }

    /// Whether a letter still waits for a person (its stage asks for
    /// approval and nobody has approved it yet).
    func awaitsApproval(_ send: PlannedSend) -> Bool { send.needsApproval && !approved.contains(send.key) }

    /// A copy goes with its letter: when the letter waits for approval, so does it.
    func letterNeedsApproval(_ copy: PlannedSend) -> Bool {
        sends.contains { !$0.copy && awaitsApproval($0) && $0.customer == copy.customer && $0.stage == copy.stage
            && $0.channel == copy.channel && $0.time == copy.time }
    }

    /// Why a send is later than its stage's day, when a holiday moved it:
    /// "moved from 2027-05-17: Pentecost Monday (DE)".
    public func holidayNote(_ send: PlannedSend) -> String? {
        guard let lead = send.items.first else { return nil }
        let calendar = calendars.calendar(for: send.timeZone, country: send.country)
        let nominal = lead.due.adding(days: lead.stageOffsetDays)
        let moved = calendar.localDay(calendar.firstWindowStart(onOrAfter: nominal))
        let names = calendars.holidays(from: nominal, until: moved, country: send.country)
        guard !names.isEmpty else { return nil }
        return "moved from \(nominal): " + names.map { "\($0.date) \($0.name)" }.joined(separator: ", ")
    }

    /// `overdue plan --json` (README, "Commands"): each send with its key, the debtor-local time and the items.
    public var json: JSONValue {
        .array(sends.map { send in
            .object([
                "time": .string(Timestamp.format(send.time)),
                "local_time": .string(localTime(send)),
                "customer": .string(send.customer),
                "invoices": .array(send.invoices.map(JSONValue.string)),
                "stage": .string(send.stage),
                "channel": .string(send.channel.rawValue),
                "recipient": .string(send.recipient),
                "key": .string(send.key),
                "moved": holidayNote(send).map(JSONValue.string) ?? .null,
                "language_fallback": languageFallbacks[send.customer].map(JSONValue.string) ?? .null,
                "needs_approval": .bool(send.copy ? letterNeedsApproval(send) : awaitsApproval(send)),
                "also_demanded": .array(Array(Set(send.otherOverdue.map(\.item.invoice))).sorted().map(JSONValue.string)),
                "items": .array(send.items.map { item in
                    var object: [String: JSONValue] = [
                        "invoice": .string(item.item.invoice), "stage": .string(item.item.stage),
                        "amount": .string(Money.format(item.amount, minorUnits: Currency.minorUnits(item.currency))),
                        "currency": .string(item.currency), "due": .string(item.due.description),
                        "days_overdue": .number(Decimal(item.daysOverdue)),
                    ]
                    object["installment"] = item.item.installment.map { .number(Decimal($0)) }
                    return .object(object)
                }),
            ])
        })
    }

    /// "2027-03-23 09:00 America/New_York".
    public func localTime(_ send: PlannedSend) -> String {
        // "2027-03-23 09:00 America/New_York", from the zone's offset at that
        // instant: a format style per send was a second of a large plan.
        let zone = calendars.calendar(for: send.timeZone).timeZone
        let local = Int(send.time.timeIntervalSince1970.rounded(.down)) + zone.secondsFromGMT(for: send.time)
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let minutes = (local - days * 86_400) / 60
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(CalendarDate(daysSinceEpoch: days)) \(two(minutes / 60)):\(two(minutes % 60)) \(zone.identifier)"
    }
}
