import Foundation
import Testing
import TestSupport

/// `overdue plan --json` and what `overdue run --once --now T` sends, run
/// after run at each wake-up it reports, must be the same messages at the
/// same instants.
@Suite("plan --json and preview agree with run --once, wake-up by wake-up")
struct PlanAgreementTests {
    static let config = """
        [spool]
        dir = "spool"

        [brand]
        name = "Northwind Supplies Ltd"
        from = "Northwind Accounts <accounts@northwind.example>"

        [schedule]
        timezone = "Europe/London"
        business_hours = "09:00-17:00"
        business_days = ["mon", "tue", "wed", "thu", "fri"]
        holidays = ["2027-04-02", "2027-04-05"]
        min_gap_days = 3
        """

    static func invoices() -> String {
        let debtors = [("ny", "America/New_York"), ("ber", "Europe/Berlin"), ("syd", "Australia/Sydney"),
                       ("kol", "Asia/Kolkata"), ("cha", "Pacific/Chatham")]
        var lines: [String] = []
        for (index, (id, zone)) in debtors.enumerated() {
            for number in 0..<3 {
                let due = String(format: "2027-%02d-%02d", 2 + number, 10 + index * 3)
                var line = #"{"invoice": "\#(id)-\#(number)", "customer": {"id": "\#(id)", "name": "Debtor \#(id)", "email": "ap@\#(id).example", "timezone": "\#(zone)"}, "issued": "2027-01-05", "due": "\#(due)", "currency": "EUR", "amount": "300.00""#
                if number == 2 {
                    line += #", "installments": [{"due": "\#(due)", "amount": "100.00"}, {"due": "2027-05-03", "amount": "200.00"}]"#
                }
                lines.append(line + "}")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test("120 days over five timezones with DST changes")
    func agreement() throws {
        let root = try TemporaryDirectory.make(prefix: "overdue-plan")
        let config = root.appendingPathComponent("overdue.toml")
        try Self.config.write(to: config, atomically: true, encoding: .utf8)
        let inbox = root.appendingPathComponent("spool/inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        try Self.invoices().write(to: inbox.appendingPathComponent("invoices.jsonl"), atomically: true, encoding: .utf8)

        // Sunday 00:00 UTC is a weekend everywhere: ingest, send nothing.
        let start = "2027-01-31T00:00:00Z"
        let first = try OverdueBinary.run(["--config", config.path, "run", "--once", "--now", start])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("sent 0 message(s)"))

        let plan = try OverdueBinary.run(["--config", config.path, "plan", "--from", start, "--days", "120", "--json"])
        #expect(plan.status == 0, "\(plan.stderr)")
        let planned = try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as! [[String: Any]]
        #expect(planned.count > 40)

        // The daemon's loop, one process per wake-up. Before each run,
        // `overdue preview CUSTOMER --raw` at that instant shows each e-mail
        // the plan has due then; it must be the bytes the run delivers.
        let end = try Date(start, strategy: .iso8601).addingTimeInterval(120 * 86_400)
        var now = start
        var previews: [String: String] = [:]
        for _ in 0..<400 {
            for row in planned where (row["time"] as! String).prefix(19) == now.prefix(19) && row["channel"] as? String == "email" {
                let preview = try OverdueBinary.run(["--config", config.path, "preview", row["customer"] as! String, "--now", now, "--raw"])
                #expect(preview.status == 0, "\(preview.stderr)")
                previews[row["key"] as! String] = preview.stdout
            }
            let run = try OverdueBinary.run(["--config", config.path, "run", "--once", "--now", now, "--log-level", "warning"])
            #expect(run.status == 0, "\(run.stderr)")
            guard let line = run.stdout.split(separator: "\n").first(where: { $0.hasPrefix("next: ") }),
                  let next = try? Date(String(line.dropFirst(6)), strategy: .iso8601), next < end
            else { break }
            now = String(line.dropFirst(6))
        }

        let logDirectory = root.appendingPathComponent("spool/log")
        let sent = try FileManager.default.contentsOfDirectory(atPath: logDirectory.path).sorted().flatMap { name in
            try String(contentsOf: logDirectory.appendingPathComponent(name), encoding: .utf8).split(separator: "\n")
        }.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
            .filter { $0["event"] as? String == "sent" }

        func row(_ object: [String: Any], timeKey: String) -> String {
            // To the minute (windows open on whole minutes): a run starts some time after
            // its wake-up, more than a second on a loaded 2-core machine (seen in CI).
            let time = (object[timeKey] as! String).prefix(16)
            let invoices = (object["invoices"] as! [String]).joined(separator: ",")
            return "\(time) \(object["customer"]!) \(object["stage"]!) \(object["channel"]!) \(object["recipient"]!) \(invoices) \(object["key"]!)"
        }
        let expected = planned.map { row($0, timeKey: "time") }
        let actual = sent.map { row($0, timeKey: "planned") }
        #expect(actual == expected)
        // And the Maildir holds exactly those messages.
        let mail = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("spool/mail/new").path)
        #expect(Set(mail) == Set(planned.map { $0["key"] as! String }))
        // preview and the real send agree byte for byte, but for the Date
        // header (the run's clock moves on from --now).
        func withoutDate(_ text: String) -> String {
            text.split(separator: "\r\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("Date: ") }.joined(separator: "\r\n")
        }
        #expect(previews.count == planned.filter { $0["channel"] as? String == "email" }.count)
        for (key, preview) in previews {
            let delivered = try String(contentsOf: root.appendingPathComponent("spool/mail/new/\(key)"), encoding: .utf8)
            #expect(withoutDate(preview) == withoutDate(delivered), "\(key): preview differs from the Maildir copy")
            #expect(preview.count > 500)
        }
    }
}
