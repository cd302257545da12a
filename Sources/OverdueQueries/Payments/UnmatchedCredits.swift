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
        // The ledger keeps each until it is placed or dismissed (the log, which retention
        // thins out, only tells the story): oldest first.
        let ledger = try LedgerStore.replay(spool: spool).ledger
        return ledger.unplacedCredits.values.sorted { ($0.valueDate, $0.key) < ($1.valueDate, $1.key) }.map { credit in
            var fields: [String: JSONValue] = [
                "entry": .string(credit.key), "kind": .string(credit.returned ? "reversal" : "unmatched"),
                "amount": .string(Money.format(credit.amount, minorUnits: Currency.minorUnits(credit.currency))),
                "currency": .string(credit.currency), "value_date": .string(credit.valueDate.description),
            ]
            fields["payer"] = credit.payerName.map(JSONValue.string)
            fields["iban"] = credit.payerIBAN.map(JSONValue.string)
            fields["remittance"] = credit.remittance.map(JSONValue.string)
            fields["end_to_end_id"] = credit.endToEnd.map(JSONValue.string)
            fields["detail"] = credit.reason.map(JSONValue.string)
            if !credit.possibleDebtors.isEmpty { fields["debtors"] = .array(credit.possibleDebtors.map(JSONValue.string)) }
            return Credit(key: credit.key, kind: credit.returned ? "reversal" : "unmatched", fields: fields)
        }
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
        // The listed credit as the ledger keeps it (one replay; its figures as they are, not as printed).
        let spool = Spool(root: config.spool.dir)
        guard spool.exists else { throw unknownEntry(key) }
        let ledger = try LedgerStore.replay(spool: spool).ledger
        guard let credit = ledger.unplacedCredits[key] else { throw unknownEntry(key) }
        guard let entry = ledger[invoice] else {
            throw CommandFailure(code: .statementInvoiceUnknown, "no invoice \(invoice) in the ledger; `overdue show` lists what is there")
        }
        let (total, currency, day) = (credit.amount, credit.currency, credit.valueDate)
        guard entry.invoice.currency == currency else {
            throw CommandFailure(code: .statementCurrencyMismatch, "the credit is in \(currency), invoice \(invoice) in \(entry.invoice.currency)")
        }
        let paid = amount ?? total
        let units = Currency.minorUnits(currency)
        guard paid > 0, paid <= total else {
            throw CommandFailure(code: .statementAmountInvalid, "--amount must be more than 0 and at most the credit's \(Money.format(total, minorUnits: units))")
        }
        let reference = BankReference(key: key, iban: credit.payerIBAN, endToEnd: credit.endToEnd, assigned: true).text
        if credit.returned {
            guard paid <= entry.paidNet else {
                throw CommandFailure(code: .statementAmountInvalid,
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
        if paid < total {
            var rest = credit
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
        let spool = Spool(root: config.spool.dir)
        guard spool.exists else { throw unknownEntry(key) }
        let ledger = try LedgerStore.replay(spool: spool).ledger
        guard var credit = ledger.unplacedCredits[key] else { throw unknownEntry(key) }
        credit.settled = UnplacedCredit.dismissedPrefix + reason
        let name = try InboxDrop.dropAsSpoolOwner([.event(.unplacedCredit(credit))], kind: "dismiss", config: config)
        let amount = Money.format(credit.amount, minorUnits: Currency.minorUnits(credit.currency))
        return CommandOutput(lines: ["credit \(key) (\(amount) \(credit.currency)) dismissed: dropped into the inbox as \(name)"])
    }

    private static func unknownEntry(_ key: String) -> CommandFailure {
        CommandFailure(code: .statementEntryUnknown,
                       "no unmatched credit \(key); `overdue payments --unmatched` lists them (an assigned or dismissed one is gone from the list)")
    }
}
