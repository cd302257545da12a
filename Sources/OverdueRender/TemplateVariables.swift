/// Every variable a template may use, with an example. `overdue check`
/// refuses templates that use any other name, and docs/templates.md lists
/// the same table (a test keeps the two in step).
public enum TemplateVariables {
    public struct Variable: Sendable {
        public var name: String
        public var example: String
        public var meaning: String
    }

    public static let all: [Variable] = [
        Variable(name: "brand.name", example: "Northwind Supplies Ltd", meaning: "[brand].name"),
        Variable(name: "brand.from", example: "Northwind Accounts <accounts@northwind.example>", meaning: "[brand].from"),
        Variable(name: "brand.reply_to", example: "ar@northwind.example", meaning: "[brand].reply_to"),
        Variable(name: "brand.phone", example: "+44 20 7946 0000", meaning: "[brand].phone"),
        Variable(name: "brand.website", example: "https://northwind.example", meaning: "[brand].website"),
        Variable(name: "brand.logo_url", example: "https://northwind.example/logo.png", meaning: "[brand].logo_url"),
        Variable(name: "brand.color", example: "#0B5FFF", meaning: "[brand].color (default #1F2937)"),
        Variable(name: "brand.address", example: "1 Quay St, London", meaning: "[brand].address"),
        Variable(name: "brand.unsubscribe_url", example: "https://northwind.example/optout", meaning: "[brand].unsubscribe_url"),
        Variable(name: "customer.id", example: "acme", meaning: "the debtor's id"),
        Variable(name: "customer.name", example: "Acme GmbH", meaning: "the debtor's name"),
        Variable(name: "customer.contact", example: "Jane Doe", meaning: "the contact person, if given"),
        Variable(name: "customer.email", example: "ap@acme.example", meaning: "the debtor's e-mail"),
        Variable(name: "customer.phone", example: "+4915112345678", meaning: "the debtor's phone"),
        Variable(name: "greeting_name", example: "Jane Doe", meaning: "the contact, else the customer name"),
        Variable(name: "language", example: "de", meaning: "the template language used"),
        Variable(name: "stage", example: "firm", meaning: "the message's stage (the most advanced of its invoices)"),
        Variable(name: "final", example: "true", meaning: "section: the stage is a final demand"),
        Variable(name: "pre_due", example: "false", meaning: "section: no invoice in the message is due yet"),
        Variable(name: "invoices", example: "(list)", meaning: "section: each invoice or installment in the message"),
        Variable(name: "number", example: "INV-2026-0042", meaning: "in invoices: the invoice number"),
        Variable(name: "installment", example: "2", meaning: "in invoices: the installment number, if it is one"),
        Variable(name: "is_installment", example: "true", meaning: "in invoices: section, this is one installment"),
        Variable(name: "issued", example: "1 November 2026", meaning: "in invoices: issue date, formatted"),
        Variable(name: "due", example: "1 December 2026", meaning: "in invoices: due date, formatted"),
        Variable(name: "due_iso", example: "2026-12-01", meaning: "in invoices: due date, YYYY-MM-DD"),
        Variable(name: "amount", example: "1.200,00 €", meaning: "in invoices: the open amount, formatted"),
        Variable(name: "amount_plain", example: "1200.00", meaning: "in invoices: the open amount as a decimal"),
        Variable(name: "currency", example: "EUR", meaning: "the currency (of the message, or in invoices of the invoice)"),
        Variable(name: "days_overdue", example: "8", meaning: "in invoices: days past due (0 or less: not yet due)"),
        Variable(name: "overdue", example: "true", meaning: "in invoices: section, past due"),
        Variable(name: "payment_url", example: "https://pay.example/INV-2026-0042", meaning: "the link to pay (per invoice, or the message's when all share one)"),
        Variable(name: "has_payment_url", example: "true", meaning: "section: there is one payment link for the whole message"),
        Variable(name: "has_discount", example: "true", meaning: "in invoices: section, an early-payment discount applies"),
        Variable(name: "discount_percent", example: "2", meaning: "in invoices: the discount in percent"),
        Variable(name: "discount_until", example: "10 November 2026", meaning: "in invoices: pay by this date for the discount"),
        Variable(name: "discounted_amount", example: "1.176,00 €", meaning: "in invoices: the amount if paid in time"),
        Variable(name: "fee", example: "10,00 €", meaning: "in invoices: the flat late fee of the stage"),
        Variable(name: "interest", example: "3,20 €", meaning: "in invoices: statutory interest so far"),
        Variable(name: "compensation", example: "40,00 €", meaning: "in invoices: fixed compensation"),
        Variable(name: "late_charges", example: "true", meaning: "section: late fees or interest apply (top level or per invoice)"),
        Variable(name: "total_due", example: "1.253,20 €", meaning: "the amount with late charges (message, or per invoice)"),
        Variable(name: "invoice_count", example: "3", meaning: "how many invoices or installments"),
        Variable(name: "multiple", example: "true", meaning: "section: more than one invoice"),
        Variable(name: "total", example: "3.450,00 €", meaning: "the total open amount (one currency)"),
        Variable(name: "total_plain", example: "3450.00", meaning: "the total as a decimal"),
        Variable(name: "totals", example: "(list)", meaning: "section: one {currency, amount} per currency"),
        Variable(name: "fee_total", example: "10,00 €", meaning: "sum of late fees"),
        Variable(name: "interest_total", example: "9,60 €", meaning: "sum of interest"),
        Variable(name: "compensation_total", example: "120,00 €", meaning: "sum of compensation"),
        Variable(name: "total_due_plain", example: "3589.60", meaning: "total with late charges as a decimal"),
        Variable(name: "interest_rate", example: "12,15 %", meaning: "the yearly interest rate"),
        Variable(name: "earlier_reminders", example: "(list)", meaning: "section: each earlier reminder about these invoices"),
        Variable(name: "has_earlier_reminders", example: "true", meaning: "section: there were earlier reminders"),
        Variable(name: "date", example: "23 March 2027", meaning: "in earlier_reminders: when it was sent"),
        Variable(name: "date_iso", example: "2027-03-23", meaning: "in earlier_reminders: the date as YYYY-MM-DD"),
        Variable(name: "channel", example: "email", meaning: "in earlier_reminders: how it was sent; top level: this message's channel"),
        Variable(name: "deadline", example: "19 April 2027", meaning: "the final demand's payment deadline"),
        Variable(name: "deadline_iso", example: "2027-04-19", meaning: "the deadline as YYYY-MM-DD"),
        Variable(name: "consequence", example: "we will pass the matter to our collection agency", meaning: "[[policy]].consequence"),
        Variable(name: "has_consequence", example: "true", meaning: "section: a consequence is configured"),
        Variable(name: "today", example: "12 April 2027", meaning: "the date of the message"),
        Variable(name: "today_iso", example: "2027-04-12", meaning: "the date as YYYY-MM-DD"),
        Variable(name: "opt_out_email", example: "reply with \"unsubscribe\"", meaning: "how to stop e-mail reminders"),
        Variable(name: "opt_out_sms", example: "Reply STOP to opt out", meaning: "how to stop SMS"),
        Variable(name: "unsubscribe_mailto", example: "mailto:ar@northwind.example?subject=unsubscribe", meaning: "mailto link to opt out"),
        Variable(name: "key", example: "od1-0f3a…", meaning: "the message's idempotency key"),
        Variable(name: "customer_id", example: "acme", meaning: "the debtor's id (plain, for webhooks)"),
    ]

    /// Names a template may use as the first part of a dotted name.
    public static let rootNames: Set<String> = Set(all.map { String($0.name.split(separator: ".")[0]) })
        .union([".", ""])  // "." is the current item; "" carries first()/last()/index() in lists
}
