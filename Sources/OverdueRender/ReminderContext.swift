import Foundation
import OverdueConfig
import OverdueCore

/// The variables of one message (documented in `TemplateVariables`), as the
/// dictionary Mustache renders.
///
/// Every figure comes from the plan (`send.items`, `send.totals`): the
/// planner computed each item's charges once, so the sentence, the table
/// and the webhook state the same total. Every invoice entry carries every
/// key the templates use, absent values as "" or `false`: swift-mustache
/// looks a key missing inside `{{#invoices}}` up in the outer context, and
/// an invoice without a link once showed another invoice's link.
struct ReminderContext {
    let dictionary: [String: Any]

    init(request: RenderRequest, brand: Brand, locale: LetterLocale) {
        let language = locale.language
        let format = LocaleFormat(language: locale.identifier)
        let brandLanguage = Self.primary(brand.language) ?? "en"
        let send = request.send
        // The one table: the stage's units and every other overdue one.
        let items = send.demanded.map { Self.itemFields($0, request: request, format: format, language: language, brandLanguage: brandLanguage) }
        let alsoOpen = send.alsoOpen.map { Self.itemFields($0, request: request, format: format, language: language, brandLanguage: brandLanguage) }
        let links = Set(send.demanded.map { request.invoices[$0.item.invoice]?.paymentURL ?? "" })
        // One link for the whole message only when every demanded item has
        // that same link; otherwise each invoice shows its own (or none).
        let sharedLink = links.count == 1 ? links.first.flatMap { $0.isEmpty ? nil : $0 } : nil
        let totals = send.totals
        let single = totals.count == 1 ? totals[0] : nil
        let consequence = request.policy.consequence.text(for: language, fallbackLanguage: brandLanguage)
        let optOutAddress = brand.replyTo ?? FieldRules.mailboxAddress(brand.from)
        var context: [String: Any] = [
            "brand": Self.brandFields(brand),
            "customer": Self.present([
                "id": request.customer.id, "name": request.customer.name, "contact": request.customer.contact,
                "email": request.customer.email, "phone": request.customer.phone,
            ]),
            "customer_id": request.customer.id,
            "greeting_name": request.customer.contact ?? request.customer.name,
            "salutation": LetterWords.salutation(contact: request.customer.contact, override: request.customer.salutation,
                                                 language: language, region: Self.region(locale.identifier)),
            "language": language,
            "stage": send.stage,
            "stage_label": LetterWords.stageLabel(send.stage, policy: request.policy, language: language, brandLanguage: brandLanguage),
            "channel": send.channel.rawValue,
            "final": send.final,
            "pre_due": send.demanded.allSatisfy { $0.daysOverdue <= 0 },
            "invoices": items,
            "invoice_count": items.count,
            "invoice_count_text": LetterWords.invoiceCount(items.count, language: language),
            "multiple": items.count > 1,
            "also_open": alsoOpen,
            "has_also_open": !alsoOpen.isEmpty,
            "totals": totals.map { Self.totalFields($0, format: format) },
            "has_total": single != nil,
            "payment_url": sharedLink ?? "",
            // What a bank transfer quotes: each demanded invoice once (its
            // installments share its number).
            "payment_reference": Self.unique(send.demanded.map(\.item.invoice)).joined(separator: ", "),
            "has_payment_url": sharedLink != nil,
            "earlier_reminders": request.earlier.map {
                ["date": format.date($0.date), "date_iso": $0.date.description, "stage": $0.stage,
                 "stage_label": LetterWords.stageLabel($0.stage, policy: request.policy, language: language, brandLanguage: brandLanguage),
                 "channel": LetterWords.channelName($0.channel, language: language)] as [String: Any]
            },
            "has_earlier_reminders": !request.earlier.isEmpty,
            "has_deadline": send.deadline != nil,
            "deadline": send.deadline.map(format.date) ?? "",
            "deadline_iso": send.deadline?.description ?? "",
            // A broken-promise letter: the promise it cites.
            "promised_date": send.promise.map { format.date($0.date) } ?? "",
            "promised_date_iso": send.promise?.date.description ?? "",
            "promised_amount": send.promise?.amount.map { format.money($0, send.items.first?.currency ?? "") } ?? "",
            "has_promised_amount": send.promise?.amount != nil,
            "consequence": consequence ?? "",
            "has_consequence": consequence != nil,
            "interest_rate": request.policy.interestRatePercent.map(format.percent) ?? "",
            "has_interest_rate": request.policy.interestRatePercent != nil,
            "charges_by_law": request.policy.statutoryCharges,
            "today": format.date(request.today),
            "today_iso": request.today.description,
            "opt_out_email": LetterWords.optOutEmail(language: language, address: optOutAddress),
            "opt_out_sms": LetterWords.optOutSMS(language: language),
            "unsubscribe_mailto": "mailto:\(optOutAddress)?subject=unsubscribe",
            "key": send.key,
            "attachments": request.documents.attached.map { Self.documentFields($0, format: format) },
            "has_attachments": !request.documents.attached.isEmpty,
            "documents_on_request": request.documents.onRequest.map { Self.documentFields($0, format: format) },
            "has_documents_on_request": !request.documents.onRequest.isEmpty,
        ]
        // The one-currency figures; with several currencies only `totals`
        // states them, and `has_total` is false.
        let total = single.map { Self.totalFields($0, format: format) } ?? [:]
        context["currency"] = single?.currency ?? ""
        context["total"] = total["amount"] ?? ""
        context["total_plain"] = total["amount_plain"] ?? ""
        context["total_due"] = total["total_due"] ?? ""
        context["total_due_plain"] = total["total_due_plain"] ?? ""
        context["fee_total"] = total["fee_total"] ?? ""
        context["interest_total"] = total["interest_total"] ?? ""
        context["compensation_total"] = total["compensation_total"] ?? ""
        context["late_charges"] = totals.contains { !$0.charges.isEmpty }
        context["charges_total"] = total["charges_total"] ?? ""
        // A receipt whose policy waives the charges earlier letters stated.
        let waived = send.items.filter(\.waived).reduce(Decimal(0)) { $0 + $1.charges.total }
        context["has_charges_waived"] = waived > 0 && single != nil
        context["charges_waived"] = single.map { waived > 0 ? format.money(waived, $0.currency) : "" } ?? ""
        dictionary = context
    }

    /// One invoice or installment, demanded or also open, with every key.
    static func itemFields(_ item: PlannedItem, request: RenderRequest, format: LocaleFormat, language: String,
                           brandLanguage: String) -> [String: Any] {
        let invoice = request.invoices[item.item.invoice]
        let charges = item.charges
        let units = Currency.minorUnits(item.currency)
        let money = { (value: Decimal) in format.money(value, item.currency) }
        var fields: [String: Any] = [
            "number": item.item.invoice,
            "is_installment": item.item.installment != nil,
            "installment": item.item.installment.map(String.init) ?? "",
            "issued": invoice.map { format.date($0.issued) } ?? "",
            "due": format.date(item.due),
            "due_iso": item.due.description,
            "amount": money(item.amount),
            "amount_plain": Money.format(item.amount, minorUnits: units),
            "currency": item.currency,
            "days_overdue": item.daysOverdue,
            "days_overdue_text": LetterWords.daysOverdue(item.daysOverdue, language: language),
            "overdue": item.daysOverdue > 0,
            "stage": item.item.stage,
            "stage_label": item.item.stage.isEmpty ? ""
                : LetterWords.stageLabel(item.item.stage, policy: request.policy, language: language, brandLanguage: brandLanguage),
            "late_charges": !charges.isEmpty && !item.waived,
            "has_fee": charges.fee > 0,
            "fee": charges.fee > 0 ? money(charges.fee) : "",
            "has_interest": charges.interest > 0,
            "interest": charges.interest > 0 ? money(charges.interest) : "",
            "has_compensation": charges.compensation > 0,
            "compensation": charges.compensation > 0 ? money(charges.compensation) : "",
            "has_charges_paid": charges.paid > 0,
            "charges_paid": charges.paid > 0 ? money(charges.paid) : "",
            "has_charges_paid_elsewhere": charges.paidElsewhere > 0,
            "charges_paid_elsewhere": charges.paidElsewhere > 0 ? money(charges.paidElsewhere) : "",
            "has_dispute": !item.disputes.isEmpty,
            "dispute_periods": item.disputes.map { "\(format.date($0.from)) – \(format.date($0.until))" }.joined(separator: ", "),
            "interest_during_dispute": request.policy.interestDuringDispute,
            "total_due": money(item.totalDue),
            "total_due_plain": Money.format(item.totalDue, minorUnits: units),
            "payment_url": invoice?.paymentURL ?? "",
            "has_payment_url": invoice?.paymentURL?.isEmpty == false,
            "has_discount": false,
            "discount_percent": "",
            "discount_until": "",
            "discounted_amount": "",
        ]
        if let invoice, let percent = invoice.discountPercent, let until = invoice.discountUntil, until >= request.today {
            var discounted = item.amount * (100 - percent) / 100
            var rounded = Decimal()
            NSDecimalRound(&rounded, &discounted, units, .plain)
            fields["has_discount"] = true
            fields["discount_percent"] = "\(percent)"
            fields["discount_until"] = format.date(until)
            fields["discounted_amount"] = money(rounded)
        }
        fields.merge(interestPeriodFields(item, request: request, format: format, language: language)) { $1 }
        return fields
    }

    /// One currency's demanded figures, as `send.totals` has them.
    static func totalFields(_ total: LetterTotal, format: LocaleFormat) -> [String: Any] {
        let units = Currency.minorUnits(total.currency)
        return [
            "currency": total.currency,
            "amount": format.money(total.amount, total.currency),
            "amount_plain": Money.format(total.amount, minorUnits: units),
            "late_charges": !total.charges.isEmpty,
            "fee_total": format.money(total.charges.fee, total.currency),
            "interest_total": format.money(total.charges.interest, total.currency),
            "compensation_total": format.money(total.charges.compensation, total.currency),
            "charges_total": format.money(total.charges.total, total.currency),
            "total_due": format.money(total.totalDue, total.currency),
            "total_due_plain": Money.format(total.totalDue, minorUnits: units),
        ]
    }

    /// One invoice PDF: its file, size and the invoices it belongs to.
    static func documentFields(_ document: LetterDocument, format: LocaleFormat) -> [String: Any] {
        [
            "file_name": document.name, "size": document.size, "sha256": document.sha256,
            "number": document.invoices.joined(separator: ", "),
            "size_text": format.fileSize(document.size),
        ]
    }

    /// "US" of "en-US"; nil without a region.
    static func region(_ identifier: String) -> String? {
        let parts = identifier.split(whereSeparator: { $0 == "-" || $0 == "_" })
        return parts.count > 1 ? String(parts[parts.count - 1]).uppercased() : nil
    }

    static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }

    /// "en" of "en-GB"; nil for no tag.
    static func primary(_ tag: String?) -> String? {
        tag?.split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map { $0.lowercased() }
    }

    static func brandFields(_ brand: Brand) -> [String: Any] {
        present([
            "name": brand.name, "from": brand.from, "reply_to": brand.replyTo, "phone": brand.phone,
            "website": brand.website, "logo_url": brand.logoURL, "color": brand.color ?? "#1F2937",
            "address": brand.address, "unsubscribe_url": brand.unsubscribeURL,
            "iban": brand.bank?.printedIBAN, "bic": brand.bank?.bic, "account_holder": brand.bank?.holder,
        ])
    }

    /// Drops absent values: in Mustache any present value, even "", opens a
    /// section, so `{{#brand.phone}}` must only see a phone that exists.
    /// (Brand and customer fields are only read by dotted names, which never
    /// fall back to an outer context.)
    static func present(_ fields: [String: String?]) -> [String: Any] {
        fields.compactMapValues { value in value.flatMap { $0.isEmpty ? nil : $0 } }
    }
}
