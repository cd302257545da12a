import Foundation

/// The reference a payment from a bank statement carries: "bank:KEY", the
/// payer's IBAN when the statement gave one (" iban:DE89…": later credits
/// from that account are known to be the debtor's), and the end-to-end id
/// (" e2e:…": a return of the credit names it). A returned payment's
/// reference names the credit it returns (" returns:KEY").
public struct BankReference: Sendable, Equatable {
    public var key: String
    public var iban: String?
    public var endToEnd: String?
    public var returns: String?
    /// Placed by a person (`overdue assign`), not by a statement: valid only
    /// while the credit is still unplaced, and no news from the bank.
    public var assigned = false

    public init(key: String, iban: String?, endToEnd: String?, returns: String? = nil, assigned: Bool = false) {
        self.key = key
        self.iban = iban
        self.endToEnd = endToEnd.map(StatementMatcher.word)
        self.returns = returns
        self.assigned = assigned
    }

    public init?(_ reference: String) {
        guard reference.hasPrefix("bank:") else { return nil }
        let parts = reference.dropFirst(5).split(separator: " ")
        guard let first = parts.first else { return nil }
        key = String(first)
        iban = parts.dropFirst().first { $0.hasPrefix("iban:") }.map { String($0.dropFirst(5)) }
        endToEnd = parts.dropFirst().first { $0.hasPrefix("e2e:") }.map { String($0.dropFirst(4)) }
        returns = parts.dropFirst().first { $0.hasPrefix("returns:") }.map { String($0.dropFirst(8)) }
        assigned = parts.dropFirst().contains("assigned")
    }

    public var text: String {
        "bank:\(key)" + (iban.map { " iban:\($0)" } ?? "") + (endToEnd.map { " e2e:\($0)" } ?? "") + (returns.map { " returns:\($0)" } ?? "") + (assigned ? " assigned" : "")
    }
}
