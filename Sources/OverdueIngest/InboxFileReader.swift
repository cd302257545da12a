import Foundation
import OverdueSpool
#if canImport(Glibc)
import Glibc
#endif

/// Reads one inbox file by its descriptor, never by its name twice.
///
/// The listing (`InboxFiles.list`) is only a plan: between it and the read,
/// a member of the inbox's group can rename a symlink, a FIFO or a huge
/// file over a listed name. So the file is opened with `O_NOFOLLOW` (a
/// symlink fails to open, its target is never read), `O_NONBLOCK` (a FIFO
/// or device opens without waiting for a writer) and `O_NOCTTY`; every
/// rule (regular file, size, who may read it) is checked on `fstat` of
/// that descriptor; and at most the size limit plus one byte is read from
/// it, so a file that grows after the check is refused too.
enum InboxFileReader {
    enum Outcome {
        /// The file's bytes, and the entry as the descriptor describes it.
        case read([UInt8], InboxFiles.Entry)
        /// Gone before it could be opened (taken back, or read by another pass).
        case vanished
        /// Never to be read: the reason names what it is and the fix.
        case refused(String, InboxFiles.Entry)
        /// Waits in the inbox for a person (permissions).
        case stuck(String)
    }

    static let notRegular = "the file is not a regular file (a link, pipe or device); copy the file itself into the inbox"

    static let hardLink = "the file has another name elsewhere (a hard link), so only its inbox name was removed; copy the file itself into the inbox (cp, not ln)"

    static func tooLarge(_ size: Int, limit: Int, grew: Bool) -> String {
        let size = grew ? "more than \(megabytes(limit))" : megabytes(size)
        return "the file is \(size) MiB\(grew ? " (it grew while it was read)" : ""), over the limit of \(megabytes(limit)) MiB ([inbox].max_file_mb); split it into smaller files"
    }

    static func megabytes(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1_048_576) }

    /// `owner`: the spool's owner and group, for the rule that decides whether
    /// the daemon may read the file (as `overdue status` reports it).
    static func read(_ listed: InboxFiles.Entry, limit: Int, owner: (uid: uid_t, gid: gid_t)?) throws(SpoolIOError) -> Outcome {
        let fd = open(listed.url.path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        if fd < 0 {
            switch errno {
            case ENOENT: return .vanished
            case ELOOP, ENXIO: return .refused(notRegular, listed)  // a symlink; a socket
            case EACCES, EPERM:
                return .stuck(owner.flatMap { InboxFiles.unreadable(listed, ownerUID: $0.uid, spoolGID: $0.gid) }
                    ?? "the daemon may not open it (\(String(cString: strerror(errno)))); give the group read access (chmod g+r)")
            default: throw SpoolIOError(operation: "open", path: listed.url.path, errno: errno)
            }
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw SpoolIOError(operation: "stat", path: listed.url.path, errno: errno) }
        var entry = listed
        entry.size = Int(info.st_size)
        entry.isRegular = info.st_mode & S_IFMT == S_IFREG
        entry.owner = info.st_uid
        entry.group = info.st_gid
        entry.mode = info.st_mode
        entry.device = info.st_dev
        entry.inode = info.st_ino
        entry.links = info.st_nlink
        guard entry.isRegular else { return .refused(notRegular, entry) }
        // A second name means a hard link: where protected_hardlinks is off,
        // a group member could link a file only the daemon may read (its
        // credentials) into the inbox. A copied file has one name.
        guard entry.links == 1 else { return .refused(hardLink, entry) }
        if let owner, let reason = InboxFiles.unreadable(entry, ownerUID: owner.uid, spoolGID: owner.gid) { return .stuck(reason) }
        guard entry.size <= limit else { return .refused(tooLarge(entry.size, limit: limit, grew: false), entry) }
        // Blocking reads from here on: a regular file never waits.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        var bytes = [UInt8](repeating: 0, count: min(entry.size, limit) + 1)
        var count = 0
        while count < bytes.count {
            let got = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + count, $0.count - count) }
            if got < 0, errno == EINTR { continue }
            guard got >= 0 else { throw SpoolIOError(operation: "read", path: listed.url.path, errno: errno) }
            if got == 0 { break }
            count += got
            // It grew since fstat: read on, but never past limit + 1 bytes.
            if count == bytes.count, count <= limit { bytes += [UInt8](repeating: 0, count: min(65_536, limit + 1 - count)) }
        }
        guard count <= limit else { return .refused(tooLarge(count, limit: limit, grew: true), entry) }
        bytes.removeSubrange(count...)
        return .read(bytes, entry)
    }
}
