import Foundation
import Logging
import OverdueSpool
#if canImport(Glibc)
import Glibc
#endif

extension Ingester {
    /// Moves a read inbox file out of the inbox (to the archive or
    /// `rejected/`), making sure the file moved is the one whose bytes were
    /// read. The inbox is sticky, so only a file's owner can rename another
    /// file over its name; if that happened between the read and the move,
    /// the newcomer was never read: it goes back into the inbox under a new
    /// name for the next pass, and what was read stays recorded by its
    /// digest in the ledger journal.
    ///
    /// A hard link is not moved: its inbox name is removed, and the file
    /// stays where its other name is (it may be a file only the daemon may
    /// read, which must not appear in the group-readable spool).
    func take(_ entry: InboxFiles.Entry, to destination: URL, now: Date) throws {
        if entry.links > 1 {
            // Only the name that still is the link read (its owner may have renamed a new file over it).
            var now = stat()
            guard lstat(entry.url.path, &now) == 0, now.st_dev == entry.device, now.st_ino == entry.inode else { return }
            guard unlink(entry.url.path) == 0 || errno == ENOENT else {
                throw SpoolIOError(operation: "remove the hard link", path: entry.url.path, errno: errno)
            }
            return try DurableIO.syncDirectory(spool.inbox.path)
        }
        try DurableIO.move(entry.url, to: destination)
        var info = stat()
        guard entry.inode != 0, lstat(destination.path, &info) == 0,
              info.st_dev != entry.device || info.st_ino != entry.inode else { return }
        let back = spool.inbox.appendingPathComponent("\(entry.name).replaced-\(Int(now.timeIntervalSince1970))-\(info.st_ino)")
        try DurableIO.move(destination, to: back)
        try log.append([LogEntry(time: now, event: "replaced", fields: [
            "file": .string(entry.name), "field": .string("file"),
            "detail": .string("the file was replaced while it was read; the new file was not read and waits in the inbox as \(back.lastPathComponent)"),
        ])])
        logger.warning("inbox file replaced while it was read; the new file waits for the next pass",
                       metadata: ["inbox.file": "\(entry.name)", "inbox.renamed": "\(back.lastPathComponent)"])
    }
}
