import Foundation
import OverdueCore
@testable import OverdueRender
import Testing
import TestSupport

/// Looked at, not only asserted: headless Chromium (Debian's `chromium`,
/// which scripts/setup-deps.sh --test installs) parses each language's letter, and the DOM it builds is read back: the axis titles,
/// the amounts as the reader's locale writes them, the pay buttons.
@Suite("Drawn by Chromium: every language's letter, read back from the DOM")
struct ChromiumDOMTests {
    @Test("each language's letter: a pay button per invoice with its link and text, the amounts as that language writes them",
          .enabled(if: Chromium.path != nil, "chromium is not installed: the browser's DOM is not checked"),
          arguments: LetterFixture.languages)
    func letter(language: String) throws {
        let renderer = LanguageTests.renderer(bank: LanguageTests.bank)
        let message = try renderer.render(PaymentInstructionTests.request(stage: "firm", language: language))
        let dom = try Chromium.dom(try #require(message.html))
        // The buttons (the invoice numbers in the table are links too).
        let buttons = dom.matches(of: #/<a href="(https://pay\.example/INV-[12])" style="display:inline-block[^>]*>([^<]+)</a>/#).map { (String($0.output.1), String($0.output.2)) }
        #expect(buttons.map(\.0) == ["https://pay.example/INV-1", "https://pay.example/INV-2"], "\(language): \(buttons)")
        #expect(buttons.allSatisfy { !$0.1.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }, "\(language): \(buttons)")
        // The 1,200.00 of INV-1 as the text part writes it, in the DOM too; never in another locale's form.
        let text = try #require(message.text)
        let amount = try #require(text.firstMatch(of: #/1[\u{A0}\u{202F} .,']?200[.,]00/#).map { String($0.output) }, "\(language)")
        #expect(dom.contains(amount), "\(language): \(amount)")
        if language != "en" { #expect(!dom.contains("1,200.00"), "\(language) shows an English amount") }
    }
}
