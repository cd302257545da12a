import Foundation
import OverdueCore

/// A secret read from its own file (never from the main config, never
/// logged). Under systemd, `LoadCredential=NAME:PATH` puts it in
/// `$CREDENTIALS_DIRECTORY/NAME`; a bare name is looked up there first.
public struct Credentials: Sendable {
    public let user: String
    public let password: String

    public struct Problem: Error, CustomStringConvertible {
        public var description: String
    }

    /// The path a credentials setting refers to.
    public static func path(_ setting: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if !setting.contains("/"), let directory = environment["CREDENTIALS_DIRECTORY"] { return directory + "/" + setting }
        return setting
    }

    /// The file's first line, trimmed. A file every user may read is
    /// refused: the secret is no longer one (group-readable is allowed, for
    /// a group that holds only the daemon's user, as `LoadCredential=` makes).
    public static func secret(from setting: String, key: String) throws -> String {
        let path = path(setting)
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & 0o004 != 0 {
            throw Problem(description: "\(key): \(path) is readable by every user (mode \(String(info.st_mode & 0o777, radix: 8))); run chmod 600 \(path)")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Problem(description: "\(key): cannot read \(path); create it (mode 0600) or fix the path")
        }
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
        guard !line.isEmpty else { throw Problem(description: "\(key): \(path) is empty") }
        return line
    }

    /// "user:password" from the file.
    public init(file setting: String, key: String) throws {
        let line = try Self.secret(from: setting, key: key)
        guard let colon = line.firstIndex(of: ":") else {
            throw Problem(description: "\(key): \(Self.path(setting)) must hold \"user:password\" on its first line")
        }
        user = String(line[..<colon])
        password = String(line[line.index(after: colon)...])
    }

    public init(user: String, password: String) {
        self.user = user
        self.password = password
    }
}

extension Credentials.Problem: OverdueError {
    public var code: ErrorCode { .credentialsUnreadable }
}
