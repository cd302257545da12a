import Foundation
import OverdueConfig
import OverdueCore

/// The variables of one message (documented in `TemplateVariables`), as the
/// dictionary Mustache renders.
struct ReminderContext {
    let dictionary: [String: Any]

    init(request: RenderRequest, brand: Brand, language: String) {
        let format = LocaleFormat(language: request.customer.language ?? brand.language ?? language)
        let send = request.send
        var items: [[String: Any]] = []
        var totals: [String: Decimal] = [:]
        var charges: [String: LateCharges] = [:]
        var paymentURLs = Set<String>()
        for item in send.items {
            let invoice = request.invoices[item.item.invoice]
            let itemCharges = LateCharges.compute(policy: request.policy, stage: send.stage, amount: item.amount,
                                                  currency: item.currency, due: item.due, today: request.today)
            totals[item.currency, default: 0] += item.amount
            charges[item.currency, default: LateCharges()].fee += itemCharges.fee
            charges[item.currency, default: LateCharges()].interest += itemCharges.interest
            charges[item.currency, default: LateCharges()].compensation += itemCharges.compensation
            var fields: [String: Any] = [
                "number": item.item.invoice,
                "is_installment": item.item.installment != nil,
                "due": format.date(item.due),
                "due_iso": item.due.description,
                "amount": format.money(item.amount, item.currency),
                "amount_plain": Money.format(item.amount, minorUnits: Currency.minorUnits(item.currency)),
                "currency": item.currency,
                "days_overdue": item.daysOverdue,
                "overdue": item.daysOverdue > 0,
                "stage": item.item.stage,
                "late_charges": !itemCharges.isEmpty,
                "total_due": format.money(item.amount + itemCharges.total, item.currency),
            ]
            // Only charges that apply, so `{{#fee}}` shows nothing for no fee.
            if itemCharges.fee > 0 { fields["fee"] = format.money(itemCharges.fee, item.currency) }
            if itemCharges.interest > 0 { fields["interest"] = format.money(itemCharges.interest, item.currency) }
            if itemCharges.compensation > 0 { fields["compensation"] = format.money(itemCharges.compensation, item.currency) }
            if let installment = item.item.installment { fields["installment"] = installment }
            if let invoice {
                fields["issued"] = format.date(invoice.issued)
                if let url = invoice.paymentURL {
                    fields["payment_url"] = url
                    paymentURLs.insert(url)
                }
                if let percent = invoice.discountPercent, let until = invoice.discountUntil, until >= request.today {
                    var discounted = item.amount * (100 - percent) / 100
                    var rounded = Decimal()
                    NSDecimalRound(&rounded, &discounted, Currency.minorUnits(item.currency), .plain)
                    fields["has_discount"] = true
                    fields["discount_percent"] = "\(percent)"
                    fields["discount_until"] = format.date(until)
                    fields["discounted_amount"] = format.money(rounded, item.currency)
                }
            }
            items.append(fields)
        }

        let deadline = request.today.adding(days: request.policy.finalDeadlineDays)
        let optOutAddress = brand.replyTo ?? FieldRules.mailboxAddress(brand.from)
        var context: [String: Any] = [
            "brand": Self.brandFields(brand),
            "customer": Self.present([
                "id": request.customer.id, "name": request.customer.name, "contact": request.customer.contact,
                "email": request.customer.email, "phone": request.customer.phone,
            ]),
            "customer_id": request.customer.id,
            "greeting_name": request.customer.contact ?? request.customer.name,
            "language": language,
            "stage": send.stage,
            "channel": send.channel.rawValue,
            "final": send.final,
            "pre_due": send.items.allSatisfy { $0.daysOverdue <= 0 },
            "invoices": items,
            "invoice_count": items.count,
            "multiple": items.count > 1,
            "totals": totals.sorted { $0.key < $1.key }.map { currency, amount in
                ["currency": currency, "amount": format.money(amount, currency),
                 "amount_plain": Money.format(amount, minorUnits: Currency.minorUnits(currency))]
            },
            "earlier_reminders": request.earlier.map {
                ["date": format.date($0.date), "date_iso": $0.date.description, "stage": $0.stage, "channel": Self.channelName($0.channel, language: language)] as [String: Any]
            },
            "has_earlier_reminders": !request.earlier.isEmpty,
            "deadline": format.date(deadline),
            "deadline_iso": deadline.description,
            "has_consequence": request.policy.consequence.text(for: language, fallbackLanguage: "en") != nil,
            "today": format.date(request.today),
            "today_iso": request.today.description,
            "opt_out_email": Self.optOutEmail(language: language, address: optOutAddress),
            "opt_out_sms": Self.optOutSMS(language: language),
            "unsubscribe_mailto": "mailto:\(optOutAddress)?subject=unsubscribe",
            "key": send.key,
        ]
        if let consequence = request.policy.consequence.text(for: language, fallbackLanguage: "en") { context["consequence"] = consequence }
        if paymentURLs.count == 1 {
            context["payment_url"] = paymentURLs.first!
            context["has_payment_url"] = true
        }
        if totals.count == 1, let (currency, total) = totals.first {
            let charge = charges[currency] ?? LateCharges()
            context["currency"] = currency
            context["total"] = format.money(total, currency)
            context["total_plain"] = Money.format(total, minorUnits: Currency.minorUnits(currency))
            context["late_charges"] = !charge.isEmpty
            context["fee_total"] = format.money(charge.fee, currency)
            context["interest_total"] = format.money(charge.interest, currency)
            context["compensation_total"] = format.money(charge.compensation, currency)
            context["total_due"] = format.money(total + charge.total, currency)
            context["total_due_plain"] = Money.format(total + charge.total, minorUnits: Currency.minorUnits(currency))
        }
        if let rate = request.policy.interestRatePercent { context["interest_rate"] = format.percent(rate) }
        dictionary = context
    }

    static func brandFields(_ brand: Brand) -> [String: Any] {
        present([
            "name": brand.name, "from": brand.from, "reply_to": brand.replyTo, "phone": brand.phone,
            "website": brand.website, "logo_url": brand.logoURL, "color": brand.color ?? "#1F2937",
            "address": brand.address, "unsubscribe_url": brand.unsubscribeURL,
        ])
    }

    /// Drops absent values: in Mustache any present value, even "", opens a
    /// section, so `{{#brand.phone}}` must only see a phone that exists.
    static func present(_ fields: [String: String?]) -> [String: Any] {
        fields.compactMapValues { value in value.flatMap { $0.isEmpty ? nil : $0 } }
    }

    static func optOutEmail(language: String, address: String) -> String {
        switch language {
        case "de": "Wenn Sie keine Zahlungserinnerungen per E-Mail mehr erhalten möchten, antworten Sie mit „abmelden“ an \(address)."
        case "fr": "Pour ne plus recevoir de rappels par e-mail, répondez « désinscription » à \(address)."
        default: "To stop payment reminders by e-mail, reply with \"unsubscribe\" to \(address)."
        }
    }

    /// How a channel is named in a sentence ("by e-mail").
    static func channelName(_ channel: Channel, language: String) -> String {
        switch (channel, language) {
        case (.email, "de"): "E-Mail"
        case (.sms, "de"), (.sms, "fr"): "SMS"
        case (.webhook, "de"): "Buchhaltungssystem"
        case (.webhook, "fr"): "système comptable"
        case (.call, "de"): "Telefon"
        case (.call, "fr"): "téléphone"
        case (.call, _): "phone"
        case (.email, _): "e-mail"
        case (.sms, _): "text message"
        case (.webhook, _): "account system"
        }
    }

    static func optOutSMS(language: String) -> String {
        switch language {
        case "de": "STOP zum Abmelden"
        case "fr": "STOP pour arreter"
        default: "Reply STOP to opt out"
        }
    }
}
