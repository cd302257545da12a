import Foundation
import OverdueConfig
import OverdueCore
import OverdueIngest
import OverdueSpool

/// Credits from bank statements that no rule tied to an invoice (logged
/// `unmatched`) and returned credits whose credit is not known (`reversal`
/// for a person), each once, until a payment or returned payment carrying
/// its entry key is in the ledger (`overdue assign`) or it is dismissed
/// (`overdue dismiss`).
public enum UnmatchedCredits {
    public struct Credit: Sendable {
        public var key: String
        public var kind: String
        public var fields: [String: JSONValue]
        func text(_ name: String) -> String? { if case .string(let value)? = fields[name] { value } else { nil } }
    }

    public static func list(config: Config) throws -> [Credit] {
        let spool = Spool(root: config.spool.dir)
        guard spool.exists else { return [] }
        let ledger = try LedgerStore.replay(spool: spool).ledger
        // The unplaced credits are the ledger's; the log adds where each came from.
        let applied = Set(StatementMatcher(ledger: ledger).appliedKeys.keys)
        var latest: [String: Credit] = [:]
        var order: [String] = []
        for line in try EventLog.read(directory: spool.log) {
            guard case .string(let event)? = line["event"], case .string(let key)? = line["entry"], !applied.contains(key) else { continue }
            // A reversal the daemon could place (reopened, settled) is not a person's.
            let forAPerson = line["action"] == nil || line["action"] == .string("for_a_person")
            guard (event == "reversal" && forAPerson) || (event == "unmatched" && ledger.unplacedCredits[key] != nil) else { continue }
            if latest[key] == nil { order.append(key) }
            latest[key] = Credit(key: key, kind: event, fields: line)
        }
        // Kept in the ledger but no longer in the log (retention removed the day's file): from the ledger alone.
        for (key, credit) in ledger.unplacedCredits.sorted(by: { $0.key < $1.key }) where latest[key] == nil {
            var fields: [String: JSONValue] = [
                "entry": .string(key), "amount": .string(Money.format(credit.amount, minorUnits: Currency.minorUnits(credit.currency))),
                "currency": .string(credit.currency), "value_date": .string(credit.valueDate.description),
            ]
            fields["payer"] = credit.payerName.map(JSONValue.string)
            fields["iban"] = credit.payerIBAN.map(JSONValue.string)
            fields["remittance"] = credit.remittance.map(JSONValue.string)
            fields["detail"] = credit.reason.map(JSONValue.string)
            order.append(key)
            latest[key] = Credit(key: key, kind: "unmatched", fields: fields)
        }
        return order.compactMap { latest[$0] }
    }

    public static func output(config: Config, json: Bool) throws -> CommandOutput {
        let credits = try list(config: config)
        if json { return try .json(.array(credits.map { .object($0.fields) })) }
        guard !credits.isEmpty else { return CommandOutput(lines: ["no unmatched credits"]) }
        var table = TextTable("ENTRY", "KIND", "VALUE DATE", "AMOUNT", "PAYER", "IBAN", "REMITTANCE", "WHY")
        for credit in credits {
            table.add(credit.key, credit.kind, credit.text("value_date") ?? "", "\(credit.text("amount") ?? "") \(credit.text("currency") ?? "")",
                      credit.text("payer") ?? "", credit.text("iban") ?? "", String((credit.text("remittance") ?? "").prefix(40)),
                      credit.text("detail") ?? "")
        }
        return CommandOutput(lines: [table.render(), "assign one with: overdue assign ENTRY INVOICE [--amount A]; dismiss one that is not a debtor's with: overdue dismiss ENTRY --reason TEXT"])
    }

    /// "K/rest" of "K", "K/rest2" of "K/rest", "K/rest3" of "K/rest2".
    static func restKey(_ key: String) -> String {
        guard let range = key.range(of: "/rest", options: .backwards) else { return key + "/rest" }
        let suffix = key[range.upperBound...]
        guard suffix.allSatisfy(\.isNumber) else { return key + "/rest" }
        return key[..<range.upperBound] + String((Int(suffix) ?? 1) + 1)
    }

    /// `overdue assign`: the credit `key` pays `invoice` (all of it, or
    /// `amount`), dropped into the inbox as the payment record a statement
    /// match would have made; a returned credit (`reversal`) takes back
    /// what it paid on `invoice`, dropped as a `payment_return`.
    public static func assign(key: String, invoice: String, amount: Decimal?, config: Config) throws -> CommandOutput {
        let credit = try listed(key, config: config)
        let spool = Spool(root: config.spool.dir)
        let ledger = try LedgerStore.replay(spool: spool).ledger
        guard let entry = ledger[invoice] else {
            throw CommandFailure(code: "statement-invoice-unknown", "no invoice \(invoice) in the ledger; `overdue show` lists what is there")
        }
        let (total, currency, day) = try figures(of: credit)
        guard entry.invoice.currency == currency else {
            throw CommandFailure(code: "statement-currency-mismatch", "the credit is in \(currency), invoice \(invoice) in \(entry.invoice.currency)")
        }
        let paid = amount ?? total
        let units = Currency.minorUnits(currency)
        guard paid > 0, paid <= total else {
            throw CommandFailure(code: "statement-amount-invalid", "--amount must be more than 0 and at most the credit's \(credit.text("amount") ?? "")")
        }
        let reference = BankReference(key: key, iban: credit.text("iban"), endToEnd: credit.text("end_to_end_id")).text
        if credit.kind == "reversal" {
            guard paid <= entry.paidNet else {
                throw CommandFailure(code: "statement-amount-invalid",
                                     "\(Money.format(paid, minorUnits: units)) \(currency) is more than the \(Money.format(entry.paidNet, minorUnits: units)) paid on \(invoice); give the part it returns with --amount")
            }
            let returned = LedgerEvent.paymentReturned(invoice: invoice, amount: paid, date: day, reference: reference)
            let name = try InboxDrop.dropAsSpoolOwner([.event(returned)], kind: "assign", config: config)
            return CommandOutput(lines: ["returned credit \(key) (\(Money.format(paid, minorUnits: units)) \(currency)) taken back from \(invoice), which is owed again: dropped into the inbox as \(name)"])
        }
        var records: [InboxRecord] = [.event(.payment(invoice: invoice, amount: paid, date: day, reference: reference))]
        // Part of the credit: the payment places the entry, and the rest waits
        // under the entry's key with "/rest" ("/rest2" for the rest of a rest…;
        // a placed key is never listed again), in the same file, after it.
        if paid < total, let kept = ledger.unplacedCredits[key] {
            var rest = kept
            rest.key = Self.restKey(key)
            rest.amount = total - paid
            rest.reason = "the rest after \(Money.format(paid, minorUnits: units)) \(currency) was assigned to \(invoice)"
            records.append(.event(.unplacedCredit(rest)))
        }
        let name = try InboxDrop.dropAsSpoolOwner(records, kind: "assign", config: config)
        // A credit for an invoice with nothing open (paid already) is kept as credit on the account.
        let note = entry.balance > 0 ? "" : " (it has nothing open: the amount stays as credit on the account)"
        return CommandOutput(lines: ["credit \(key) (\(Money.format(paid, minorUnits: units)) \(currency)) assigned to \(invoice)\(note): dropped into the inbox as \(name)"])
    }

    /// `overdue dismiss`: the listed credit `key` is not a debtor's money (a
    /// refund, interest, a transfer between own accounts) or the returned
    /// credit needs nothing reopened: it leaves the list and holds nobody.
    public static func dismiss(key: String, reason: String, config: Config) throws -> CommandOutput {
        let credit = try listed(key, config: config)
        let (total, currency, day) = try figures(of: credit)
        var settled = UnplacedCredit(key: key, amount: total, currency: currency, valueDate: day, payerName: credit.text("payer"),
                                     payerIBAN: credit.text("iban"), remittance: credit.text("remittance"), reason: credit.text("detail"))
        settled.settled = "dismissed: \(reason)"
        let name = try InboxDrop.dropAsSpoolOwner([.event(.unplacedCredit(settled))], kind: "dismiss", config: config)
        return CommandOutput(lines: ["credit \(key) (\(credit.text("amount") ?? "") \(currency)) dismissed: dropped into the inbox as \(name)"])
    }

    private static func listed(_ key: String, config: Config) throws -> Credit {
        guard let credit = try list(config: config).first(where: { $0.key == key }) else {
            throw CommandFailure(code: "statement-entry-unknown",
                                 "no unmatched credit \(key); `overdue payments --unmatched` lists them (an assigned or dismissed one is gone from the list)")
        }
        return credit
    }

    private static func figures(of credit: Credit) throws -> (amount: Decimal, currency: String, day: CalendarDate) {
        guard let total = credit.text("amount").flatMap(Money.parse), let currency = credit.text("currency"),
              let day = credit.text("value_date").flatMap({ CalendarDate(iso: $0) }) else {
            throw CommandFailure(code: "statement-entry-unknown", "the log line of \(credit.key) lacks its amount or date")
        }
        return (total, currency, day)
    }
}
