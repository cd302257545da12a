import Foundation
import Testing
import TestSupport

/// `log`, `show` and `plan` as a person reads them: a header row, aligned
/// columns, records in words ("payment 118.40 EUR").
@Suite("Readable tables: log, show, plan")
struct TableOutputTests {
    @Test("the example spool: headers, aligned columns, amounts with their currency")
    func example() throws {
        let config = try TemplateCommandTests().exampleSpool()
        let run = try OverdueBinary.run(["--config", config.path, "run", "--once", "--now", "2026-11-23T10:00:00Z"])
        #expect(run.status == 0, "\(run.stderr)")
        let log = try OverdueBinary.run(["--config", config.path, "log"]).stdout
        #expect(log.hasPrefix("TIME (UTC)  "), "\(log)")
        #expect(log.contains("payment INV-2026-0043 118.40 EUR (03-events.jsonl)"), "\(log)")
        #expect(log.contains("invoice NW-1003 2400.00 USD"), "\(log)")
        #expect(!log.split(separator: "\n").contains { $0.hasSuffix(" ") }, "trailing spaces")
        let show = try OverdueBinary.run(["--config", config.path, "show", "INV-2026-0043"]).stdout
        #expect(show.contains("payment 118.40 EUR on 2026-11-20 (SEPA-88231)"), "\(show)")
        let plan = try OverdueBinary.run(["--config", config.path, "plan", "--from", "2026-11-23", "--days", "30"]).stdout
        #expect(plan.hasPrefix("TIME (UTC)  "), "\(plan)")
        // Every row's second column (debtor-local time, long zone names included) starts where the header's does.
        let lines = plan.split(separator: "\n").map(String.init)
        let header = lines[0].range(of: "DEBTOR-LOCAL TIME")!.lowerBound.utf16Offset(in: lines[0])
        for line in lines.dropFirst() { #expect(line.count > header && line[line.index(line.startIndex, offsetBy: header - 2)] == " ", "\(line)") }
    }
}
