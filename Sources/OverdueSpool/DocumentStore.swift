import Foundation

/// Invoice PDFs, content-addressed: `documents/<sha256>.pdf`, written once
/// (atomically, fsynced) before the ledger records that it exists, so a
/// document the ledger names is always on disk. The same PDF dropped twice,
/// or named by several invoices, is stored once.
public struct DocumentStore: Sendable {
    public let folder: URL

    public init(spool: Spool) {
        folder = spool.documents
    }

    public func url(sha256: String) -> URL { folder.appendingPathComponent("\(sha256).pdf") }

    /// Stores the bytes under their digest unless they are there already.
    public func put(_ bytes: [UInt8], sha256: String) throws {
        let target = url(sha256: sha256)
        if FileManager.default.fileExists(atPath: target.path) { return }
        try DurableIO.writeAtomically(bytes, to: target)
    }

    /// The stored bytes, or nil when the file is gone (a person deleted it).
    public func read(sha256: String) -> [UInt8]? {
        (try? DurableIO.read(url(sha256: sha256))) ?? nil
    }
}
