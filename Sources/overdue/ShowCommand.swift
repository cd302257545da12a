import ArgumentParser
import Foundation
import OverdueCore
import OverdueDaemon

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "What the ledger holds for one invoice (its reminders so far), or for one customer (the directory record and its file)."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The invoice number, or a customer id.")
    var invoice: String

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let config = try global.loadConfig()
        let status = try SpoolStatus(config: config)
        guard let object = try status.show(invoice, on: CalendarDay.utc(Date())) else {
            if let customer = try status.showCustomer(invoice, on: CalendarDay.utc(Date())) {
                return json ? try printJSON(.object(customer)) : Self.printCustomer(customer)
            }
            printError(CommandFailure(code: "not-found", "no invoice \"\(invoice)\" (and no customer of that id) in the ledger of \(config.spool.dir); check the number, or `overdue status`"))
            throw ExitCode(1)
        }
        if json { return try printJSON(.object(object)) }
        let customer: [String: JSONValue] = if case .object(let fields) = object["customer"] { fields } else { [:] }
        print("invoice  \(invoice)  (\(object["state"]?.plainText ?? ""))")
        print("customer \(customer["name"]?.plainText ?? "") [\(customer["id"]?.plainText ?? "")] \(customer["email"]?.plainText ?? "") \(customer["phone"]?.plainText ?? "")")
        print("issued   \(object["issued"]?.plainText ?? "")   due \(object["due"]?.plainText ?? "")")
        print("amount   \(object["amount"]?.plainText ?? "") \(object["currency"]?.plainText ?? "")   balance \(object["balance"]?.plainText ?? "")")
        if let replied = object["replied"]?.plainText {
            print("replied  \(replied): the debtor answered a reminder; reminders paused until \(object["paused_until"]?.plainText ?? "")")
        }
        if case .array(let events) = object["events"], !events.isEmpty {
            print("events:")
            let currency = object["currency"]?.plainText ?? ""
            for case .object(let event) in events { print("  " + Self.describe(event, currency: currency)) }
        }
        if case .array(let reminders) = object["reminders"] {
            print(reminders.isEmpty ? "reminders: none yet" : "reminders:")
            for case .object(let line) in reminders {
                print("  \(line["time"]?.plainText ?? "") \(line["stage"]?.plainText ?? "") \(line["channel"]?.plainText ?? "") → \(line["recipient"]?.plainText ?? "")")
            }
        }
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
