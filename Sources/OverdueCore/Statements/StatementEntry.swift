import Foundation

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

/// A statement file read: its format, the account it is for and its entries.
public struct BankStatement: Sendable, Equatable {
    /// "camt.053.001.08", "camt.054.001.02", "MT940".
    public var format: String
    /// The account's IBAN (or other id) the statement is for.
    public var account: String?
    public var entries: [StatementEntry]
}

/// Why a statement cannot be read: where and what to do.
public struct StatementError: Error, Sendable, Equatable, CustomStringConvertible {
    public var position: String
    public var field: String
    public var reason: String
    public var description: String { "\(position) (\(field)): \(reason)" }
}
