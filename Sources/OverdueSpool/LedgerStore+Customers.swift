import Foundation
import OverdueCore

extension LedgerStore {
    /// Where the customer record in force for `id` came from: the inbox
    /// file and when it was committed (the last committed `customer` record
    /// of that id in the journal), for `overdue show CUSTOMER`.
    public static func customerSource(_ id: String, spool: Spool) throws -> (file: String, time: String)? {
        let decoder = JSONDecoder()
        var found: (file: String, time: String)?
        var uncommitted: (file: String, time: String)?
        try AppendJournal.forEachLine(of: spool.ledgerJournal) { line in
            if line.starts(with: commitPrefix) {
                if let candidate = uncommitted { found = candidate }
                uncommitted = nil
                return
            }
            // Cheap test first: most lines are invoices and events.
            guard line.starts(with: invoicePrefix) == false,
                  let record = try? decoder.decode(RecordLine.self, from: Data(line)),
                  case .object(let data) = record.data, data["record"] == .string("customer"), data["id"] == .string(id)
            else { return }
            uncommitted = (record.file, record.time)
        }
        return found
    }
}
