import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The spool: every durable thing under one directory, one subdirectory per
/// state, so `ls` shows where work stands (as in Postfix's queue).
public struct Spool: Sendable {
    public let root: URL

    public init(root: String) {
        self.root = URL(fileURLWithPath: root, isDirectory: true).standardizedFileURL
    }

    /// Files dropped by people or programs; read once they are complete.
    public var inbox: URL { root.appendingPathComponent("inbox", isDirectory: true) }
    /// Bad files and bad records, each with a `.error` file saying why.
    public var rejected: URL { root.appendingPathComponent("rejected", isDirectory: true) }
    /// Inbox files after they were read, kept as the record of what arrived.
    public var archive: URL { root.appendingPathComponent("archive", isDirectory: true) }
    /// The ledger journal: every accepted invoice and event.
    public var ledger: URL { root.appendingPathComponent("ledger", isDirectory: true) }
    /// The delivery log, one JSON Lines file per UTC day.
    public var log: URL { root.appendingPathComponent("log", isDirectory: true) }
    /// The lock file and other run-time state.
    public var run: URL { root.appendingPathComponent("run", isDirectory: true) }
    /// The embedded default mail store (a Maildir).
    public var mail: URL { root.appendingPathComponent("mail", isDirectory: true) }
    /// The exact bytes of every message sent, named by its key: the record
    /// of each communication.
    public var messages: URL { root.appendingPathComponent("messages", isDirectory: true) }
    /// Invoice PDFs, once each, named by their SHA-256 (see `DocumentStore`).
    public var documents: URL { root.appendingPathComponent("documents", isDirectory: true) }

    /// Secrets overdue makes for itself (the feedback signing key), 0700.
    public var keys: URL { root.appendingPathComponent("keys", isDirectory: true) }

    public var ledgerJournal: URL { ledger.appendingPathComponent("journal.jsonl") }

    public var allDirectories: [URL] {
        [inbox, rejected, archive, ledger, log, run, mail, messages, documents, keys]
    }

    /// The inbox's mode: group-writable, setgid so files dropped by the
    /// finance team's group belong to the spool's group (see the README),
    /// and sticky (like /tmp) so a member can rename or delete only their
    /// own files, never put a link or another file over someone else's
    /// while the daemon reads it.
    public static let inboxMode: mode_t = 0o3770

    /// Creates any missing directory, and gives the inbox its mode every
    /// time: mkdir(2) applies the umask and may drop the setgid bit, and an
    /// operator's chmod may have changed it. (The spool's owner runs this;
    /// another user's chmod fails harmlessly.)
    public func create() throws(SpoolIOError) {
        for directory in [root] + allDirectories {
            let mode: mode_t = directory == inbox ? Self.inboxMode : directory == keys ? 0o700 : 0o750
            if mkdir(directory.path, mode) != 0, errno != EEXIST {
                throw SpoolIOError(operation: "create directory", path: directory.path, errno: errno)
            }
        }
        var info = stat()
        if stat(inbox.path, &info) == 0, info.st_uid == geteuid(), info.st_mode & 0o7777 != Self.inboxMode {
            _ = chmod(inbox.path, Self.inboxMode)
        }
    }

    /// Whether the spool was ever created (read-only commands say so instead
    /// of creating it).
    public var exists: Bool { FileManager.default.fileExists(atPath: ledger.path) }

    /// Removes temp files left by a crash mid-write (`DurableIO` names them
    /// `.tmp-*`); their content was never acknowledged.
    @discardableResult
    public func removeStaleTempFiles() -> [String] {
        var removed: [String] = []
        for directory in allDirectories where directory != inbox {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            for name in names where name.hasPrefix(".tmp-") {
                if unlink(directory.appendingPathComponent(name).path) == 0 { removed.append("\(directory.lastPathComponent)/\(name)") }
            }
        }
        return removed
    }

    /// Regular files in a directory (no dot-files), for counts.
    public func count(in directory: URL, suffix: String? = nil) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { !$0.hasPrefix(".") && (suffix == nil || $0.hasSuffix(suffix!)) }.count
    }
}
