import Foundation
import OverdueSpool
#if canImport(Glibc)
import Glibc
#endif

/// An inbox file the spool's owner cannot read, and why.
public struct StuckInboxFile: Sendable, Equatable {
    public var name: String
    public var since: Date
    public var reason: String
}

/// Which inbox entries to read, and in what order.
///
/// Convention (documented in the README): write a file under a dot-name or
/// with `.tmp` / `.part` at the end, then rename it into place; or write it
/// elsewhere on the same filesystem and `mv` it in. Such names are never read.
package enum InboxFiles {
    static func isIgnored(_ name: String) -> Bool {
        name.hasPrefix(".") || name.hasSuffix(".tmp") || name.hasSuffix(".part") || name.hasSuffix("~")
    }

    struct Entry {
        var url: URL
        var name: String
        var size: Int
        var modified: Date
        var isRegular: Bool
        var isDirectory: Bool
        var owner: uid_t = 0
        var group: gid_t = 0
        var mode: mode_t = 0
        /// Which file this is (from lstat when listed, from fstat of the
        /// descriptor once read): the file moved to the archive must be the
        /// one whose bytes were read.
        var device: dev_t = 0
        var inode: ino_t = 0
        var links: nlink_t = 1
    }

    /// Why the spool's owner (`ownerUID`, group `spoolGID`) cannot read this
    /// file, or nil: decided from the file's owner, group and mode, so
    /// `overdue status` run by anyone gives the daemon's answer.
    static func unreadable(_ entry: Entry, ownerUID: uid_t, spoolGID: gid_t) -> String? {
        guard entry.isRegular else { return nil }  // rejected with its own reason
        if entry.owner == ownerUID ? entry.mode & 0o400 != 0 : entry.group == spoolGID ? entry.mode & 0o040 != 0 : entry.mode & 0o004 != 0 {
            return nil
        }
        let who = getpwuid(entry.owner).map { String(cString: $0.pointee.pw_name) } ?? "uid \(entry.owner)"
        let group = getgrgid(entry.group).map { String(cString: $0.pointee.gr_name) } ?? "gid \(entry.group)"
        return "owned by \(who):\(group), mode \(String(entry.mode & 0o777, radix: 8)): the daemon cannot read it; "
            + "give the group read access (chmod g+r) or drop files with install -m 0640 into the setgid inbox"
    }

    /// The inbox files the daemon cannot read, oldest first.
    package static func stuck(in spool: Spool) -> [StuckInboxFile] {
        var info = stat()
        guard stat(spool.root.path, &info) == 0 else { return [] }
        return list(spool.inbox).compactMap { entry in
            unreadable(entry, ownerUID: info.st_uid, spoolGID: info.st_gid).map { StuckInboxFile(name: entry.name, since: entry.modified, reason: $0) }
        }
    }

    /// Entries to act on, oldest first (then by name), so events dropped after
    /// their invoices are read after them.
    static func list(_ inbox: URL) -> [Entry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: inbox.path)) ?? []
        var entries: [Entry] = []
        for name in names where !isIgnored(name) {
            let url = inbox.appendingPathComponent(name)
            var info = stat()
            guard lstat(url.path, &info) == 0 else { continue }  // vanished meanwhile
            let kind = info.st_mode & S_IFMT
            let modified = Date(timeIntervalSince1970: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
            entries.append(Entry(url: url, name: name, size: Int(info.st_size), modified: modified,
                                 isRegular: kind == S_IFREG, isDirectory: kind == S_IFDIR,
                                 owner: info.st_uid, group: info.st_gid, mode: info.st_mode,
                                 device: info.st_dev, inode: info.st_ino, links: info.st_nlink))
        }
        return entries.filter { !$0.isDirectory }.sorted { ($0.modified, $0.name) < ($1.modified, $1.name) }
    }

    /// A name for spool files derived from the file's digest plus a cleaned
    /// copy of its original name (letters, digits, `. _ -` only), so no input
    /// can steer a path.
    static func spoolName(digest: String, original: String) -> String {
        var cleaned = String(originalName(original).unicodeScalars.map { scalar -> Character in
            let allowed = ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                || scalar == "." || scalar == "_" || scalar == "-"
            return allowed ? Character(scalar) : "_"
        }.prefix(80))
        while cleaned.hasPrefix(".") { cleaned.removeFirst() }
        return "\(digest.prefix(12))-\(cleaned.isEmpty ? "file" : cleaned)"
    }

    /// The name a file had before overdue named it: a rejected file that was
    /// fixed and moved back ("356b17f5c34d-bad.rejected.json") is "bad.json"
    /// again, so a second rejection does not stack prefixes and suffixes.
    static func originalName(_ name: String) -> String {
        var name = Substring(name)
        while let dash = name.firstIndex(of: "-"), name.distance(from: name.startIndex, to: dash) == 12,
              name[..<dash].allSatisfy(\.isHexDigit) {
            name = name[name.index(after: dash)...]
        }
        return String(name).replacingOccurrences(of: ".rejected.", with: ".")
    }
}
