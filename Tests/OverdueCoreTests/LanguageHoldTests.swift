import Foundation
import OverdueCalendar
@testable import OverdueCore
import Testing

/// A debtor whose language has no templates: held, never written to in
/// another language, unless `[brand] fallback_language` is set.
@Suite("Languages without templates: held, or the configured fallback")
struct LanguageHoldTests {
    static func planner(fallback: String?) -> Planner {
        var settings = PlannerSettings(policies: [Fixture.referencePolicy], schedule: Fixture.schedule(), enabledChannels: [.email])
        settings.templateLanguages = ["en", "de", "fr"]
        settings.fallbackLanguage = fallback
        return Planner(settings: settings)
    }

    static func ledger(language: String) -> Ledger {
        Fixture.ledger(.invoice(Invoice(
            id: "INV-1", customer: Customer(id: "svea", name: "Svea AB", email: "ap@svea.example", language: language,
                                            timezone: "Europe/Stockholm"),
            issued: CalendarDate(iso: "2027-02-08")!, due: CalendarDate(iso: "2027-03-10")!, currency: "SEK", amount: 1000, balance: 1000)))
    }

    static let now = Fixture.instant("2027-03-11T10:00:00Z")

    @Test("sv with no templates and no fallback: held as no_language with the fix; nothing goes")
    func held() {
        let plan = Self.planner(fallback: nil).plan(ledger: Self.ledger(language: "sv-SE"), history: DeliveryHistory(), now: Self.now)
        #expect(plan.due.isEmpty && plan.skipped.isEmpty)
        #expect(plan.held.map(\.kind) == ["no_language"] && plan.held.first?.customer == "svea")
        #expect(plan.held.first?.detail.contains("fallback_language") == true)
    }

    @Test("with fallback_language the letter goes; a language with templates is never held")
    func fallbackAndKnown() {
        let fallback = Self.planner(fallback: "en").plan(ledger: Self.ledger(language: "sv"), history: DeliveryHistory(), now: Self.now)
        #expect(fallback.due.map(\.stage) == ["overdue"] && fallback.held.isEmpty)
        let german = Self.planner(fallback: nil).plan(ledger: Self.ledger(language: "de-AT"), history: DeliveryHistory(), now: Self.now)
        #expect(german.due.map(\.stage) == ["overdue"] && german.held.isEmpty)
        #expect(Self.planner(fallback: nil).missingLanguage(Customer(id: "x", name: "X", language: "SV")) == "sv")
    }
}
