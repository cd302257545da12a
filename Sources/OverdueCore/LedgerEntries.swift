/// The ledger's invoices by id. A dictionary of `LedgerEntry` values keeps
/// a quarter of its slots empty and, while it grows, briefly holds the old
/// and the new table: with a million invoices of ~400 bytes that alone is
/// gigabytes. Here the entries sit packed in one array, and only the small
/// id → position index is hashed.
public struct LedgerEntries: Sendable {
    private var index: [String: Int] = [:]
    private var storage: [LedgerEntry] = []

    public init() {}

    public var count: Int { storage.count }
    public var isEmpty: Bool { storage.isEmpty }
    /// Every entry, in the order the invoices first arrived.
    public var values: [LedgerEntry] { storage }

    public subscript(id: String) -> LedgerEntry? {
        get { index[id].map { storage[$0] } }
        set {
            if let position = index[id] {
                if let newValue {
                    storage[position] = newValue
                } else {
                    // Removal (only when a batch is taken back): the last entry fills the gap.
                    let last = storage.removeLast()
                    index[id] = nil
                    if position < storage.count {
                        storage[position] = last
                        index[last.invoice.id] = position
                    }
                }
            } else if let newValue {
                index[id] = storage.count
                storage.append(newValue)
            }
        }
    }

    /// Where an invoice sits in `values` (arrival order, until a batch is taken back).
    public func position(of id: String) -> Int? { index[id] }

    /// The entry at a position of `values`, without copying the array.
    public subscript(position position: Int) -> LedgerEntry { storage[position] }

    /// Room for `count` entries, so a replay does not grow the storage step by step.
    public mutating func reserveCapacity(_ count: Int) {
        index.reserveCapacity(count)
        storage.reserveCapacity(count)
    }

    /// Entries restored in their order of arrival (a snapshot), taking the
    /// array as it is: only the index is built, the entries are not copied.
    /// Nil if two entries have one id (a ledger never holds that).
    public init?(packed entries: [LedgerEntry]) {
        storage = entries
        index.reserveCapacity(entries.count)
        // By position, not `for entry in`: a loop variable would copy each whole entry.
        for position in storage.indices { index[storage[position].invoice.id] = position }
        guard index.count == storage.count else { return nil }
    }
}
