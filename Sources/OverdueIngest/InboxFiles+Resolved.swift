import Foundation
import OverdueCore
import OverdueSpool

extension InboxFiles {
    /// Where rejections go once a file of the same name was accepted whole.
    static func resolvedDirectory(_ spool: Spool) -> URL { spool.rejected.appendingPathComponent("resolved", isDirectory: true) }

    /// A file accepted whole (the fixed file dropped again, or its rejected
    /// records moved back) resolves the earlier rejections of the file of
    /// that name: their `.error` and kept records move to
    /// `rejected/resolved/`, so `status` counts what is still to fix and
    /// nothing is lost. Returns the names moved.
    static func resolveRejections(of accepted: String, in spool: Spool) throws -> [String] {
        let original = originalName(accepted)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: spool.rejected.path)) ?? []
        let earlier = names.filter { name in
            guard !name.hasPrefix("."), name != "resolved" else { return false }
            let base = name.hasSuffix(".error") ? String(name.dropLast(".error".count)) : name
            return originalName(base) == original
        }.sorted()
        guard !earlier.isEmpty else { return [] }
        let resolved = resolvedDirectory(spool)
        try FileManager.default.createDirectory(at: resolved, withIntermediateDirectories: true)
        for name in earlier {
            try DurableIO.move(spool.rejected.appendingPathComponent(name), to: resolved.appendingPathComponent(name))
        }
        return earlier
    }
}
