import Foundation

/// A real IMAP server for a test: Dovecot (`dovecot-imapd`) in the
/// foreground with a throw-away configuration on 127.0.0.1 — IMAPS and IMAP
/// with STARTTLS, a certificate made now by openssl, one static user whose
/// Maildir lives in a temporary directory owned by the `mail` user (Dovecot
/// refuses uid 0). Stops when the object goes away.
public final class DovecotServer: @unchecked Sendable {
    // @unchecked: the fields are set once in init; the process is only stopped in deinit.
    public let imapPort: Int
    public let imapsPort: Int
    public let directory: URL
    public let caFile: URL
    public let user = "feedback"
    public let password = "imap-secret"
    private let process: Process

    /// Dovecot runs only as root (it drops to `mail` itself) and must be installed.
    public static var available: Bool {
        getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/dovecot")
            && FileManager.default.fileExists(atPath: "/usr/share/dovecot/dh.pem")
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public init() throws {
        directory = try TemporaryDirectory.make(prefix: "overdue-dovecot")
        chmod(directory.path, 0o755)
        let home = directory.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        guard let mail = getpwnam("mail") else { throw Failure(description: "no mail user") }
        chown(home.path, mail.pointee.pw_uid, mail.pointee.pw_gid)
        caFile = directory.appendingPathComponent("cert.pem")
        let key = directory.appendingPathComponent("key.pem")
        try Self.run("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.path, "-out", caFile.path,
                                          "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"])
        imapPort = try FreePort.find()
        imapsPort = try FreePort.find()
        let config = directory.appendingPathComponent("dovecot.conf")
        try """
            base_dir = \(directory.path)/run
            log_path = \(directory.path)/dovecot.log
            protocols = imap
            listen = 127.0.0.1
            ssl = yes
            ssl_cert = <\(caFile.path)
            ssl_key = <\(key.path)
            ssl_dh = </usr/share/dovecot/dh.pem
            disable_plaintext_auth = yes
            auth_mechanisms = plain
            first_valid_uid = 1
            mail_location = maildir:\(home.path)/%u/Maildir
            passdb {
              driver = static
              args = password=\(password)
            }
            userdb {
              driver = static
              args = uid=mail gid=mail home=\(home.path)/%u
            }
            service imap-login {
              inet_listener imap {
                address = 127.0.0.1
                port = \(imapPort)
              }
              inet_listener imaps {
                address = 127.0.0.1
                port = \(imapsPort)
                ssl = yes
              }
            }
            """.write(to: config, atomically: true, encoding: .utf8)
        process = Process()
        // Through Python, which clears the signal mask before exec: a child
        // of the test runner inherits its blocked signals, and a Dovecot that
        // cannot receive SIGTERM never stops.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = TestPython.arguments(["-c", "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); "
            + "os.execv('/usr/sbin/dovecot', ['dovecot', '-F', '-c', sys.argv[1]])", config.path])
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Bounded wait until both listeners accept connections.
        let deadline = Date().addingTimeInterval(15)
        while !(FreePort.accepts(imapPort) && FreePort.accepts(imapsPort)) {
            guard Date() < deadline, process.isRunning else {
                let log = (try? String(contentsOf: directory.appendingPathComponent("dovecot.log"), encoding: .utf8)) ?? ""
                process.terminate()
                throw Failure(description: "dovecot did not start: \(log.suffix(800))")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    deinit {
        if process.isRunning {
            process.terminate()
            // Bounded: Dovecot stops its children first; SIGKILL if it does not.
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// `[feedback]` for this server: IMAPS, or IMAP with STARTTLS.
    public func feedbackSection(starttls: Bool = false, extra: String = "") throws -> String {
        let credentials = directory.appendingPathComponent("imap.credentials")
        try "\(user):\(password)".writeSecret(to: credentials)
        let url = starttls ? "imap://127.0.0.1:\(imapPort)/INBOX" : "imaps://127.0.0.1:\(imapsPort)/INBOX"
        return """
            [feedback]
            url = "\(url)"
            ca_file = "\(caFile.path)"
            credentials_file = "\(credentials.path)"
            \(extra)

            """
    }

    /// Appends messages with IMAP APPEND (Python's imaplib).
    public func append(_ messages: [String], folder: String = "INBOX") throws {
        let files = try messages.enumerated().map { index, text in
            let file = directory.appendingPathComponent("append-\(UUID().uuidString.prefix(8))-\(index).eml")
            try text.write(to: file, atomically: true, encoding: .utf8)
            return file.path
        }
        try appendFiles(files, folder: folder)
    }

    public func appendFiles(_ paths: [String], folder: String = "INBOX") throws {
        _ = try tool(["append", folder] + paths)
    }

    /// What a folder holds: UIDs, flags and Message-IDs.
    public func list(_ folder: String) throws -> [(uid: Int, flags: [String], messageID: String)] {
        let output = try tool(["list", folder])
        let entries = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]] ?? []
        return entries.map { ($0["uid"] as? Int ?? 0, $0["flags"] as? [String] ?? [], $0["message_id"] as? String ?? "") }
    }

    private func tool(_ arguments: [String]) throws -> String {
        try Self.run("/usr/bin/env", TestPython.arguments([TestScripts.url("imap_tool.py").path, "\(imapsPort)", caFile.path, user, password]
            + arguments))
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let problem = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "\(executable) \(arguments.prefix(3)) failed: \(String(decoding: problem, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
