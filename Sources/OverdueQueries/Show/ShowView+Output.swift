import Foundation
import OverdueCalendar
import OverdueConfig
import OverdueCore

extension ShowView {
    /// `overdue show ID`: what the ledger holds for an invoice (its events and
    /// reminders), or else for a customer of that id (the directory record
    /// and its file, the debtor as the planner sees them, their invoices).
    public static func output(config: Config, id: String, json: Bool, now: Date = Date()) throws -> CommandOutput {
        let status = ShowView(try SpoolState(config: config))
        guard let object = try status.show(id, now: now) else {
            if let customer = try status.showCustomer(id, now: now) {
                return json ? try .json(.object(customer)) : customerLines(customer)
            }
            throw CommandFailure(code: .notFound, "no invoice \"\(id)\" (and no customer of that id) in the ledger of \(config.spool.dir); check the number, or `overdue status`")
        }
        if json { return try .json(.object(object)) }
        var output = CommandOutput()
        let customer: [String: JSONValue] = if case .object(let fields) = object["customer"] { fields } else { [:] }
        output.append("invoice  \(id)  (\(object["state"]?.plainText ?? ""))")
        output.append("customer " + ["\(customer["name"]?.plainText ?? "") [\(customer["id"]?.plainText ?? "")]", customer["email"]?.plainText,
                                     customer["phone"]?.plainText].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " "))
        output.append("issued   \(object["issued"]?.plainText ?? "")   due \(object["due"]?.plainText ?? "")")
        output.append("amount   \(object["amount"]?.plainText ?? "") \(object["currency"]?.plainText ?? "")   balance \(object["balance"]?.plainText ?? "")"
            + (object["principal_open"].map { "   principal still open \($0.plainText) (payments paid the charges first: allocation = costs_first)" } ?? "")
            + (object["credit"].map { "   credit \($0.plainText)" } ?? ""))
        if case .array(let parts) = object["installments_open"] {
            for case .object(let part) in parts {
                let open = part["open"]?.plainText ?? ""
                let due = part["due"]?.plainText ?? ""
                let late = part["days_overdue"].flatMap { Int($0.plainText) } ?? 0
                output.append("  installment \(part["installment"]?.plainText ?? "") of \(part["of"]?.plainText ?? "") due \(due)"
                              + ": \(part["amount"]?.plainText ?? "")" + (Decimal(string: open) == 0 ? " (paid)"
                                  : " (\(open) open" + (late > 0 ? ", \(late) day\(late == 1 ? "" : "s") overdue)" : ", not yet due)")))
            }
        }
        if let replied = object["replied"]?.plainText {
            output.append("replied  \(replied): the debtor answered a reminder; reminders paused until \(object["paused_until"]?.plainText ?? "")")
        }
        if case .array(let events) = object["events"], !events.isEmpty {
            output.append("events:")
            let currency = object["currency"]?.plainText ?? ""
            for case .object(let event) in events { output.append("  " + describe(event, currency: currency)) }
        }
        let held: [String] = if case .array(let items) = object["held"] {
            items.compactMap { if case .object(let item) = $0 { item["detail"]?.plainText } else { nil } }
        } else { [] }
        if case .array(let reminders) = object["reminders"] {
            output.append(reminders.isEmpty ? "reminders: none yet" + (held.isEmpty ? "" : " (held, below)") : "reminders:")
            let parts = installmentCount(object)
            for case .object(let line) in reminders {
                output.append("  " + reminderLine(line, invoice: id, installments: parts))
            }
        }
        for detail in held { output.append("held: \(detail)") }
        return output
    }

    /// "2027-02-01T09:00:00Z firm (installment 2 of 3) email → ap@x.example, pay by 2027-02-15".
    static func reminderLine(_ line: [String: JSONValue], invoice: String, installments: Int) -> String {
        func text(_ key: String) -> String? { line[key].map(\.plainText).flatMap { $0.isEmpty ? nil : $0 } }
        var words = [text("time") ?? "?", text("stage") ?? "?"]
        if case .array(let units) = line["units"] {
            let numbers = units.map(\.plainText).filter { ReminderItem.invoice(ofUnit: $0) == invoice }
                .compactMap { $0.split(separator: "#").last.flatMap { Int($0) } }
            if !numbers.isEmpty {
                words.append("(installment\(numbers.count == 1 ? "" : "s") \(numbers.map(String.init).joined(separator: ", ")) of \(installments))")
            }
        }
        words.append([text("channel"), text("recipient")].compactMap { $0 }.joined(separator: " → "))
        var said = words.joined(separator: " ")
        if let payBy = text("pay_by") { said += ", pay by \(payBy)" }
        if let event = text("event"), event != "sent" { said += " [\(event)]" }
        return said
    }

    static func installmentCount(_ object: [String: JSONValue]) -> Int {
        if case .array(let parts) = object["installments"] { parts.count } else { 0 }
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
            for key in ["name", "email", "cc", "phone", "contact", "language", "timezone", "country", "vat_id", "policy", "exclude", "note",
                        "ibans", "reference_scheme"] {
                // (Names longer than the column are written whole.)
                if let value = record[key] { output.append("  \(key.padding(toLength: max(9, key.count), withPad: " ", startingAt: 0)) \(value.plainText)") }
            }
        }
        let effective = fields(object["effective"])
        if !effective.isEmpty {
            let words = ["contact", "email", "cc", "phone", "language", "timezone", "country", "policy"].compactMap { key in
                effective[key].map { "\(key) \($0.plainText)" }
            }
            output.append("reminded as: \(effective["name"]?.plainText ?? "") — " + words.joined(separator: ", ")
                + (effective["excluded"] == .bool(true) ? " — EXCLUDED: no reminders" : ""))
        }
        if case .array(let invoices) = object["invoices"], !invoices.isEmpty {
            output.append("invoices:")
            for case .object(let invoice) in invoices {
                func text(_ key: String) -> String { invoice[key]?.plainText ?? "" }
                output.append("  \(text("invoice")) \(text("state")): \(text("amount")) \(text("currency")) due \(text("due"))"
                              + (text("state") == "paid" || text("state") == "cancelled" ? "" : ", \(text("open")) open"))
            }
            if case .object(let open) = object["open"] {
                output.append("open in total: " + open.sorted { $0.key < $1.key }.map { "\($0.value.plainText) \($0.key)" }.joined(separator: ", "))
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
