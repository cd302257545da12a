import Crypto
import Foundation
import OverdueCalendar

/// An e-invoice → an inbox record (an invoice, or for a credit note a
/// payment against the invoice it corrects), naming the business terms
/// that are missing when it cannot be used.
public enum EInvoiceMapping {
    public struct Mapped: Sendable {
        public var record: InboxRecord
        /// Which rule gave the due date, for the log.
        public var note: String
    }

    public static func map(_ einvoice: EInvoice, defaultTermsDays: Int) -> Result<Mapped, EInvoiceReader.Refusal> {
        var missing: [String] = []
        if einvoice.number == nil { missing.append("BT-1 (invoice number) absent") }
        if einvoice.issueDate == nil { missing.append("BT-2 (issue date) absent or not a date") }
        if einvoice.currency == nil { missing.append("BT-5 (currency) absent") }
        if einvoice.payableAmount == nil { missing.append("BT-115 (amount due for payment) absent: no amount") }
        guard missing.isEmpty, let number = einvoice.number, let issued = einvoice.issueDate, let currency = einvoice.currency,
              let payable = einvoice.payableAmount else {
            return .failure(EInvoiceReader.Refusal(description: missing.joined(separator: "; ")))
        }
        if let problem = FieldRules.identifier(number) {
            return .failure(EInvoiceReader.Refusal(description: "BT-1 (invoice number) \(problem)"))
        }
        if let problem = FieldRules.currency(currency) {
            return .failure(EInvoiceReader.Refusal(description: "BT-5 (currency) \(problem)"))
        }

        // Credit notes (type 381) and negative totals reduce the invoice they correct.
        if einvoice.typeCode == "381" || payable < 0 {
            let amount = payable < 0 ? -payable : payable
            guard amount > 0 else {
                return .failure(EInvoiceReader.Refusal(description: "a credit note for 0 changes nothing"))
            }
            if let preceding = einvoice.precedingInvoice, FieldRules.identifier(preceding) == nil {
                return .success(Mapped(record: .event(.payment(invoice: preceding, amount: amount, date: issued,
                                                                reference: "credit note \(number)")),
                                       note: "credit note \(number) reduces invoice \(preceding) (BT-25) by \(amount) \(currency)"))
            }
            // No BT-25: the credit belongs to the customer, not to one invoice.
            guard let buyerName = einvoice.buyerName else {
                return .failure(EInvoiceReader.Refusal(description: "a credit note without BT-25 (preceding invoice) or BT-44 (buyer name): overdue cannot tell whose credit it is"))
            }
            let customer = einvoice.buyerID.flatMap { FieldRules.identifier($0) == nil ? $0 : nil } ?? stableID(buyerName)
            return .success(Mapped(record: .event(.credit(customer: customer, amount: amount, currency: currency,
                                                          reference: "credit note \(number)")),
                                   note: "credit note \(number) names no invoice (no BT-25): recorded as a credit of \(amount) \(currency) for customer \(customer)"))
        }

        let email = einvoice.buyerEmail.flatMap { FieldRules.email($0) == nil ? $0 : nil }
        let phone = einvoice.buyerPhone.map { $0.filter { !$0.isWhitespace && $0 != "-" && $0 != "/" } }
            .flatMap { FieldRules.phone($0) == nil ? $0 : nil }
        guard let buyerName = einvoice.buyerName, FieldRules.text(buyerName) == nil else {
            return .failure(EInvoiceReader.Refusal(description: "BT-44 (buyer name) absent"))
        }
        let customerID = einvoice.buyerID.flatMap { FieldRules.identifier($0) == nil ? $0 : nil } ?? stableID(buyerName)

        let due: CalendarDate
        let note: String
        if let stated = einvoice.dueDate {
            due = stated
            note = "due date from BT-9"
        } else if let terms = einvoice.paymentTerms, let days = termsDays(terms) {
            due = issued.adding(days: days)
            note = "no BT-9: due \(days) days after the issue date, from the payment terms (BT-20: \"\(terms.prefix(60))\")"
        } else {
            due = issued.adding(days: defaultTermsDays)
            note = "no BT-9 and no number of days in BT-20: due after [schedule].default_terms_days (\(defaultTermsDays)) from the issue date"
        }
        let amount = payable
        let customer = Customer(id: customerID, name: buyerName, email: email, phone: phone,
                                contact: einvoice.buyerContactName.flatMap { FieldRules.text($0) == nil ? $0 : nil },
                                country: einvoice.buyerCountry.map { $0.uppercased() }.flatMap { FieldRules.country($0) == nil ? $0 : nil },
                                vatID: einvoice.buyerVATID.flatMap { FieldRules.vatID($0) == nil ? $0 : nil })
        let invoice = Invoice(id: number, customer: customer, issued: issued, due: due, currency: currency,
                              amount: amount, balance: amount)
        var said = payable == 0 ? note + "; amount due 0: recorded as paid" : note
        if email == nil, phone == nil {
            // Accepted all the same: the customer directory supplies the
            // contact, by buyer id (BT-46) or VAT id (BT-48), before or after.
            said += "; no buyer e-mail (BT-58, BT-49 scheme EM) or phone: the contact comes from the customer directory, and reminders wait until it has one (customer \(customerID)\(customer.vatID.map { ", VAT id \($0)" } ?? ""))"
        }
        return .success(Mapped(record: .invoice(invoice), note: said))
    }

    /// "b-" and 12 hex digits of the SHA-256 of the buyer's name: the same
    /// buyer always gets the same customer id.
    static func stableID(_ name: String) -> String {
        let digest = SHA256.hash(data: Array(name.trimmingCharacters(in: .whitespaces).lowercased().utf8))
        return "b-" + Hex.lowercase(digest.prefix(6))
    }

    /// Days stated by payment terms: "Net 30", "30 Tage", "within 14 days",
    /// "30 jours"; "sofort"/"immediately"/"due on receipt" = 0. Structured
    /// XRechnung discount terms (#SKONTO#TAGE=7#…#) are discount periods, not
    /// the due date, and are ignored.
    static func termsDays(_ terms: String) -> Int? {
        var text = terms
        while let start = text.range(of: "#SKONTO#"), let end = text[start.upperBound...].range(of: "#\n") ?? text[start.upperBound...].range(of: "#", options: .backwards) {
            text.removeSubrange(start.lowerBound..<end.upperBound)
        }
        let lower = text.lowercased()
        let patterns = [#"net\s*(\d{1,3})"#, #"(\d{1,3})\s*(?:tage|tagen|days?|jours?|dagen|dage|dias|giorni)"#]
        for pattern in patterns {
            if let regex = try? NSRegularExpression(pattern: pattern),
               let match = regex.firstMatch(in: lower, range: NSRange(lower.startIndex..., in: lower)),
               let range = Range(match.range(at: 1), in: lower), let days = Int(lower[range]) {
                return days
            }
        }
        if ["sofort", "immediately", "due on receipt", "à réception", "upon receipt"].contains(where: lower.contains) { return 0 }
        return nil
    }
}
