import Foundation
import Logging
import OverdueConfig
import OverdueCore
import OverdueRender
import OverdueSpool
import OverdueTransports

/// When a delivery is tried again, and the fields its log lines carry.
extension Dispatcher {
    /// Exponential backoff with jitter between the configured bounds (by
    /// default 5 min, 10, 20, 40, then every 60), never before what the peer
    /// asked for.
    @discardableResult
    func postpone(_ key: String, notBefore: Date?, now: Date) -> DeliveryJournal.Deferral {
        let previous = deferred[key]
        let attempt = (previous?.attempt ?? 0) + 1
        let delay = Self.backoff(attempt: attempt, first: config.daemon.retryFirstSeconds, max: config.daemon.retryMaxSeconds)
        let backoff = now.addingTimeInterval(delay * Double.random(in: 0.8...1.0))
        let deferral = DeliveryJournal.Deferral(key: key, attempt: attempt, next: max(backoff, notBefore ?? backoff),
                                            first: previous?.first ?? now)
        deferred[key] = deferral
        return deferral
    }

    /// Seconds before attempt `attempt + 1`: first × 2^(attempt-1), capped.
    static func backoff(attempt: Int, first: Int, max: Int) -> Double {
        min(Double(max), Double(first) * pow(2, Double(min(attempt, 30) - 1)))
    }

    static func fields(_ send: PlannedSend, attempt: Int) -> [String: JSONValue] {
        var fields: [String: JSONValue] = [
            "key": .string(send.key), "customer": .string(send.customer),
            "invoices": .array(send.invoices.map(JSONValue.string)), "stage": .string(send.stage),
            "channel": .string(send.channel.rawValue), "recipient": .string(send.recipient),
            "attempt": .number(Decimal(attempt)), "planned": .string(Timestamp.format(send.time)),
        ]
        if let from = send.fallbackFrom { fields["fallback_from"] = .string(from.rawValue) }
        // Which installments the letter is about ("M-1002#2"): `show` names them.
        if send.items.contains(where: { $0.item.installment != nil }) {
            fields["units"] = .array(send.items.map { .string($0.item.unitID) })
        }
        // Other overdue invoices the letter demands without moving their
        // ladder, and those not yet due it lists apart (DESIGN: `also_open`).
        for (name, listed) in [("also_demanded", send.otherOverdue), ("also_open", send.alsoOpen)] where !listed.isEmpty {
            var seen = Set<String>()
            fields[name] = .array(listed.map(\.item.invoice).filter { seen.insert($0).inserted }.map(JSONValue.string))
        }
        if let total = send.totals.first, send.totals.count == 1 {
            fields["total_due"] = .string(Money.format(total.totalDue, minorUnits: Currency.minorUnits(total.currency)))
            fields["currency"] = .string(total.currency)
        }
        if let rule = send.chargesRule { fields["charges_rule"] = .string(rule) }
        // What the law gives that the letter does not charge, and why (a rate
        // not yet in the table, a fixed sum in another currency): once each.
        var remarks: [String] = []
        for remark in send.items.flatMap(\.charges.remarks) where !remarks.contains(remark) { remarks.append(remark) }
        if !remarks.isEmpty { fields["charges_remarks"] = .array(remarks.map(JSONValue.string)) }
        // A receipt: the charges earlier letters stated, still owed or waived (the ledger's record of a waiver).
        for waived in [false, true] {
            let items = send.items.filter { $0.item.stage == PlannerSettings.thanksStage && $0.waived == waived && !$0.charges.isEmpty }
            guard let currency = items.first?.currency else { continue }
            let sum = items.reduce(Decimal(0)) { $0 + $1.charges.total }
            fields[waived ? "charges_waived" : "charges_owed"] = .string(Money.format(sum, minorUnits: Currency.minorUnits(currency)))
        }
        if let payBy = send.deadline { fields["pay_by"] = .string(payBy.description) }
        if !send.cc.isEmpty { fields["cc"] = .array(send.cc.map(JSONValue.string)) }
        if send.copy { fields["copy_to"] = send.to.map(JSONValue.string) ?? .null }
        return fields
    }
}
