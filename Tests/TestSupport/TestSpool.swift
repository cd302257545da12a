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

    /// A spool in "spool" and a London schedule open every hour of every
    /// day, so a test's `--now` is always in the business window.
    public static let alwaysOpen = """
        [spool]
        dir = "spool"
        [schedule]
        timezone = "Europe/London"
        business_hours = "00:00-24:00"
        business_days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

        """

    /// `[channels.email]` for a plain SMTP server on 127.0.0.1.
    public static func smtpChannel(port: Int, extra: String = "") -> String {
        "[channels.email]\nurl = \"smtp://127.0.0.1:\(port)\"\nstarttls = \"off\"\n\(extra)"
    }

    /// `[channels.sms]` for a Twilio-shaped receiver, with its credentials file.
    /// Writes a config of one SMS-first policy (the e-mail its fallback)
    /// over the SMTP server on `smtpPort` and the Twilio-style gateway on `smsPort`.
    public func writeSMSFirstConfig(smtpPort: Int, smsPort: Int) throws {
        try ("""
            [spool]
            dir = "spool"
            [schedule]
            timezone = "Europe/London"
            [[policy]]
            name = "sms-first"
            stages = [ { name = "overdue", offset_days = 1, channels = ["sms"], fallback = ["email"] } ]
            """ + "\n" + Self.smtpChannel(port: smtpPort) + twilioChannel(port: smsPort))
            .write(to: config, atomically: true, encoding: .utf8)
    }

    public func twilioChannel(port: Int) throws -> String {
        let credentials = root.appendingPathComponent("twilio.credentials")
        try "AC0123:token".writeSecret(to: credentials)
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

extension String {
    /// Writes a secret as an operator must: mode 0600 (overdue refuses a
    /// credentials or secret file every user can read).
    public func writeSecret(to url: URL) throws {
        try write(to: url, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
    }
}
