import Foundation
import OverdueCalendar
import OverdueConfig
import OverdueCore
import OverdueQueries
import Testing

@Suite("check: customers whose language has no templates; [brand] fallback_language")
struct LanguageCheckTests {
    static func config(_ brand: String = "") throws -> Config {
        try ConfigLoader.parse("[brand]\nname = \"Northwind\"\nfrom = \"ar@northwind.example\"\n\(brand)", path: "/etc/overdue/overdue.toml")
    }

    static func ledger() -> Ledger {
        var ledger = Ledger()
        for (id, language) in [("svea", "sv-SE"), ("norrland", "sv"), ("acme", "de")] {
            _ = ledger.apply(.invoice(Invoice(id: "INV-\(id)", customer: Customer(id: id, name: id, email: "\(id)@example.com", language: language),
                                              issued: CalendarDate(iso: "2026-10-01")!, due: CalendarDate(iso: "2026-11-01")!,
                                              currency: "EUR", amount: 100, balance: 100)))
        }
        return ledger
    }

    @Test("no fallback: a check error naming the customers and the fixes; with one: a note that names the fallback")
    func findings() throws {
        let held = ConfigCheck.languageFindings(try Self.config(), ledger: Self.ledger())
        #expect(held.notes.isEmpty && held.problems.count == 1)
        let problem = try #require(held.problems.first)
        #expect(problem.contains("norrland, svea") && problem.contains("\"sv\"") && problem.contains("fallback_language")
                && !problem.contains("acme"), "\(problem)")
        let fallback = ConfigCheck.languageFindings(try Self.config("fallback_language = \"en\""), ledger: Self.ledger())
        #expect(fallback.problems.isEmpty && fallback.notes.count == 1)
        #expect(fallback.notes.first?.contains("written in \"en\"") == true)
    }

    @Test("fallback_language must have templates: the error names the key and the languages there are")
    func badFallback() {
        #expect {
            try Self.config("fallback_language = \"sv\"")
        } throws: { error in
            "\(error)".contains("brand.fallback_language") && "\(error)".contains("has no templates") && "\(error)".contains("de, en, es, fr, it, nl, pl, pt")
        }
    }
}
