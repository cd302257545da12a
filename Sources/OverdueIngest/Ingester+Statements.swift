import Foundation
import Logging
import OverdueCore
import OverdueSpool

/// Bank statements (camt.053/054, MT940) in the inbox: each credit the
/// matcher ties to invoices becomes a payment record, applied and logged
/// exactly as a dropped payment is (its reference `bank:KEY …` makes it
/// once-only); a credit it cannot tie is logged `unmatched` for a person
/// (`overdue payments --unmatched`, `overdue assign`).
extension Ingester {
    func ingestStatement(_ statement: BankStatement, entry: InboxFiles.Entry, digest: String, now: Date,
                         summary: inout IngestSummary) throws {
        // A credit in no known currency cannot be a payment (an MT940 snippet
        // without its opening balance, a statement from before the euro).
        if let unknown = statement.entries.first(where: { $0.direction != .debit && !Currency.isKnown($0.currency) }) {
            let found = unknown.currency.isEmpty ? "none" : "\"\(FieldRules.printable(unknown.currency))\""
            try rejectWholeFile(entry, digest: digest, reason: "the bank statement cannot be read: \(unknown.position): the currency: \(found) is not an ISO 4217 currency (MT940 takes it from the :60F: opening balance, e.g. C270115EUR0,00); export the whole statement", now: now)
            summary.rejected += 1
            return
        }
        var matcher = StatementMatcher(ledger: ledger)
        var records: [ParsedRecord] = []
        var lines: [LogEntry] = []
        var seen: Set<String> = []
        var counts = (credits: 0, matched: 0, unmatched: 0, before: 0, debits: 0, reversals: 0)
        func line(_ event: String, _ item: StatementEntry, key: String, _ extra: [String: JSONValue]) -> LogEntry {
            var fields: [String: JSONValue] = [
                "file": .string(entry.name), "entry": .string(key), "position": .string(item.position),
                "amount": .string(Money.format(item.amount, minorUnits: Currency.minorUnits(item.currency))),
                "currency": .string(item.currency), "value_date": .string(item.valueDate.description),
            ]
            if let name = item.payerName { fields["payer"] = .string(name) }
            if let iban = item.payerIBAN { fields["iban"] = .string(iban) }
            if !item.remittance.isEmpty { fields["remittance"] = .string(item.remittance) }
            if let reference = item.creditorReference { fields["creditor_reference"] = .string(reference) }
            if let endToEnd = item.endToEndID { fields["end_to_end_id"] = .string(endToEnd) }
            return LogEntry(time: now, event: event, fields: fields.merging(extra) { $1 })
        }
        /// A record as an inbox file would hold it (its raw text a JSON line a person can fix and drop again),
        /// decoded as the ledger journal will be read back: one that would not read back is rejected
        /// here with its problems, never written where it would stop the next start.
        func record(_ event: LedgerEvent, currency: String?, note: String) -> ParsedRecord {
            var object = RecordEncoder.object(.event(event))
            if let currency { object["currency"] = .string(currency) }
            let raw = String(decoding: JSONLine.bytes(.object(object)), as: UTF8.self)
            return ParsedRecord(number: records.count + 1, line: nil, raw: raw, outcome: RecordDecoder().decode(object), note: note)
        }
        var occurrences: [String: Int] = [:]
        // (An entry of 0.00 moves no money: an information line.)
        for item in statement.entries where item.amount > 0 {
            // Identical entries without the bank's reference are told apart by their order of appearance.
            let first = StatementMatcher.key(item, account: statement.account)
            occurrences[first, default: 0] += 1
            let occurrence = occurrences[first]!
            let key = occurrence == 1 ? first : StatementMatcher.key(item, account: statement.account, occurrence: occurrence)
            // The same entry twice in one file (a re-export inside a file) counts once.
            let outcome = seen.insert(key).inserted ? matcher.match(item, key: key) : .applied
            matcher.record(outcome, of: item, key: key)
            switch outcome {
            case .notACredit:
                counts.debits += 1
            case .applied:
                // (A return read before is not a credit of this file.)
                if item.direction == .credit { counts.credits += 1 }
                counts.before += 1
            case .reversal(let original):
                counts.reversals += 1
                let why = "returned (\(item.returnReason ?? "no reason given"))"
                var fields: [String: JSONValue] = ["original": original.map(JSONValue.string) ?? .null]
                if let original, let credit = matcher.unplaced[original] {
                    // Returned before anyone placed it: it holds nobody any more.
                    var settled = credit
                    settled.settled = "\(why) by entry \(key)"
                    records.append(record(.unplacedCredit(settled), currency: nil, note: "bank statement \(item.position), entry \(key): returns the unplaced credit \(original)"))
                    // The return itself, settled too: a re-exported statement finds it applied.
                    // Only what finds it again on a re-export: no words, no end-to-end id a later credit could be matched by.
                    var handled = UnplacedCredit(key: key, amount: item.amount, currency: item.currency, valueDate: item.valueDate,
                                                 payerName: item.payerName, payerIBAN: item.payerIBAN, remittance: nil, reason: nil)
                    handled.settled = "returns the unplaced credit \(original)"
                    records.append(record(.unplacedCredit(handled), currency: nil, note: "bank statement \(item.position), entry \(key): settled"))
                    fields["action"] = .string("settled")
                    fields["detail"] = .string("the credit \(original) was \(why) before it was placed; it is off the list")
                } else if let original {
                    let reopened = matcher.takeBack(item.amount, of: original)
                    let reference = BankReference(key: key, iban: item.payerIBAN, endToEnd: item.endToEndID, returns: original).text
                    for allocation in reopened {
                        let event = LedgerEvent.paymentReturned(invoice: allocation.invoice, amount: allocation.amount, date: item.valueDate,
                                                                reference: reference)
                        records.append(record(event, currency: item.currency, note: "bank statement \(item.position), entry \(key): returns \(original)"))
                    }
                    let names = reopened.map(\.invoice).joined(separator: ", ")
                    fields["action"] = .string(reopened.isEmpty ? "returned_before" : "reopened")
                    fields["invoices"] = .array(reopened.map { .string($0.invoice) })
                    fields["detail"] = .string(reopened.isEmpty ? "the credit \(original) was returned before; nothing more to reopen"
                        : "the credit \(original) was \(why); what it paid is owed again: \(names)")
                } else {
                    fields["action"] = .string("for_a_person")
                    let detail = "a credit was \(why), but which one is not known (no end-to-end id or bank reference of an applied credit, and not one credit of this amount from this account); assign it to the invoice it paid: overdue assign \(key) INVOICE"
                    fields["detail"] = .string(detail)
                    // Kept in the ledger until a person says what it reopens (it holds nobody).
                    var kept = UnplacedCredit(item, key: key, reason: detail)
                    kept.returned = true
                    records.append(record(.unplacedCredit(kept), currency: nil, note: "bank statement \(item.position), entry \(key): a return for a person"))
                }
                lines.append(line("reversal", item, key: key, fields))
            case .unmatched(let reason):
                counts.credits += 1
                counts.unmatched += 1
                lines.append(line("unmatched", item, key: key, ["detail": .string(reason)]))
                // Kept in the ledger until placed: it holds the escalation of whoever it could be from.
                var credit = UnplacedCredit(item, key: key, reason: reason)
                credit.possibleDebtors = matcher.possibleDebtors(item)
                records.append(record(.unplacedCredit(credit), currency: nil, note: "bank statement \(item.position), entry \(key): no rule placed it"))
            case .matched(let rule, let allocations):
                counts.credits += 1
                counts.matched += 1
                let reference = BankReference(key: key, iban: item.payerIBAN, endToEnd: item.endToEndID).text
                for allocation in allocations {
                    let event = LedgerEvent.payment(invoice: allocation.invoice, amount: allocation.amount, date: item.valueDate,
                                                    reference: reference)
                    records.append(record(event, currency: item.currency,
                                          note: "bank statement \(item.position), entry \(key), matched by \(rule.rawValue)"))
                }
            }
        }
        for warning in statement.warnings {
            lines.append(LogEntry(time: now, event: "warning", fields: ["file": .string(entry.name), "detail": .string(warning)]))
        }
        lines.append(LogEntry(time: now, event: "statement", fields: [
            "file": .string(entry.name), "format": .string(statement.format),
            "account": statement.account.map(JSONValue.string) ?? .null,
            "credits": .number(Decimal(counts.credits)), "matched": .number(Decimal(counts.matched)),
            "unmatched": .number(Decimal(counts.unmatched)), "applied_before": .number(Decimal(counts.before)),
            "debits": .number(Decimal(counts.debits)), "reversals": .number(Decimal(counts.reversals)),
        ]))
        logger.info("bank statement read", metadata: [
            "inbox.file": "\(entry.name)", "statement.credits": "\(counts.credits)", "statement.matched": "\(counts.matched)",
            "statement.unmatched": "\(counts.unmatched)",
        ])
        // The payments as payment records (JSON Lines), applied whole or not
        // at all: one that cannot apply rejects the statement, naming its entry.
        // A statement is fresh payment data even when it matched nothing (the stale feed guard),
        // for its account, up to the end of its period (the end of its last day in the schedule's zone, the
        // planner's day): last month's statement dropped today is last month's news.
        let periodEnd = statement.periodEnd.map { Planner.endOfDay($0, schedule: config.schedule) } ?? now
        try ingestRecords(records, format: .jsonLines, header: nil, entry: entry, digest: digest, now: now, summary: &summary,
                          statement: LedgerStore.StatementFreshness(account: statement.account ?? "-", until: min(now, periodEnd)),
                          statementLog: lines)
    }
}

extension UnplacedCredit {
    /// A statement entry kept in the ledger as a credit for a person to
    /// place: its payer, the first 1,000 characters of its words and its
    /// end-to-end id, and why no rule placed it.
    init(_ item: StatementEntry, key: String, reason: String) {
        self.init(key: key, amount: item.amount, currency: item.currency, valueDate: item.valueDate,
                  payerName: item.payerName, payerIBAN: item.payerIBAN,
                  remittance: item.remittance.isEmpty ? nil : String(item.remittance.prefix(1000)), reason: reason)
        endToEnd = item.endToEndID
    }
}
