import Foundation
import OverdueCore

extension ShowCommand {
    /// `show CUSTOMER`: the directory record, its file, the debtor as the
    /// planner sees them, and their invoices.
    static func printCustomer(_ object: [String: JSONValue]) {
        func fields(_ value: JSONValue?) -> [String: JSONValue] { if case .object(let fields) = value { fields } else { [:] } }
        let customer = object["customer"]?.plainText ?? ""
        let record = fields(object["record"])
        if record.isEmpty {
            print("customer \(customer): no record in the customer directory (only the invoices' own details)")
        } else {
            let source = fields(object["source"])
            print("customer \(customer): directory record from \(source["file"]?.plainText ?? "?"), ingested \(source["ingested"]?.plainText ?? "?")")
            for key in ["name", "email", "cc", "phone", "contact", "language", "timezone", "country", "vat_id", "policy", "exclude", "note"] {
                if let value = record[key] { print("  \(key.padding(toLength: 9, withPad: " ", startingAt: 0)) \(value.plainText)") }
            }
        }
        let effective = fields(object["effective"])
        if !effective.isEmpty {
            let words = ["email", "cc", "phone", "timezone", "country", "policy"].compactMap { key in
                effective[key].map { "\(key) \($0.plainText)" }
            }
            print("reminded as: \(effective["name"]?.plainText ?? "") — " + words.joined(separator: ", ")
                + (effective["excluded"] == .bool(true) ? " — EXCLUDED: no reminders" : ""))
        }
        if case .array(let invoices) = object["invoices"], !invoices.isEmpty {
            print("invoices:")
            for case .object(let invoice) in invoices {
                print("  \(invoice["invoice"]?.plainText ?? "") \(invoice["state"]?.plainText ?? "") \(invoice["balance"]?.plainText ?? "") \(invoice["currency"]?.plainText ?? "") due \(invoice["due"]?.plainText ?? "")")
            }
        }
    }
}
