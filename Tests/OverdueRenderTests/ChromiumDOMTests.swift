import Foundation
import OverdueCore
@testable import OverdueRender
import Testing

/// Looked at, not only asserted: headless Chromium (Debian's `chromium`,
/// which scripts/setup-deps.sh --test installs) parses the report and each
/// language's letter, and the DOM it builds is read back: the axis titles,
/// the amounts as the reader's locale writes them, the pay buttons.
@Suite("Drawn by Chromium: the report and every language's letter, read back from the DOM")
struct ChromiumDOMTests {
    /// The DOM Chromium built from `html` (`--dump-dom`).
    static func dom(_ html: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("overdue-dom-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = directory.appendingPathComponent("page.html")
        try html.write(to: page, atomically: true, encoding: .utf8)
        // The serialised DOM writes a no-break space as an entity; read it back as the character.
        return try PaymentInstructionTests.run(PaymentInstructionTests.chromium!, [
            "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(directory.path)/profile", "--dump-dom", page.absoluteString,
        ]).replacingOccurrences(of: "&nbsp;", with: "\u{A0}")
    }

    /// The text of every element of `tag` with `class` in the DOM.
    static func texts(_ dom: String, tag: String, cls: String) throws -> [String] {
        dom.matches(of: try Regex("<\(tag) class=\"\(cls)\"[^>]*>([^<]*)</\(tag)>")).compactMap { $0.output[1].substring.map(String.init) }
            .map { $0.replacingOccurrences(of: "&amp;", with: "&") }
    }

    @Test("the report: titled axes, round ticks and amounts in the reader's locale, a legend, stages by name",
          .enabled(if: PaymentInstructionTests.chromium != nil, "chromium is not installed: the browser's DOM is not checked"))
    func report() throws {
        let dom = try Self.dom(ReportPageTests.page(locale: "de-DE"))
        let axes = try Self.texts(dom, tag: "text", cls: "axis-title")
        for title in ["Days past due", "Amount owed (EUR)", "Date (weekly, up to the report day)", "Overdue (EUR)", "Paid in full within 7 days"] {
            #expect(axes.contains(title), "\(title) not among \(axes)")
        }
        let ticks = try Self.texts(dom, tag: "text", cls: "tick")
        #expect(ticks.contains("15.000\u{A0}€") && ticks.contains("0\u{A0}€") && ticks.contains("Amount owed"), "\(ticks)")
        let values = try Self.texts(dom, tag: "text", cls: "value")
        #expect(values.contains("12.345,60\u{A0}€"), "\(values)")
        let cells = try Self.texts(dom, tag: "td", cls: "num")
        #expect(cells.contains("12.745,60\u{A0}€") && cells.contains("6.292.500,00\u{A0}₹"), "\(cells)")
        #expect(dom.contains(">Final demand<") && !dom.contains(">thanks<"))
    }

    @Test("each language's letter: a pay button per invoice with its link and text, the amounts as that language writes them",
          .enabled(if: PaymentInstructionTests.chromium != nil, "chromium is not installed: the browser's DOM is not checked"),
          arguments: LetterFixture.languages)
    func letter(language: String) throws {
        let renderer = LanguageTests.renderer(bank: LanguageTests.bank)
        let message = try renderer.render(PaymentInstructionTests.request(stage: "firm", language: language))
        let dom = try Self.dom(try #require(message.html))
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
