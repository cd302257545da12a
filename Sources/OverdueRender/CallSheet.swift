import Foundation
import OverdueCore

/// The note kept for a `call` stage: what the person on the phone needs in
/// front of them. It goes to our own staff, not to the debtor, so it is
/// plain English text built here rather than a branded template.
public enum CallSheet {
    public static func text(_ request: RenderRequest) -> String {
        let customer = request.customer
        var lines = [
            "Call \(customer.name) (\(customer.id))" + (customer.contact.map { ", ask for \($0)" } ?? ""),
            "Phone: \(customer.phone ?? "none on file")" + (customer.email.map { ", e-mail: \($0)" } ?? ""),
            "Stage: \(request.send.stage) (policy \(request.policy.name)), \(request.today)",
            "",
            "Open invoices:",
        ]
        func line(_ item: PlannedItem) -> String {
            let units = Currency.minorUnits(item.currency)
            let charges = item.charges.isEmpty ? "" : " + charges \(Money.format(item.charges.total, minorUnits: units))"
            return "  \(item.item.unitID)  \(item.currency) \(Money.format(item.amount, minorUnits: units))\(charges)  due \(item.due), "
                + LetterWords.daysOverdue(item.daysOverdue, language: "en")
                + (request.invoices[item.item.invoice]?.paymentURL.map { "  pay: \($0)" } ?? "")
        }
        lines += request.send.demanded.map(line)
        for total in request.send.totals {
            lines.append("  Total now due: \(total.currency) \(Money.format(total.totalDue, minorUnits: Currency.minorUnits(total.currency)))")
        }
        if !request.send.alsoOpen.isEmpty {
            lines.append("")
            lines.append("Also open (not part of this call):")
            lines += request.send.alsoOpen.map(line)
        }
        if !request.earlier.isEmpty {
            lines.append("")
            lines.append("Reminded before:")
            for reminder in request.earlier { lines.append("  \(reminder.date)  \(reminder.stage) by \(reminder.channel.rawValue)") }
        }
        lines.append("")
        lines.append("When done: overdue calls done \(customer.id) --note \"what was agreed\"")
        return lines.joined(separator: "\n") + "\n"
    }
}
