import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The spool as a real installation has it: the daemon's user owns it, the
/// finance team's group drops files into the setgid inbox, and root's
/// commands never leave root-owned files. Needs root (to create the two
/// users); skipped otherwise.
@Suite("Spool permissions: owner, group member, root", .enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/useradd")))
struct SpoolPermissionsTests {
    @discardableResult
    static func sh(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test("a member's install -m 0640 drop is read; an unreadable file is reported once; root's run leaves only the owner's files")
    func twoUsers() throws {
        let tag = String(UUID().uuidString.prefix(6)).lowercased()
        let (group, owner, clerk) = ("odg\(tag)", "odo\(tag)", "odc\(tag)")
        try Self.sh(["/usr/sbin/groupadd", group])
        try Self.sh(["/usr/sbin/useradd", "-M", "-N", "-g", group, "-s", "/usr/sbin/nologin", owner])
        try Self.sh(["/usr/sbin/useradd", "-M", "-N", "-g", "users", "-G", group, "-s", "/usr/sbin/nologin", clerk])
        let base = URL(fileURLWithPath: "/tmp/overdue-perm-\(tag)")
        defer {
            try? FileManager.default.removeItem(at: base)
            _ = try? Self.sh(["/usr/sbin/userdel", owner])
            _ = try? Self.sh(["/usr/sbin/userdel", clerk])
            _ = try? Self.sh(["/usr/sbin/groupdel", group])
        }
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        // The binary where the other users can run it.
        let binary = base.appendingPathComponent("overdue").path
        try FileManager.default.copyItem(atPath: OverdueBinary.url.path, toPath: binary)
        let config = base.appendingPathComponent("overdue.toml").path
        try "[spool]\ndir = \"\(base.path)/spool\"\n[schedule]\ntimezone = \"Europe/London\"\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        chmod(config, 0o644)
        let spool = base.appendingPathComponent("spool")
        try FileManager.default.createDirectory(at: spool, withIntermediateDirectories: false)
        try Self.sh(["/usr/bin/chown", "\(owner):\(group)", spool.path])
        func overdue(as user: String?, _ arguments: [String]) throws -> (status: Int32, output: String) {
            try Self.sh((user.map { ["/usr/sbin/runuser", "-u", $0, "--"] } ?? ["/usr/bin/env"]) + [binary, "--config", config] + arguments)
        }
        // The service user creates its spool (inbox 3770, its group).
        let first = try overdue(as: owner, ["run", "--once", "--now", "2027-03-21T10:00:00Z"])
        #expect(first.status == 0, "\(first.output)")
        var info = stat()
        stat(spool.appendingPathComponent("inbox").path, &info)
        #expect(info.st_mode & 0o7777 == 0o3770)

        // A clerk of the group drops the README's way; the daemon reads it.
        let file = base.appendingPathComponent("mueller.json")
        try StreamingDaemonTests.invoices(1, prefix: "M").write(to: file, atomically: true, encoding: .utf8)
        chmod(file.path, 0o644)
        let drop = try Self.sh(["/usr/sbin/runuser", "-u", clerk, "--", "/usr/bin/install", "-m", "0640", file.path, spool.path + "/inbox/"])
        #expect(drop.status == 0, "\(drop.output)")
        let read = try overdue(as: owner, ["run", "--once", "--now", "2027-03-21T11:00:00Z"])
        #expect(read.output.contains("1 record(s) accepted"), "\(read.output)")

        // A file the daemon cannot read: reported in status and logged once over two passes.
        let secret = base.appendingPathComponent("private.json")
        try StreamingDaemonTests.invoices(1, prefix: "P").write(to: secret, atomically: true, encoding: .utf8)
        chmod(secret.path, 0o644)
        try Self.sh(["/usr/sbin/runuser", "-u", clerk, "--", "/usr/bin/install", "-m", "0600", secret.path, spool.path + "/inbox/"])
        _ = try overdue(as: owner, ["run", "--once", "--now", "2027-03-21T12:00:00Z"])
        _ = try overdue(as: owner, ["run", "--once", "--now", "2027-03-21T12:01:00Z"])
        let status = try overdue(as: owner, ["status", "--json"])
        let json = try JSONSerialization.jsonObject(with: Data(status.output.utf8)) as? [String: Any]
        #expect(json?["inbox_unreadable"] as? Int == 1, "\(status.output)")
        let log = try FileManager.default.contentsOfDirectory(atPath: spool.appendingPathComponent("log").path).map {
            try String(contentsOf: spool.appendingPathComponent("log/\($0)"), encoding: .utf8)
        }.joined()
        #expect(log.components(separatedBy: "\"event\":\"unreadable\"").count - 1 >= 1, "\(log)")

        // Root's run becomes the owner: nothing in the spool is root's (the
        // clerk's own files keep the clerk as owner, in the inbox and archive).
        let root = try overdue(as: nil, ["run", "--once", "--now", "2027-03-23T10:00:00Z"])
        #expect(root.status == 0, "\(root.output)")
        let ownerUID = getpwnam(owner)!.pointee.pw_uid
        let walker = FileManager.default.enumerator(atPath: spool.path)
        var foreign: [String] = []
        while let path = walker?.nextObject() as? String {
            var info = stat()
            if lstat(spool.appendingPathComponent(path).path, &info) == 0, info.st_uid == 0 { foreign.append(path) }
        }
        #expect(foreign.isEmpty, "owned by root: \(foreign)")
        let mail = try FileManager.default.contentsOfDirectory(atPath: spool.appendingPathComponent("mail/new").path)
        #expect(!mail.isEmpty, "root's run sent nothing")
        for name in mail {
            var info = stat()
            lstat(spool.appendingPathComponent("mail/new/\(name)").path, &info)
            #expect(info.st_uid == ownerUID, "\(name) is not the owner's")
        }
    }
}
