import Foundation
import OverdueConfig
import OverdueCore

/// What a reminder says, before it is wrapped for a channel.
public struct ReminderMessage: Sendable, Equatable {
    public var subject: String
    public var text: String

    public init(subject: String, text: String) {
        self.subject = subject
        self.text = text
    }
}

/// Plain, courteous wording for each kind of stage, used until the branded
/// Mustache templates replace it (see templates/README.md). It states what a
/// debtor needs: which invoices, how much, since when, and who to contact.
public struct PlainRenderer: Sendable {
    public let brand: Brand

    public init(brand: Brand) {
        self.brand = brand
    }

    public func render(_ send: PlannedSend, contact: String?) -> ReminderMessage {
        let count = send.items.count
        let what = count == 1 ? "invoice \(send.items[0].item.invoice)" : "\(count) invoices"
        let preDue = send.items.allSatisfy { $0.daysOverdue < 0 }
        let subject: String
        let opening: String
        if send.final {
            subject = "Final notice: \(what) overdue"
            opening = "Despite our earlier reminders, the following remains unpaid. Please pay the total below now, or contact us today to agree how it will be settled."
        } else if preDue {
            subject = "Reminder: \(what) due soon"
            opening = "A friendly reminder that the following will soon be due for payment."
        } else {
            subject = "Payment reminder: \(what) overdue"
            opening = "Our records show the following as unpaid. If you have already paid, thank you and please ignore this message; if something is unclear, just reply."
        }
        var lines = ["Dear \(contact ?? send.customerName),", "", opening, ""]
        lines.append(pad("Invoice", 24) + pad("Due", 12) + pad("Amount", 18) + "Days overdue")
        var totals: [String: Decimal] = [:]
        for item in send.items {
            let label = item.item.installment.map { "\(item.item.invoice) (part \($0))" } ?? item.item.invoice
            let amount = "\(item.currency) \(Money.format(item.amount, minorUnits: Currency.minorUnits(item.currency)))"
            lines.append(pad(label, 24) + pad(item.due.description, 12) + pad(amount, 18) + (item.daysOverdue > 0 ? "\(item.daysOverdue)" : "-"))
            totals[item.currency, default: 0] += item.amount
        }
        lines.append("")
        for (currency, total) in totals.sorted(by: { $0.key < $1.key }) {
            lines.append("Total: \(currency) \(Money.format(total, minorUnits: Currency.minorUnits(currency)))")
        }
        lines += ["", "Kind regards,", brand.name]
        let contactLine = [brand.replyTo, brand.phone, brand.website].compactMap { $0 }.joined(separator: " · ")
        if !contactLine.isEmpty { lines.append(contactLine) }
        return ReminderMessage(subject: subject, text: lines.joined(separator: "\n") + "\n")
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
