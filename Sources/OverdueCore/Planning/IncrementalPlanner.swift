import Foundation

/// The planner's answers kept per debtor between the daemon's passes, so a
/// pass re-plans only the debtors something happened to, not the whole
/// ledger. `Planner` stays the one place that decides: this type calls it
/// per debtor (consolidation, gaps, `min_amount` and approvals are all per
/// debtor, so a debtor's plan does not depend on anyone else's) and only
/// chooses whom to ask again:
/// - debtors whose invoices changed (`LedgerChanges`), under the debtor
///   they belonged to and the one they belong to now;
/// - debtors whose next wake-up has come;
/// - debtors whose last plan had something to do (due, skipped, waiting for
///   approval, held for a reason that moves with time): what the pass sends
///   or records for them changes their delivery history;
/// - everyone, once, at the start, after a change that is not about one
///   invoice (an opt-out, a customer record), when the stale payment feed
///   guard flips, when the clock goes back, and after `invalidateAll()`
///   (a configuration reload, a re-queue of failed deliveries).
/// `IncrementalPlannerTests` compares its answers with a full plan at every
/// step of random event streams.
public struct IncrementalPlanner: Sendable {
    public let planner: Planner
    /// Debtor ids by dense number, and back.
    private var debtorIDs: [String] = []
    private var debtorNumbers: [String: Int32] = [:]
    /// For each position of `ledger.entries.values`, the debtor it was planned under.
    private var debtorOfPosition: [Int32] = []
    /// Each debtor's positions in the ledger, in arrival order (the full plan's order).
    private var positions: [[Int32]] = []
    /// The last plan of each debtor that had anything in it (not only a wake-up).
    private var results: [Int32: PlanResult] = [:]
    /// Debtors planned again at every pass (see above).
    private var active: Set<Int32> = []
    /// Each debtor's next wake-up, and the same as a heap (stale heap entries are skipped).
    private var wakeOf: [Date?] = []
    private var wakes = WakeHeap()
    private var planned = false
    private var lastNow: Date?
    private var lastStale: Date?
    /// How many debtors the last call planned, and whether it was a full plan.
    public private(set) var lastCall = CallStats()

    public struct CallStats: Sendable, Equatable {
        public var debtorsPlanned = 0
        public var full = false
    }

    public init(planner: Planner) {
        self.planner = planner
    }

    /// The next call plans every debtor.
    public mutating func invalidateAll() { planned = false }

    /// What is due at `now`: the same answer as `planner.plan(ledger:history:now:)`
    /// (held items grouped by debtor), from the debtors that needed asking.
    /// `changes` are the ledger's since the last call (`Ledger.takeChanges()`).
    public mutating func plan(ledger: Ledger, changes: LedgerChanges, history: DeliveryHistory, now: Date) -> PlanResult {
        let stale = planner.staleSince(ledger, now: now)
        let full = !planned || changes.everything || now < (lastNow ?? now) || stale != lastStale
            || ledger.entries.count < debtorOfPosition.count
        lastNow = now
        lastStale = stale
        var dirty: Set<Int32>
        if full {
            dirty = rebuildDebtors(ledger)
            results = [:]
            active = []
            wakes = WakeHeap()
            planned = true
        } else {
            dirty = moveChanged(changes.invoices, ledger: ledger)
            dirty.formUnion(active)
            while let top = wakes.top, top.time <= now {
                wakes.pop()
                if wakeOf[Int(top.debtor)] == top.time { dirty.insert(top.debtor) }
            }
        }
        replan(dirty, ledger: ledger, history: history, now: now)
        lastCall = CallStats(debtorsPlanned: dirty.count, full: full)
        return assemble(now: now)
    }

    // MARK: who belongs to whom

    private mutating func number(of debtor: String) -> Int32 {
        if let number = debtorNumbers[debtor] { return number }
        let number = Int32(debtorIDs.count)
        debtorIDs.append(debtor)
        debtorNumbers[debtor] = number
        positions.append([])
        wakeOf.append(nil)
        return number
    }

    /// Groups the whole ledger by debtor; returns every debtor.
    private mutating func rebuildDebtors(_ ledger: Ledger) -> Set<Int32> {
        debtorIDs = []
        debtorNumbers = [:]
        positions = []
        wakeOf = []
        let entries = ledger.entries.values
        debtorOfPosition = []
        debtorOfPosition.reserveCapacity(entries.count)
        for (position, entry) in entries.enumerated() {
            let debtor = number(of: ledger.directory.effective(for: entry.invoice).customer.id)
            debtorOfPosition.append(debtor)
            positions[Int(debtor)].append(Int32(position))
        }
        return Set(0..<Int32(debtorIDs.count))
    }

    /// Files changed invoices under their debtor now; returns the debtors
    /// they left and joined (new invoices join at the end of the ledger).
    private mutating func moveChanged(_ invoices: Set<String>, ledger: Ledger) -> Set<Int32> {
        var dirty: Set<Int32> = []
        for id in invoices {
            guard let position = ledger.entries.position(of: id) else { continue }
            while debtorOfPosition.count <= position { debtorOfPosition.append(-1) }
            let entry = ledger.entries[position: position]
            let debtor = number(of: ledger.directory.effective(for: entry.invoice).customer.id)
            let previous = debtorOfPosition[position]
            if previous != debtor {
                if previous >= 0 {
                    positions[Int(previous)].removeAll { $0 == Int32(position) }
                    dirty.insert(previous)
                }
                let list = positions[Int(debtor)]
                let at = list.partitioningIndex { $0 > Int32(position) }
                positions[Int(debtor)].insert(Int32(position), at: at)
                debtorOfPosition[position] = debtor
            }
            dirty.insert(debtor)
        }
        return dirty
    }

    // MARK: planning

    private mutating func replan(_ dirty: Set<Int32>, ledger: Ledger, history: DeliveryHistory, now: Date) {
        let debtors = Array(dirty)
        let planner = planner
        let positions = positions
        let planOne: @Sendable (Int32) -> PlanResult = { debtor in
            planner.plan(positions[Int(debtor)].lazy.map { ledger.entries[position: Int($0)] },
                         ledger: ledger, history: history, now: now)
        }
        // Many debtors (a start, a reload): on every core. A few: here.
        let planned: [PlanResult] = debtors.count >= 512
            ? parallelMap((debtors.count + 255) / 256) { chunk in
                debtors[(chunk * 256)..<min(debtors.count, chunk * 256 + 256)].map(planOne)
            }.flatMap { $0 }
            : debtors.map(planOne)
        for (debtor, result) in zip(debtors, planned) {
            let acts = !result.due.isEmpty || !result.skipped.isEmpty || !result.pending.isEmpty
                || !result.expired.isEmpty || result.held.contains(where: \.movesWithTime)
            results[debtor] = acts || !result.held.isEmpty ? result : nil
            if acts {
                active.insert(debtor)
            } else {
                active.remove(debtor)
            }
            let wake = result.nextWake
            if wakeOf[Int(debtor)] != wake {
                wakeOf[Int(debtor)] = wake
                if let wake { wakes.push(WakeHeap.Element(time: wake, debtor: debtor)) }
            }
        }
        // Superseded wake-ups pile up in the heap; past a bound it is rebuilt.
        if wakes.count > 2 * debtorIDs.count + 1024 {
            wakes = WakeHeap(wakeOf.enumerated().compactMap { debtor, time in
                time.map { WakeHeap.Element(time: $0, debtor: Int32(debtor)) }
            })
        }
    }

    /// One plan from the debtors' plans, in the full plan's order (sends by
    /// debtor, channel and recipient; the rest by debtor).
    private mutating func assemble(now: Date) -> PlanResult {
        var result = PlanResult(due: [], nextWake: nil)
        for debtor in results.keys.sorted(by: { debtorIDs[Int($0)] < debtorIDs[Int($1)] }) {
            guard let part = results[debtor] else { continue }
            result.due += part.due
            result.skipped += part.skipped
            result.pending += part.pending
            result.expired += part.expired
            result.held += part.held
        }
        while let top = wakes.top, wakeOf[Int(top.debtor)] != top.time || top.time <= now { wakes.pop() }
        result.nextWake = wakes.top?.time
        return result
    }
}

extension HeldItem {
    /// Held for a reason that can end or change by itself as time passes
    /// (a stale feed, an overdue total, a person's hold over a message that
    /// waits for approval); excluded, no-contact and undeliverable debtors
    /// wait for a record (or a re-queue, which plans everyone); a deadline
    /// ends at an instant the planner wakes for.
    var movesWithTime: Bool {
        switch reason {
        case .excluded, .noContact, .undeliverable, .awaitingDeadline, .noLanguage, .unplacedCredit: false
        case .staleFeed, .belowMinimum, .onHold: true
        }
    }
}

/// A binary min-heap of wake-ups. Written here because the standard
/// library has no priority queue (swift-collections' `Heap` is not among
/// the packages this build may use).
struct WakeHeap: Sendable {
    struct Element: Sendable {
        var time: Date
        var debtor: Int32
    }

    private var elements: [Element] = []

    init() {}

    init(_ elements: [Element]) {
        for element in elements { push(element) }
    }

    var count: Int { elements.count }
    var top: Element? { elements.first }

    mutating func push(_ element: Element) {
        elements.append(element)
        var child = elements.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard elements[child].time < elements[parent].time else { break }
            elements.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() {
        guard !elements.isEmpty else { return }
        elements.swapAt(0, elements.count - 1)
        elements.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < elements.count, elements[left].time < elements[smallest].time { smallest = left }
            if right < elements.count, elements[right].time < elements[smallest].time { smallest = right }
            guard smallest != parent else { return }
            elements.swapAt(parent, smallest)
            parent = smallest
        }
    }
}

extension Array {
    /// The first index whose element satisfies `belongs`, for an array in
    /// which those elements all come after the others (binary search).
    func partitioningIndex(where belongs: (Element) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if belongs(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
