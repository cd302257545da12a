import Foundation
import OverdueCalendar
import OverdueConfig
import OverdueCore
import OverdueSpool

/// `overdue plan`: the timeline the daemon would follow if nothing changed,
/// from the spool as it is (read-only, no lock).
public struct PlanView {
    public let sends: [PlannedSend]
    /// The view formats what the planner decided (each send carries its approval and holiday move).
    let planner: Planner
    /// What waits for approval at the start, and what the controls hold
    /// back (excluded, no contact yet, stale payment feed, …).
    public let pending: [PendingApproval]
    public let held: [HeldItem]

    public init(config: Config, from start: Date, days: Int) throws {
        let spool = Spool(root: config.spool.dir)
        let ledger = spool.exists ? try LedgerStore.replay(spool: spool).ledger : Ledger()
        let history = spool.exists ? try DeliveryJournal.replay(spool: spool).history : DeliveryHistory()
        let planner = Planner(settings: config.plannerSettings)
        self.planner = planner
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
        let waits = send.approval == .needed
        return [waits && !send.copy ? "needs approval (overdue approve)" : nil, holidayNote(send),
                languageFallbacks[send.customer],
                send.copy ? (waits ? "Cc copy, waits with its letter for approval" : "Cc copy") : nil]
            .compactMap { $0 }.joined(separator: "; ")
    }

    /// "moved from 2027-05-17: 2027-05-17 Pentecost Monday".
    public func holidayNote(_ send: PlannedSend) -> String? {
        send.movedBy.map { move in
            "moved from \(move.from): " + move.holidays.map { "\($0.date) \($0.name)" }.joined(separator: ", ")
        }
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
                "needs_approval": .bool(send.approval == .needed),
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
        let zone = planner.calendars.calendar(for: send.timeZone).timeZone
        let local = Int(send.time.timeIntervalSince1970.rounded(.down)) + zone.secondsFromGMT(for: send.time)
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let minutes = (local - days * 86_400) / 60
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(CalendarDate(daysSinceEpoch: days)) \(two(minutes / 60)):\(two(minutes % 60)) \(zone.identifier)"
    }
}
