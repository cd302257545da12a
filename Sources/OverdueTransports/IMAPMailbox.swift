import Curl
import Foundation

/// The feedback mailbox over IMAP, through libcurl (7.88.1: IMAP custom
/// requests since 7.30, `;UID=` fetch URLs since 7.30): search for messages
/// not yet handled, read one, then move or flag it. One connection, kept
/// open between requests by the easy handle; every request bounded by the
/// timeout. Not Sendable: one poll uses it on one thread.
public final class IMAPMailbox {
    public struct Settings: Sendable {
        /// `imaps://host:993/INBOX` or `imap://host:143/INBOX`.
        public var url: String
        public var requireStartTLS: Bool
        public var credentials: Credentials?
        public var caFile: String?
        public var timeoutSeconds: Int

        public init(url: String, requireStartTLS: Bool, credentials: Credentials?, caFile: String?, timeoutSeconds: Int) {
            self.url = url
            self.requireStartTLS = requireStartTLS
            self.credentials = credentials
            self.caFile = caFile
            self.timeoutSeconds = timeoutSeconds
        }
    }

    /// The keyword set on every message overdue has handled (with \Flagged on
    /// those left in place): the search skips them.
    public static let handledKeyword = "$OverdueSeen"

    private let settings: Settings
    private let handle = EasyHandle()
    /// "imaps://host:993" and "INBOX".
    let server: String
    public let folder: String

    public init(settings: Settings) {
        self.settings = settings
        let scheme = settings.url.hasPrefix("imaps://") ? "imaps://" : "imap://"
        let rest = settings.url.dropFirst(scheme.count)
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        server = scheme + rest[..<slash]
        let path = rest[slash...].drop { $0 == "/" }
        folder = (path.isEmpty ? "INBOX" : String(path)).removingPercentEncoding ?? String(path)
    }

    /// UIDs of the messages in the folder not handled yet, oldest first.
    public func unhandled() throws(CurlError) -> [UInt64] {
        let response = try run(folder: folder, command: "UID SEARCH NOT KEYWORD \(Self.handledKeyword)")
        return Self.searchResults(response.body)
    }

    /// The message's size in bytes (RFC822.SIZE), nil if the server does not say.
    public func size(uid: UInt64) throws(CurlError) -> Int? {
        let response = try run(folder: folder, command: "UID FETCH \(uid) (RFC822.SIZE)")
        let text = String(decoding: response.body, as: UTF8.self)
        guard let range = text.range(of: "RFC822.SIZE ") else { return nil }
        return Int(text[range.upperBound...].prefix { $0.isNumber })
    }

    /// The whole message (`UID FETCH n BODY[]` through the `;UID=` URL).
    public func fetch(uid: UInt64, maxBytes: Int) throws(CurlError) -> [UInt8] {
        try run(url: "\(server)/\(Self.encoded(folder))/;UID=\(uid)", command: nil, maxResponseBytes: maxBytes).body
    }

    /// Creates the folder if it does not exist (a failing CREATE because it does is fine).
    public func ensureFolder(_ name: String) {
        _ = try? run(url: server + "/", command: "CREATE \(Self.quoted(name))")
    }

    /// Moves the message (RFC 6851 MOVE; else COPY, flag \Deleted, expunge).
    public func move(uid: UInt64, to target: String) throws(CurlError) {
        do {
            _ = try run(folder: folder, command: "UID MOVE \(uid) \(Self.quoted(target))")
        } catch {
            _ = try run(folder: folder, command: "UID COPY \(uid) \(Self.quoted(target))")
            _ = try run(folder: folder, command: "UID STORE \(uid) +FLAGS.SILENT (\\Deleted \(Self.handledKeyword))")
            _ = try run(folder: folder, command: "EXPUNGE")
        }
    }

    /// Leaves the message where it is for a person: \Flagged, and marked handled.
    public func flag(uid: UInt64) throws(CurlError) {
        _ = try run(folder: folder, command: "UID STORE \(uid) +FLAGS.SILENT (\\Flagged \(Self.handledKeyword))")
    }

    /// A poll's failure in words an operator acts on: a refused login names
    /// the credentials file (curl says only "Login denied").
    public static func explain(_ error: any Error, credentialsFile: String?) -> String {
        guard let curl = error as? CurlError, curl.isLoginDenied else { return "\(error)" }
        return "the IMAP server refused the login: check the user and password in [feedback] credentials_file"
            + (credentialsFile.map { " (\($0))" } ?? " (none is set)") + ": \(curl.summary)"
    }

    // MARK: requests

    private func run(folder: String, command: String) throws(CurlError) -> CurlResponse {
        try run(url: "\(server)/\(Self.encoded(folder))", command: command)
    }

    private func run(url: String, command: String?, maxResponseBytes: Int = 4 << 20) throws(CurlError) -> CurlResponse {
        let request = CurlRequest(
            url: url, allowedProtocols: "imap,imaps", method: command, username: settings.credentials?.user,
            password: settings.credentials?.password, tls: settings.requireStartTLS ? .required : .none, caFile: settings.caFile,
            timeoutMilliseconds: settings.timeoutSeconds * 1000, maxResponseBytes: maxResponseBytes)
        try handle.configure(request)
        return try handle.perform()
    }

    /// UIDs from the untagged "* SEARCH 4 7 9" lines (the SELECT's own
    /// untagged lines come first and are skipped).
    static func searchResults(_ body: [UInt8]) -> [UInt64] {
        String(decoding: body, as: UTF8.self).split(whereSeparator: \.isNewline)
            .filter { $0.hasPrefix("* SEARCH") }
            .flatMap { $0.dropFirst("* SEARCH".count).split(separator: " ").compactMap { UInt64($0) } }
            .sorted()
    }

    /// A folder name as an IMAP quoted string.
    static func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// A folder name in a URL path (RFC 5092).
    static func encoded(_ name: String) -> String {
        name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: ";?#"))) ?? name
    }
}
