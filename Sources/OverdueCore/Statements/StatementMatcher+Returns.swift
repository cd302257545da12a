import Foundation

/// Returned credits: which credit a reversal takes back, and what returning it reopens.
extension StatementMatcher {

    /// The credit a reversal takes back: the applied or unplaced credit
    /// with its end-to-end id or its bank reference; else the one applied or
    /// unplaced credit of the same amount from the same IBAN (or, without an
    /// IBAN, unplaced from the same name). Nil when that is not one credit.
    func original(of reversal: StatementEntry) -> String? {
        if let endToEnd = reversal.endToEndID.map(Self.word) {
            if let key = appliedEndToEnd[endToEnd] { return key }
            // An unplaced credit without the bank's reference is keyed by its end-to-end id.
            if let key = unplaced.keys.first(where: { $0.contains(":e2e:\(endToEnd):") }) { return key }
        }
        if let reference = entry(reference: reversal.bankReference) { return reference }
        var candidates = Set<String>()
        if let iban = reversal.payerIBAN {
            for (key, paid) in appliedPayments where appliedIBAN[key] == iban && paid.reduce(Decimal(0), { $0 + $1.amount }) == reversal.amount {
                candidates.insert(key)
            }
            for (key, credit) in unplaced where credit.payerIBAN == iban && credit.amount == reversal.amount { candidates.insert(key) }
        } else if let name = reversal.payerName.map(Self.normalizedName) {
            for (key, credit) in unplaced where credit.payerName.map(Self.normalizedName) == name && credit.amount == reversal.amount {
                candidates.insert(key)
            }
        }
        return candidates.count == 1 ? candidates.first : nil
    }

    func entry(reference: String?) -> String? {
        guard let reference else { return nil }
        let suffix = ":\(Self.word(reference))"
        return appliedKeys.keys.first { $0.hasSuffix(suffix) } ?? unplaced.keys.first { $0.hasSuffix(suffix) }
    }

    /// What returning `amount` of the credit `original` reopens, invoice by
    /// invoice (the last paid first), recorded so that a second return of
    /// it in the same file takes back only what is left. Empty when
    /// nothing of it is left to return (returned before, or never placed).
    public mutating func takeBack(_ amount: Decimal, of original: String) -> [Allocation] {
        var left = amount
        var returned: [Allocation] = []
        for allocation in (appliedPayments[original] ?? []).reversed() where left > 0 && allocation.amount > 0 {
            let taken = min(left, allocation.amount)
            returned.append(Allocation(invoice: allocation.invoice, amount: taken))
            left -= taken
        }
        for allocation in returned { deduct(allocation.amount, of: allocation.invoice, from: original) }
        return returned
    }

    mutating func deduct(_ amount: Decimal, of invoice: String, from original: String) {
        guard var paid = appliedPayments[original] else { return }
        var left = amount
        for index in paid.indices.reversed() where paid[index].invoice == invoice && left > 0 {
            let taken = min(left, paid[index].amount)
            paid[index].amount -= taken
            left -= taken
        }
        appliedPayments[original] = paid
    }
}
