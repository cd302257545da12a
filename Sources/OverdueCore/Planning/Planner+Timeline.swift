import Dispatch
import Foundation

extension Planner {
    /// The sends the daemon would make from `start` until `end` if nothing
    /// else changed: plan, record what is due as sent, plan again at the next
    /// wake-up. Debtors do not affect each other (consolidation and gaps are
    /// per debtor), so each debtor's invoices step through time on their
    /// own: the work grows with invoices × stages, not invoices × every
    /// wake-up of every debtor. At most `maxSteps` plan calls per debtor.
    public func timeline(ledger: Ledger, history: DeliveryHistory, from start: Date, until end: Date,
                         maxSteps: Int = 1_000_000) -> [PlannedSend] {
        timelineAndStart(ledger: ledger, history: history, from: start, until: end, maxSteps: maxSteps).sends
    }

    /// The timeline, and what waits for approval and what is held at
    /// `start` (each debtor's first step is the plan at `start`; held items
    /// by debtor), so `overdue plan` does not plan the ledger twice.
    public func timelineAndStart(ledger: Ledger, history: DeliveryHistory, from start: Date, until end: Date,
                                 maxSteps: Int = 1_000_000) -> (sends: [PlannedSend], pending: [PendingApproval], held: [HeldItem]) {
        // Positions, not copies: a million entries of ~400 bytes each.
        let all = ledger.entries.values
        var byDebtor: [String: [Int]] = [:]
        for (position, entry) in all.enumerated() {
            byDebtor[ledger.directory.effective(for: entry.invoice).customer.id, default: []].append(position)
        }
        let debtors = Array(byDebtor)
        // Independent debtors also make the work divisible: slices of them
        // step through time on all cores, each with its own copy of the history.
        let sliceCount = debtors.count < 1000 ? 1 : 16
        let slices = parallelMap(sliceCount) { slice in
            var history = history
            var sends: [PlannedSend] = []
            var atStart: [(customer: String, pending: [PendingApproval], held: [HeldItem])] = []
            for (customer, positions) in debtors[(debtors.count * slice / sliceCount)..<(debtors.count * (slice + 1) / sliceCount)] {
                let entries = positions.lazy.map { all[$0] }
                var now = start
                for step in 0..<maxSteps {
                    let result = plan(entries, ledger: ledger, history: history, now: now)
                    if step == 0, !result.pending.isEmpty || !result.held.isEmpty {
                        atStart.append((customer, result.pending, result.held))
                    }
                    // A message waiting for approval is shown where it would
                    // go once approved (marked `needsApproval`).
                    let due = result.due + result.pending.map(\.send).filter(\.windowOpen)
                    if !due.isEmpty || !result.skipped.isEmpty {
                        for send in due { history.record(send.sentMessage(at: now)) }
                        for send in result.skipped { history.record(send.sentMessage(at: now), status: .suppressed) }
                        sends += due
                        continue  // plan again at the same instant: the sends changed the gaps and fallbacks
                    }
                    guard let next = result.nextWake, next < end else { break }
                    now = next
                }
            }
            return (sends, atStart)
        }
        var sends = slices.flatMap(\.0).sorted {
            ($0.time, $0.customer, $0.channel.rawValue, $0.recipient) < ($1.time, $1.customer, $1.channel.rawValue, $1.recipient)
        }
        // What the views show of each send, decided here: its approval and the holidays that moved it.
        let approvals = approvals(of: sends, ledger: ledger)
        for index in sends.indices {
            sends[index].approval = approvals[sends[index].key] ?? .notNeeded
            sends[index].movedBy = holidayMove(sends[index])
        }
        let atStart = slices.flatMap(\.1).sorted { $0.customer < $1.customer }
        return (sends, atStart.flatMap(\.pending), atStart.flatMap(\.held))
    }
}
