import Foundation
import OverdueCore

/// `[feedback]`: the mailbox where bounces, automatic replies, unsubscribe
/// requests and debtors' replies arrive, read over IMAP (libcurl).
public struct FeedbackSettings: Sendable, Equatable {
    public enum StartTLS: String, Sendable { case required, off }
    /// `imaps://host:993/INBOX`, or `imap://host:143/INBOX` with STARTTLS.
    public var url: String
    public var starttls: StartTLS = .required
    public var credentialsFile: String?
    public var caFile: String?
    public var pollSeconds = 300
    /// Where a message goes once its effect is in the spool (created if missing).
    public var doneFolder = "overdue-processed"
    /// Where messages nobody can match go; nil: left in place, flagged.
    public var unmatchedFolder: String?
    /// Larger messages are skipped (flagged, logged), never downloaded.
    public var maxMessageBytes = 10 << 20
    /// Debtors' replies are forwarded here over the e-mail channel.
    public var forwardTo: String?
    public var timeoutSeconds = 30
    /// `trust`: what a bounce, reply or unsubscribe request must prove
    /// before it acts ("signed", the default; "address", the old rule).
    public var trust: FeedbackResolver.Trust = .signed
    /// `authserv_ids`: the receiving servers whose Authentication-Results
    /// (DKIM, DMARC) are believed for replies and unsubscribe requests.
    public var authservIDs: [String] = []

    public init(url: String) {
        self.url = url
    }
}

extension ConfigSections {
    func readFeedback(_ table: TableReader) -> FeedbackSettings {
        defer { table.finish() }
        let url = table.string("url", required: true, expected: "\"imaps://imap.example:993/INBOX\" or \"imap://host:143/INBOX\"") {
            ($0.hasPrefix("imaps://") || $0.hasPrefix("imap://")) && $0.dropFirst($0.hasPrefix("imaps://") ? 8 : 7).contains("/")
                ? nil : "\"\($0)\" is not an IMAP mailbox URL; expected \"imaps://imap.example:993/INBOX\" (the folder after the host)"
        }
        var feedback = FeedbackSettings(url: url ?? "")
        if let starttls = table.string("starttls", expected: "\"required\" or \"off\"", check: {
            FeedbackSettings.StartTLS(rawValue: $0) == nil ? "\"\($0)\" is not allowed; expected \"required\" or \"off\"" : nil
        }) {
            feedback.starttls = FeedbackSettings.StartTLS(rawValue: starttls) ?? .required
        }
        feedback.credentialsFile = table.string("credentials_file", expected: "a file path").map(resolveCredential)
        if feedback.starttls == .off, feedback.url.hasPrefix("imap://"), feedback.credentialsFile != nil, !Self.isLoopback(url: feedback.url) {
            table.report(table.key("starttls"), "is \"off\" while credentials_file is set: the password would cross the network in clear to \(URLLabel.redacted(feedback.url)); use starttls = \"required\" or an imaps:// URL (plain IMAP with a password is allowed only to 127.0.0.1 or ::1)")
        }
        feedback.caFile = table.string("ca_file", expected: "a file path").map(resolve)
        feedback.pollSeconds = table.int("poll_seconds", default: 300, range: 10...86_400, expected: "seconds from 10 to 86400")
        let folder: (String) -> String? = { name in
            name.isEmpty || name.contains("\"") || name.unicodeScalars.contains { $0.value < 0x20 }
                ? "\"\(name)\" is not a folder name; use letters, digits, - _ . and /" : nil
        }
        feedback.doneFolder = table.string("done_folder", expected: "a folder name such as \"overdue-processed\"", check: folder)
            ?? "overdue-processed"
        feedback.unmatchedFolder = table.string("unmatched_folder", expected: "a folder name, or leave it out to flag in place",
                                                check: folder)
        feedback.maxMessageBytes = table.int("max_message_bytes", default: 10 << 20, range: 1024...(100 << 20),
                                             expected: "bytes from 1024 to 104857600")
        feedback.forwardTo = table.string("forward_to", expected: "the finance team's e-mail address", check: FieldRules.email)
        feedback.timeoutSeconds = table.int("timeout_seconds", default: 30, range: 1...600, expected: "seconds from 1 to 600")
        if let trust = table.string("trust", expected: "\"signed\" or \"address\"", check: {
            FeedbackResolver.Trust(rawValue: $0) == nil ? "\"\($0)\" is not allowed; expected \"signed\" (a message must prove it answers one of ours) or \"address\" (any message naming a debtor's address, for a mailbox only your servers write to)" : nil
        }) {
            feedback.trust = FeedbackResolver.Trust(rawValue: trust) ?? .signed
        }
        feedback.authservIDs = table.array("authserv_ids", expected: "host names, e.g. [\"mx.northwind.example\"]") { item, key in
            guard let id = item.string, !id.isEmpty, !id.contains(where: { $0 == ";" || $0 == " " || $0.isNewline }) else {
                table.report(key, "is not a server name; expected the authserv-id your receiving server writes in Authentication-Results, e.g. \"mx.northwind.example\"")
                return nil
            }
            return id
        } ?? []
        return feedback
    }
}
