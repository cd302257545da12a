import Foundation
import Logging
import OverdueConfig
import OverdueCore
import OverdueIngest
import OverdueSpool
import Testing

/// The inbox between listing and reading: a member of the inbox's group
/// renames a symlink to a secret, a FIFO or a file over the size limit over
/// a listed name. The hook runs just before the daemon opens the file, so
/// each race happens every time.
@Suite("Inbox: what is renamed in between listing and reading")
struct InboxRaceTests {
    static let secret = "user=admin\npassword=hunter2\n"
    let clock = OverdueClock.fixed(Timestamp.parse("2026-12-02T10:00:00Z")!)

    struct Setup {
        var ingester: Ingester
        var spool: Spool
        var outside: URL
    }

    func setup() throws -> Setup {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("overdue-race-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let config = try ConfigLoader.parse("[spool]\ndir = \"spool\"\n[inbox]\nmax_file_mb = 1\n",
                                            path: root.appendingPathComponent("overdue.toml").path)
        let spool = Spool(root: config.spool.dir)
        try spool.create()
        let (store, ledger, committed) = try LedgerStore.openForWriting(spool: spool)
        let ingester = Ingester(spool: spool, config: config, store: store, ledger: ledger, committed: committed,
                                log: EventLog(directory: spool.log), logger: Logger(label: "test"), clock: clock)
        return Setup(ingester: ingester, spool: spool, outside: root)
    }

    /// Drops a good invoice file, and swaps `make`'s result in for it just before it is opened.
    func race(_ setup: Setup, _ make: @escaping (URL) throws -> Void) throws -> IngestSummary {
        let listed = setup.spool.inbox.appendingPathComponent("invoices.csv")
        try "invoice,customer.id,customer.name,customer.email,issued,due,currency,amount\nA-1,c1,C,c@c.example,2026-11-01,2026-12-01,EUR,100.00\n"
            .write(to: listed, atomically: true, encoding: .utf8)
        setup.ingester.beforeOpening = { url in
            guard url.lastPathComponent == listed.lastPathComponent else { return }
            let swap = url.deletingLastPathComponent().appendingPathComponent(".swap")
            try? make(swap)
            #expect(rename(swap.path, url.path) == 0)
        }
        return setup.ingester.ingestInbox()
    }

    /// Every regular file the spool holds, as text (symlinks are not followed).
    func spoolText(_ spool: Spool) -> String {
        let files = FileManager.default.enumerator(at: spool.root, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        return files.compactMap { url -> String? in
            var info = stat()
            guard lstat(url.path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
            return try? String(contentsOf: url, encoding: .utf8)
        }.joined(separator: "\n")
    }

    func errorNote(_ spool: Spool) throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: spool.rejected.path).filter { $0.hasSuffix(".error") }
        #expect(names.count == 1, "\(names)")
        return try names.map { try String(contentsOf: spool.rejected.appendingPathComponent($0), encoding: .utf8) }.joined()
    }

    @Test("a symlink to the daemon's own 0600 secret renamed over a listed file: refused as a link, the secret never read or echoed")
    func symlink() throws {
        let setup = try setup()
        let secret = setup.outside.appendingPathComponent("smtp.credentials")
        #expect(FileManager.default.createFile(atPath: secret.path, contents: Data(Self.secret.utf8), attributes: [.posixPermissions: 0o600]))
        let summary = try race(setup) { swap in try FileManager.default.createSymbolicLink(at: swap, withDestinationURL: secret) }
        #expect(summary.rejected == 1 && summary.accepted == 0)
        let note = try errorNote(setup.spool)
        #expect(note.contains("invoices.csv") && note.contains("not a regular file"), "\(note)")
        let text = spoolText(setup.spool)
        #expect(!text.contains("hunter2") && !text.contains("user=admin"), "the secret reached the spool")
        #expect(try String(contentsOf: secret, encoding: .utf8) == Self.secret)
    }

    @Test("a FIFO renamed over a listed file: refused at once, the pass does not wait for a writer")
    func fifo() throws {
        let setup = try setup()
        let summary = try race(setup) { swap in #expect(mkfifo(swap.path, 0o660) == 0) }
        #expect(summary.rejected == 1 && summary.failedFiles == 0)
        #expect(try errorNote(setup.spool).contains("not a regular file"))
    }

    @Test("a file over the size limit renamed over a listed small one: refused by the descriptor's size, not read")
    func large() throws {
        let setup = try setup()
        let summary = try race(setup) { swap in
            try Data(repeating: UInt8(ascii: "a"), count: (1 << 20) + 1).write(to: swap)
        }
        #expect(summary.rejected == 1)
        let note = try errorNote(setup.spool)
        #expect(note.contains("over the limit of 1.0 MiB") && note.contains("max_file_mb"), "\(note)")
    }

    @Test("a file that is no inbox file: the .error and the log name the file and the fix, never its first line")
    func noEcho() throws {
        let setup = try setup()
        try Self.secret.write(to: setup.spool.inbox.appendingPathComponent("notes.csv"), atomically: true, encoding: .utf8)
        let summary = setup.ingester.ingestInbox()
        #expect(summary.rejected == 1)
        let note = try errorNote(setup.spool)
        #expect(note.contains("notes.csv") && note.contains("CSV header"), "\(note)")
        let logs = try FileManager.default.contentsOfDirectory(atPath: setup.spool.log.path)
            .map { try String(contentsOf: setup.spool.log.appendingPathComponent($0), encoding: .utf8) }.joined()
        #expect(logs.contains("notes.csv"))
        #expect(!(note + logs).contains("user=admin") && !(note + logs).contains("hunter2"), "\(note)\n\(logs)")
    }

    @Test("a hard link to the daemon's own 0600 secret renamed over a listed file: refused as a second name, the secret never read")
    func hardLink() throws {
        let setup = try setup()
        let secret = setup.outside.appendingPathComponent("smtp.credentials")
        #expect(FileManager.default.createFile(atPath: secret.path, contents: Data(Self.secret.utf8), attributes: [.posixPermissions: 0o600]))
        let summary = try race(setup) { swap in #expect(link(secret.path, swap.path) == 0) }
        #expect(summary.rejected == 1 && summary.accepted == 0)
        let note = try errorNote(setup.spool)
        #expect(note.contains("hard link") && note.contains("copy the file itself"), "\(note)")
        #expect(!spoolText(setup.spool).contains("hunter2"), "the secret reached the spool")
        #expect(try String(contentsOf: secret, encoding: .utf8) == Self.secret)
    }

    @Test("a file replaced after it was read and before it left the inbox: the newcomer is never archived unread, it waits for the next pass")
    func replacedAfterReading() throws {
        let setup = try setup()
        let listed = setup.spool.inbox.appendingPathComponent("invoices.csv")
        let header = "invoice,customer.id,customer.name,customer.email,issued,due,currency,amount\n"
        try (header + "A-1,c1,C,c@c.example,2026-11-01,2026-12-01,EUR,100.00\n").write(to: listed, atomically: true, encoding: .utf8)
        setup.ingester.afterReading = { url in
            let swap = url.deletingLastPathComponent().appendingPathComponent(".swap")
            try? (header + "B-2,c2,D,d@d.example,2026-11-01,2026-12-01,EUR,200.00\n").write(to: swap, atomically: true, encoding: .utf8)
            #expect(rename(swap.path, url.path) == 0)
        }
        let first = setup.ingester.ingestInbox()
        #expect(first.accepted == 1)
        #expect(setup.ingester.ledger.entries["A-1"] != nil && setup.ingester.ledger.entries["B-2"] == nil)
        let archived = try FileManager.default.contentsOfDirectory(atPath: setup.spool.archive.path)
            .map { try String(contentsOf: setup.spool.archive.appendingPathComponent($0), encoding: .utf8) }.joined()
        #expect(!archived.contains("B-2"), "the unread file was archived: \(archived)")
        let waiting = try FileManager.default.contentsOfDirectory(atPath: setup.spool.inbox.path)
        #expect(waiting.count == 1 && waiting[0].hasPrefix("invoices.csv.replaced-"), "\(waiting)")
        setup.ingester.afterReading = nil
        #expect(setup.ingester.ingestInbox().accepted == 1)
        #expect(setup.ingester.ledger.entries["B-2"] != nil)
    }
}
