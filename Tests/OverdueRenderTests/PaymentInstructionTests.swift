import Foundation
import OverdueConfig
import OverdueCore
@testable import OverdueRender
import Testing
import TestSupport

/// Every letter that asks for money says how to pay it: a button per
/// invoice with its own link (or one for a link they all share), and the
/// bank account with the reference to quote when `[brand].iban` is set.
@Suite("Payment instructions: pay buttons and bank details in every language, drawn by a browser")
struct PaymentInstructionTests {
    static let stages = LetterFixture.stages.filter { $0 != "thanks" }
    static let cases = stages.flatMap { stage in LetterFixture.languages.map { (stage, $0) } }
    static let button = #"<a href="([^"]+)" style="display:inline-block;padding"#

    /// INV-1 and INV-2 each with a link of its own, or both with `shared`.
    static func request(stage: String, language: String, shared: String? = nil) -> RenderRequest {
        var request = LetterFixture.request(stage: stage, channel: .email, language: language)
        request.invoices["INV-1"]?.paymentURL = shared ?? "https://pay.example/INV-1"
        request.invoices["INV-2"]?.paymentURL = shared ?? "https://pay.example/INV-2"
        return request
    }

    static func buttons(_ html: String) throws -> [String] {
        html.matches(of: try Regex(button)).map { String(html[$0.range]).components(separatedBy: "\"")[1] }
    }

    @Test("one button per invoice with its own link; one for a shared link; bank details with the invoice numbers as reference",
          arguments: cases)
    func instructions(stage: String, language: String) throws {
        let renderer = LanguageTests.renderer(bank: LanguageTests.bank)
        let message = try renderer.render(Self.request(stage: stage, language: language))
        let html = try #require(message.html), text = try #require(message.text)
        #expect(try Self.buttons(html) == ["https://pay.example/INV-1", "https://pay.example/INV-2"], "\(language)/\(stage)")
        // Table-based, with the colour on the cell too: the form mail programs keep.
        #expect(html.contains(#"<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:12px 0"><tr><td style="background:#0B5FFF"#))
        for body in [html, text] {
            for part in ["DE89 3704 0044 0532 0130 00", "COBADEFFXXX", "Northwind Supplies Ltd", "INV-1, INV-2"] {
                #expect(body.contains(part), "\(language)/\(stage): \(part) missing")
            }
        }
        let shared = try renderer.render(Self.request(stage: stage, language: language, shared: "https://pay.example/acme"))
        #expect(try Self.buttons(try #require(shared.html)) == ["https://pay.example/acme"])
        // Without [brand].iban no bank lines; a receipt asks for nothing.
        let plain = try LanguageTests.renderer().render(Self.request(stage: stage, language: language))
        #expect(!(plain.html ?? "").contains("IBAN") && !(plain.text ?? "").contains("IBAN"))
        let thanks = try renderer.render(Self.request(stage: "thanks", language: language))
        #expect(try Self.buttons(try #require(thanks.html)).isEmpty && !(thanks.text ?? "").contains("IBAN"))
    }

    @Test("[brand].iban is checked (mod 97) and printed in groups; a BIC without an IBAN is named", arguments: [
        ("DE89 3704 0044 0532 0130 00", nil as String?),
        ("GB82WEST12345698765432", nil),
        ("DE89 3704 0044 0532 0130 01", "brand.iban: \"DE89 3704 0044 0532 0130 01\" fails the IBAN check digits (mod 97)"),
        ("DE89", "brand.iban: \"DE89\" is not an IBAN"),
    ])
    func ibanConfig(iban: String, problem: String?) throws {
        let text = "[brand]\nname = \"Northwind\"\nfrom = \"ar@northwind.example\"\niban = \"\(iban)\"\nbic = \"COBADEFFXXX\"\n"
        do {
            let config = try ConfigLoader.parse(text, path: "overdue.toml")
            #expect(problem == nil)
            #expect(config.brand.bank?.printedIBAN.replacingOccurrences(of: " ", with: "") == iban.replacingOccurrences(of: " ", with: ""))
            #expect(config.brand.bank?.holder == "Northwind")
        } catch {
            let message = "\(error)"
            #expect(problem.map { message.contains($0) } == true, "\(message)")
        }
        #expect(throws: ConfigError.self) {
            _ = try ConfigLoader.parse("[brand]\nname = \"N\"\nfrom = \"ar@n.example\"\nbic = \"COBADEFFXXX\"\n", path: "overdue.toml")
        }
    }

    /// Headless Chromium draws each language's HTML letter. The buttons'
    /// colour is made unique on the page (the header keeps the brand
    /// colour), so the pixels of that colour are the buttons: two invoices
    /// with links, two bands of them.
    @Test("every language's HTML letter renders in Chromium with a visible pay button per invoice",
          .enabled(if: Chromium.path != nil, "chromium is not installed: the browser rendering is not checked"),
          arguments: LetterFixture.languages)
    func chromiumDraws(language: String) throws {
        let renderer = LanguageTests.renderer(bank: LanguageTests.bank)
        let html = try #require(try renderer.render(Self.request(stage: "firm", language: language)).html)
            .replacingOccurrences(of: "background:#0B5FFF", with: "background:#FF00FF")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("overdue-png-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = directory.appendingPathComponent("\(language).html"), png = directory.appendingPathComponent("\(language).png")
        try html.write(to: page, atomically: true, encoding: .utf8)
        _ = try Chromium.run(Chromium.path!, ["--headless", "--no-sandbox", "--disable-gpu", "--screenshot=\(png.path)",
                                          "--window-size=800,1400", page.absoluteString])
        let size = try #require(try FileManager.default.attributesOfItem(atPath: png.path)[.size] as? Int)
        #expect(size > 20_000, "\(language): a \(size)-byte screenshot is blank")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/png-color.py").path
        let counts = try Chromium.run("/usr/bin/python3", [script, png.path, "FF00FF"]).split(separator: " ")
        let pixels = Int(counts[1]) ?? 0, bands = Int(counts[3]) ?? 0
        #expect(pixels > 2 * 1_500 && bands == 2, "\(language): \(counts.joined(separator: " "))")
    }
}
