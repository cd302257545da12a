import Foundation
import OverdueCore
import TOMLKit

/// The channel tables: `[channels.email]`, `[channels.sms]`, `[channels.webhook]` and their rate limits.
extension ConfigSections {
    /// A channel's quotas: `rate_per_second`, `rate_per_minute`,
    /// `rate_per_hour`, `rate_per_day` (0 or absent = no limit).
    func readRates(_ table: TableReader) -> RateLimits {
        func rate(_ unit: String) -> Int {
            table.int("rate_per_\(unit)", default: 0, range: 0...10_000_000, expected: "messages a \(unit), 0 for no limit")
        }
        return RateLimits(perSecond: rate("second"), perMinute: rate("minute"), perHour: rate("hour"), perDay: rate("day"))
    }

    /// Whether a URL's host is this machine (127.0.0.0/8, ::1, localhost):
    /// the one place a password may travel without TLS.
    static func isLoopback(url: String) -> Bool {
        guard let host = URLComponents(string: url)?.host?.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]")) else { return false }
        return host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    func readEmail(_ table: TableReader) -> EmailChannel {
        defer { table.finish() }
        let url = table.string("url", required: true, expected: "\"smtp://host:587\" or \"smtps://host:465\"") {
            $0.hasPrefix("smtp://") || $0.hasPrefix("smtps://") ? nil : "\"\($0)\" is not an SMTP URL; expected \"smtp://host:587\" or \"smtps://host:465\""
        }
        let starttls = table.string("starttls", expected: "\"required\" or \"off\"") {
            EmailChannel.StartTLS(rawValue: $0) == nil ? "\"\($0)\" is not allowed; expected \"required\" or \"off\"" : nil
        }
        var email = EmailChannel(
            url: url ?? "", starttls: starttls.flatMap(EmailChannel.StartTLS.init(rawValue:)) ?? .required,
            credentialsFile: table.string("credentials_file", expected: "a file path").map(resolveCredential),
            caFile: table.string("ca_file", expected: "a file path").map(resolve),
            timeoutSeconds: table.int("timeout_seconds", default: 30, range: 1...600, expected: "seconds from 1 to 600"))
        email.maxConnections = table.int("max_connections", default: 4, range: 1...64, expected: "connections from 1 to 64")
        email.rates = readRates(table)
        email.bounceAddress = table.string("bounce_address", expected: "an address such as \"bounces@northwind.example\"",
                                           check: FieldRules.email)
        if email.starttls == .off, email.url.hasPrefix("smtp://"), email.credentialsFile != nil, !Self.isLoopback(url: email.url) {
            table.report(table.key("starttls"), "is \"off\" while credentials_file is set: the password would cross the network in clear to \(URLLabel.redacted(email.url)); use starttls = \"required\" or an smtps:// URL (plain SMTP with a password is allowed only to 127.0.0.1 or ::1)")
        }
        email.attachments = AttachmentRules(
            attach: table.bool("attach_documents", default: true),
            maxBytes: table.int("max_attachment_bytes", default: 10 << 20, range: 0...(100 << 20),
                                expected: "bytes of PDFs per message, from 0 to 104857600"))
        return email
    }

    func readSMS(_ table: TableReader) -> SMSChannel {
        defer { table.finish() }
        let gateway = table.string("gateway", required: true, expected: "\"twilio\", \"vonage\" or \"http\"") {
            SMSChannel.Gateway(rawValue: $0) == nil ? "\"\($0)\" is not a gateway; expected \"twilio\", \"vonage\" or \"http\"" : nil
        }
        let url = table.string("url", required: true, expected: "the gateway's base URL such as \"https://api.twilio.com\"", check: FieldRules.url)
        let credentials = table.string("credentials_file", expected: "a file path").map(resolveCredential)
        var http = HTTPGateway()
        if let method = table.string("method", expected: "\"POST\" or \"PUT\"", check: { ["POST", "PUT"].contains($0) ? nil : "\"\($0)\" is not POST or PUT" }) { http.method = method }
        if let body = table.string("body", expected: "\"form\" or \"json\"", check: { ["form", "json"].contains($0) ? nil : "\"\($0)\" is not form or json" }) { http.body = body }
        if let auth = table.string("auth", expected: "\"basic\", \"bearer\" or \"none\"", check: { ["basic", "bearer", "none"].contains($0) ? nil : "\"\($0)\" is not basic, bearer or none" }) { http.auth = auth }
        if let fields = table.table("fields") {
            var map: [String: String] = [:]
            for key in fields.table.keys { if let value = fields.string(key, expected: "a template such as \"{to}\"") { map[key] = value } }
            fields.finish()
            http.fields = map
        }
        let statusList: (String) -> [Int]? = { name in
            table.array(name, expected: "a list of HTTP status codes") { item, key -> Int? in
                guard let code = item.int, (100...599).contains(code) else { table.report(key, "is not an HTTP status code"); return nil }
                return code
            }
        }
        if let codes = statusList("success_status") { http.successStatus = codes }
        if let codes = statusList("optout_status") { http.optOutStatus = codes }
        if let codes = statusList("retry_status") { http.retryStatus = codes }
        http.idField = table.string("id_field", expected: "a dotted JSON path such as \"messages.0.id\"")
        var sms = SMSChannel(
            gateway: gateway.flatMap(SMSChannel.Gateway.init(rawValue:)) ?? .http, url: url ?? "",
            account: table.string("account", check: { FieldRules.text($0) }),
            credentialsFile: credentials,
            from: table.string("from", expected: "an E.164 number or a sender name", check: { FieldRules.text($0, maxLength: 16) }),
            messagingServiceSID: table.string("messaging_service_sid", check: { FieldRules.text($0) }),
            maxSegments: table.int("max_segments", default: 3, range: 1...10, expected: "a number of SMS segments from 1 to 10"))
        sms.maxConnections = table.int("max_connections", default: 4, range: 1...64, expected: "connections from 1 to 64")
        sms.rates = readRates(table)
        sms.timeoutSeconds = table.int("timeout_seconds", default: 20, range: 1...600, expected: "seconds from 1 to 600")
        sms.http = http
        return sms
    }

    func readWebhook(_ table: TableReader) -> WebhookChannel {
        defer { table.finish() }
        let url = table.string("url", required: true, expected: "an http(s) URL", check: FieldRules.url)
        let secret = table.string("secret_file", required: true, expected: "the path of a file holding the whsec_… secret")
        var webhook = WebhookChannel(url: url ?? "", secretFile: secret.map(resolveCredential) ?? "")
        webhook.maxConnections = table.int("max_connections", default: 8, range: 1...64, expected: "connections from 1 to 64")
        webhook.rates = readRates(table)
        webhook.timeoutSeconds = table.int("timeout_seconds", default: 15, range: 1...600, expected: "seconds from 1 to 600")
        return webhook
    }
}
