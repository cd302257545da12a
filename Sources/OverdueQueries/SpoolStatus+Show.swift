import Foundation
import OverdueConfig
import OverdueCore

extension SpoolStatus {
    /// `overdue show ID`: what the ledger holds for an invoice (its events and
    /// reminders), or else for a customer of that id (the directory record
    /// and its file, the debtor as the planner sees them, their invoices).
    public static func showOutput(config: Config, id: String, json: Bool) throws -> CommandOutput {
        let status = try SpoolStatus(config: config)
        guard let object = try status.show(id, on: CalendarDay.utc(Date())) else {
            if let customer = try status.showCustomer(id, on: CalendarDay.utc(Date())) {
                return json ? try .json(.object(customer)) : customerLines(customer)
            }
            throw CommandFailure(code: "not-found", "no invoice \"\(id)\" (and no customer of that id) in the ledger of \(config.spool.dir); check the number, or `overdue status`")
        }
        if json { return try .json(.object(object)) }
        var output = CommandOutput()
        let customer: [String: JSONValue] = if case .object(let fields) = object["customer"] { fields } else { [:] }
        output.append("invoice  \(id)  (\(object["state"]?.plainText ?? ""))")
        output.append("customer \(customer["name"]?.plainText ?? "") [\(customer["id"]?.plainText ?? "")] \(customer["email"]?.plainText ?? "") \(customer["phone"]?.plainText ?? "")")
        output.append("issued   \(object["issued"]?.plainText ?? "")   due \(object["due"]?.plainText ?? "")")
        output.append("amount   \(object["amount"]?.plainText ?? "") \(object["currency"]?.plainText ?? "")   balance \(object["balance"]?.plainText ?? "")")
        if let replied = object["replied"]?.plainText {
            output.append("replied  \(replied): the debtor answered a reminder; reminders paused until \(object["paused_until"]?.plainText ?? "")")
        }
        if case .array(let events) = object["events"], !events.isEmpty {
            output.append("events:")
            let currency = object["currency"]?.plainText ?? ""
            for case .object(let event) in events { output.append("  " + describe(event, currency: currency)) }
        }
        if case .array(let reminders) = object["reminders"] {
            output.append(reminders.isEmpty ? "reminders: none yet" : "reminders:")
            for case .object(let line) in reminders {
                output.append("  \(line["time"]?.plainText ?? "") \(line["stage"]?.plainText ?? "") \(line["channel"]?.plainText ?? "") → \(line["recipient"]?.plainText ?? "")")
            }
        }
        return output
    }

    static func customerLines(_ object: [String: JSONValue]) -> CommandOutput {
        var output = CommandOutput()
        func fields(_ value: JSONValue?) -> [String: JSONValue] { if case .object(let fields) = value { fields } else { [:] } }
        let customer = object["customer"]?.plainText ?? ""
        let record = fields(object["record"])
        if record.isEmpty {
            output.append("customer \(customer): no record in the customer directory (only the invoices' own details)")
        } else {
            let source = fields(object["source"])
            output.append("customer \(customer): directory record from \(source["file"]?.plainText ?? "?"), ingested \(source["ingested"]?.plainText ?? "?")")
            for key in ["name", "email", "cc", "phone", "contact", "language", "timezone", "country", "vat_id", "policy", "exclude", "note"] {
                if let value = record[key] { output.append("  \(key.padding(toLength: 9, withPad: " ", startingAt: 0)) \(value.plainText)") }
            }
        }
        let effective = fields(object["effective"])
        if !effective.isEmpty {
            let words = ["email", "cc", "phone", "timezone", "country", "policy"].compactMap { key in
                effective[key].map { "\(key) \($0.plainText)" }
            }
            output.append("reminded as: \(effective["name"]?.plainText ?? "") — " + words.joined(separator: ", ")
                + (effective["excluded"] == .bool(true) ? " — EXCLUDED: no reminders" : ""))
        }
        if case .array(let invoices) = object["invoices"], !invoices.isEmpty {
            output.append("invoices:")
            for case .object(let invoice) in invoices {
                output.append("  \(invoice["invoice"]?.plainText ?? "") \(invoice["state"]?.plainText ?? "") \(invoice["balance"]?.plainText ?? "") \(invoice["currency"]?.plainText ?? "") due \(invoice["due"]?.plainText ?? "")")
            }
        }
        return output
    }

    /// "payment 600.00 EUR on 2026-12-03 (SEPA-4711)", "dispute on 2026-12-04: goods damaged".
    static func describe(_ event: [String: JSONValue], currency: String) -> String {
        func text(_ name: String) -> String? { event[name].map(\.plainText).flatMap { $0.isEmpty ? nil : $0 } }
        var words = [text("event") ?? "event"]
        if let amount = text("amount") {
            let code = text("currency") ?? currency
            let shown = Decimal(string: amount).map { Money.format($0, minorUnits: Currency.minorUnits(code)) } ?? amount
            words.append("\(shown) \(code)")
        }
        if let date = text("date") { words.append((text("event") == "promise" ? "until " : "on ") + date) }
        if let agency = text("agency") { words.append("to \(agency)") }
        var line = words.joined(separator: " ")
        if let reference = text("reference") { line += " (\(reference))" }
        if let reason = text("reason") ?? text("note") { line += ": \(reason)" }
        return line
    }
}
