import Foundation

/// A throw-away overdue installation for a test: a directory with
/// `overdue.toml` (the given text) and an empty `spool/inbox/`.
public struct TestSpool {
    public let root: URL
    public let config: URL
    public var inbox: URL { root.appendingPathComponent("spool/inbox") }
    public var spool: URL { root.appendingPathComponent("spool") }

    public init(prefix: String, config text: String) throws {
        root = try TemporaryDirectory.make(prefix: prefix)
        config = root.appendingPathComponent("overdue.toml")
        try text.write(to: config, atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("spool/inbox"), withIntermediateDirectories: true)
    }

    /// Writes a file into the inbox (directly: the test is the only writer).
    public func drop(_ text: String, as name: String) throws {
        try text.write(to: inbox.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    /// `[channels.email]` for a plain SMTP server on 127.0.0.1.
    public static func smtpChannel(port: Int, extra: String = "") -> String {
        "[channels.email]\nurl = \"smtp://127.0.0.1:\(port)\"\nstarttls = \"off\"\n\(extra)"
    }

    /// `[channels.sms]` for a Twilio-shaped receiver, with its credentials file.
    public func twilioChannel(port: Int) throws -> String {
        let credentials = root.appendingPathComponent("twilio.credentials")
        try "AC0123:token".write(to: credentials, atomically: true, encoding: .utf8)
        return """
            [channels.sms]
            gateway = "twilio"
            url = "http://127.0.0.1:\(port)"
            account = "AC0123"
            credentials_file = "\(credentials.path)"
            from = "+447700900000"

            """
    }
}
