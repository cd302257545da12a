import Foundation
import OverdueCalendar

/// One booked entry of a bank statement (camt.053/054 `Ntry`, MT940 `:61:`
/// with its `:86:`), as the statement states it. Only credits become
/// candidate payments; debits are read so that a statement's entries can be
/// counted and checked, and reversals reopen what the credit paid.
public struct StatementEntry: Sendable, Equatable {
    public enum Direction: String, Sendable {
        case credit, debit
        /// A credit taken back (camt `RvslInd`, MT940 `RC`).
        case creditReversal = "credit_reversal"
        /// A debit taken back (MT940 `RD`).
        case debitReversal = "debit_reversal"
    }

    public var direction: Direction
    /// Always positive; `direction` says which way.
    public var amount: Decimal
    public var currency: String
    /// When the money counts (interest runs to it).
    public var valueDate: CalendarDate
    public var bookingDate: CalendarDate?
    public var payerName: String?
    public var payerIBAN: String?
    /// A structured creditor reference (ISO 11649 "RF…" or a national one),
    /// as written, when the statement carries one.
    public var creditorReference: String?
    /// The unstructured remittance text, lines joined by spaces.
    public var remittance: String
    /// The bank's reference of the entry (camt `AcctSvcrRef`/`NtryRef`,
    /// MT940 bank reference `//…`).
    public var bankReference: String?
    /// The payer's end-to-end id (camt `EndToEndId`, SEPA `EREF+`), unless
    /// "NOTPROVIDED".
    public var endToEndID: String?
    /// MT940's customer reference (`:61:` before `//`), unless "NONREF".
    public var customerReference: String?
    /// Why a returned credit came back (camt `RtrInf/Rsn`, SEPA `?34`).
    public var returnReason: String?
    /// Where in the file: "entry 3" or "line 17", for messages.
    public var position: String

    public init(direction: Direction, amount: Decimal, currency: String, valueDate: CalendarDate, position: String) {
        self.direction = direction
        self.amount = amount
        self.currency = currency
        self.valueDate = valueDate
        self.remittance = ""
        self.position = position
    }
}

extension StatementEntry {
    /// A statement's account as one key whichever format named it: the
    /// IBAN, upper case and without spaces; a German bank code and account
    /// number as MT940 writes them ("37040044/0532013000") as their IBAN
    /// (DE89370400440532013000), so a camt and an MT940 export of one
    /// account are one account.
    public static func accountKey(_ text: String) -> String? {
        guard let word = oneWord(text) else { return nil }
        let parts = word.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 2, parts[0].count == 8, (1...10).contains(parts[1].count), parts.allSatisfy({ $0.allSatisfy(\.isNumber) }) {
            let bban = parts[0] + String(repeating: "0", count: 10 - parts[1].count) + parts[1]
            let check = 98 - CreditorReference.mod97(bban + "DE00")
            return "DE" + (check < 10 ? "0" : "") + String(check) + bban
        }
        return word.uppercased()
    }

    /// An account id as a key part: no spaces or control characters, bounded.
    static func oneWord(_ text: String) -> String? {
        let word = String(text.unicodeScalars.filter { !$0.properties.isWhitespace && $0.properties.generalCategory != .control }.prefix(34)
            .map(Character.init))
        return word.isEmpty ? nil : word
    }

    /// The entry with every text on one line, without control characters
    /// (a Windows-1252 byte read as Latin-1 is one; a line break inside a
    /// remittance is another) and bounded, so that what is kept in the
    /// ledger and logged reads back as it was written.
    func cleaned() -> StatementEntry {
        func clean(_ text: String?, _ limit: Int) -> String? {
            guard let text else { return nil }
            let words = text.unicodeScalars.split(whereSeparator: {
                $0.properties.isWhitespace || [.control, .format].contains($0.properties.generalCategory)
            }).map { String(String.UnicodeScalarView($0)) }
            let line = String(words.joined(separator: " ").prefix(limit))
            return line.isEmpty ? nil : line
        }
        var entry = self
        entry.payerName = clean(payerName, 140)
        entry.payerIBAN = clean(payerIBAN, 34).map { $0.replacingOccurrences(of: " ", with: "") }
        entry.creditorReference = clean(creditorReference, 35)
        entry.remittance = clean(remittance, 1000) ?? ""
        entry.bankReference = clean(bankReference, 35)
        entry.endToEndID = clean(endToEndID, 35)
        entry.customerReference = clean(customerReference, 35)
        entry.returnReason = clean(returnReason, 35)
        return entry
    }
}

/// A statement file read: its format, the account it is for and its entries.
public struct BankStatement: Sendable, Equatable {
    /// "camt.053.001.08", "camt.054.001.02", "MT940".
    public var format: String
    /// The account's IBAN (or other id) the statement is for.
    public var account: String?
    public var entries: [StatementEntry]
    /// The last day the statement covers: MT940's closing balance date,
    /// camt's to-date or creation date, else its latest booking. Credits
    /// are known up to it, and no further (the stale payment feed guard).
    public var periodEnd: CalendarDate?
    /// What is odd but not wrong enough to refuse (entries that do not add
    /// up to the closing balance): logged as `warning` lines.
    public var warnings: [String] = []

    public init(format: String, account: String?, entries: [StatementEntry], periodEnd: CalendarDate? = nil) {
        self.format = format
        self.account = account
        self.entries = entries
        self.periodEnd = periodEnd ?? entries.map { $0.bookingDate ?? $0.valueDate }.max()
    }
}

/// Why a statement cannot be read: where and what to do.
public struct StatementError: Error, Sendable, Equatable, CustomStringConvertible {
    public var position: String
    public var field: String
    public var reason: String
    public var description: String { "\(position) (\(field)): \(reason)" }
}

extension StatementEntry {
    /// Why an amount as a statement writes it cannot be a booking, or nil:
    /// more digits than the format allows (camt 18, MT940 15 characters),
    /// more decimals than its currency has. A statement with one is damaged
    /// or not a bank's, and is refused whole.
    static func amountProblem(_ text: String, maxDigits: Int, currency: String?) -> String? {
        let digits = text.filter(\.isNumber).count
        if digits > maxDigits { return "the amount \(text) has \(digits) digits, more than the format's \(maxDigits)" }
        let separator = text.lastIndex { $0 == "." || $0 == "," }
        let decimals = separator.map { text.distance(from: $0, to: text.endIndex) - 1 } ?? 0
        if let currency, Currency.isKnown(currency), decimals > Currency.minorUnits(currency) {
            return "the amount \(text) has \(decimals) decimals; \(currency) has \(Currency.minorUnits(currency))"
        }
        return nil
    }
}
