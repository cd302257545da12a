import Foundation
import Testing
import TestSupport

/// Reading what the binary did, for the controls' end-to-end tests.
enum Controls {
    /// A spool in `spool/` and a UTC schedule open every day of the week
    /// (`hours` a day), then the `[schedule]` keys of `schedule`, then `rest`.
    static func config(hours: String = "09:00-17:00", schedule: String, rest: String = "") -> String {
        """
        [spool]
        dir = "spool"
        [schedule]
        timezone = "UTC"
        business_hours = "\(hours)"
        business_days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        \(schedule)
        \(rest)
        """
    }

    static func run(_ config: URL, _ arguments: [String]) throws -> OverdueBinary.Result {
        let result = try OverdueBinary.run(["--config", config.path] + arguments)
        #expect(result.status == 0, "overdue \(arguments.joined(separator: " ")): \(result.stderr)")
        return result
    }

    static func pass(_ config: URL, at now: String) throws {
        _ = try run(config, ["run", "--once", "--now", now])
    }

    static func log(_ config: URL, _ arguments: [String] = []) throws -> [[String: Any]] {
        try run(config, ["log", "--json"] + arguments).stdout.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }

    static func json(_ config: URL, _ arguments: [String]) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(try run(config, arguments + ["--json"]).stdout.utf8))
    }

    /// `status --json` as of `now` (what is held depends on the time).
    static func status(_ config: URL, now: String) throws -> [String: Any] {
        try json(config, ["status", "--now", now]) as! [String: Any]
    }

    /// The customers `status --json` lists as held for `kind` (excluded, no_contact, …).
    static func held(_ status: [String: Any], _ kind: String) -> [String] {
        ((status["held"] as? [String: Any])?[kind] as? [String: Any])?["customers"] as? [String] ?? []
    }

    /// Each message the SMTP server accepted: its envelope and headers.
    static func received(_ smtp: LoopbackServer, atLeast count: Int = 0) throws -> [(rcpt: [String], headers: String)] {
        try smtp.received(withExtension: "json", atLeast: count, timeout: count == 0 ? 0.5 : 10).map { url in
            let envelope = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
            let eml = String(decoding: try Data(contentsOf: url.deletingPathExtension().appendingPathExtension("eml")), as: UTF8.self)
            let headers = eml.components(separatedBy: "\r\n\r\n").first ?? ""
            return (envelope["rcpt_tos"] as? [String] ?? [], headers)
        }
    }

    /// A header's value, unfolded ("To", "Cc").
    static func header(_ name: String, in headers: String) -> String? {
        headers.replacingOccurrences(of: "\r\n ", with: " ").components(separatedBy: "\r\n")
            .first { $0.lowercased().hasPrefix(name.lowercased() + ":") }
            .map { String($0.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces) }
    }
}
