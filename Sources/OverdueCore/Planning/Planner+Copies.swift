import Foundation

/// The Cc copies of one unit's letter at one stage. Each Cc address of the
/// directory gets the debtor's letter as its own delivery (its own envelope
/// recipient, key, outcome and retry, so one refused address never holds
/// back the debtor's copy: libcurl 7.88 fails a whole transfer on one
/// refused RCPT). Opted-out or bounced addresses get none and are logged as
/// suppressed once; copies never count as contacts or stages.
struct CopyPlan {
    /// The Cc header: every address that may be written to.
    let header: [String]
    /// Addresses still without a copy of this stage's letter.
    private let due: [String]
    /// Addresses that may not be written to and have no record yet, with why.
    private let unreachable: [(address: String, reason: String)]
    private let windowHours: Int

    init(debtor: EffectiveCustomer, stage: String, unitID: String, planner: Planner, ledger: Ledger, history: DeliveryHistory) {
        windowHours = planner.settings.copyWindowHours
        guard !debtor.cc.isEmpty else {
            (header, due, unreachable) = ([], [], [])
            return
        }
        let done = Set(history.copies(of: unitID).filter { $0.stage == stage }.map { OptOut.normalize($0.recipient) })
        let primary = debtor.customer.email.map(OptOut.normalize)
        var header: [String] = [], due: [String] = [], unreachable: [(String, String)] = []
        for address in debtor.cc where OptOut.normalize(address) != primary {
            switch planner.reach(address, on: .email, ledger: ledger) {
            case .recipient:
                header.append(address)
                if !done.contains(OptOut.normalize(address)) { due.append(address) }
            case .unreachable(_, let reason):
                if !done.contains(OptOut.normalize(address)) { unreachable.append((address, reason)) }
            }
        }
        (self.header, self.due, self.unreachable) = (header, due, unreachable)
    }

    /// Copies beside the debtor's own letter, offered with it.
    func offer(from letter: Planner.Candidate, into evaluation: inout Planner.Evaluation, windowOpen: Bool) {
        for address in due { evaluation.due.append(copy(of: letter, to: address)) }
        guard windowOpen else { return }
        for (address, reason) in unreachable {
            var skipped = copy(of: letter, to: address)
            skipped.skipReason = reason
            evaluation.skipped.append(skipped)
        }
    }

    /// Copies still owed after the letter itself went out (a Cc address the
    /// relay deferred): within the retry lifetime of the letter.
    func retryDue(after letters: [DeliveryHistory.StageSend], debtorAddress: String?, now: Date) -> Bool {
        guard !due.isEmpty, debtorAddress != nil,
              let sent = letters.filter({ $0.reached && $0.channel == .email }).map(\.time).max() else { return false }
        return now.timeIntervalSince(sent) < Double(windowHours) * 3600
    }

    /// The copies still owed after a letter that went out (`retryDue` says whether any are).
    func retry(after letters: [DeliveryHistory.StageSend], template: Planner.Candidate, debtorAddress: String?,
               into evaluation: inout Planner.Evaluation) {
        guard let address = debtorAddress else { return }
        var letter = template
        letter.recipient = address
        for cc in due { evaluation.due.append(copy(of: letter, to: cc)) }
    }

    private func copy(of letter: Planner.Candidate, to address: String) -> Planner.Candidate {
        var copy = letter
        copy.recipient = address
        copy.fallbackFrom = nil
        copy.extras.copy = true
        copy.extras.to = letter.recipient
        return copy
    }
}
