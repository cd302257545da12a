import Foundation
import OverdueCore
@testable import OverdueRender
import Testing

/// The webhook body is built as a value (`WebhookPayload`), not rendered:
/// it must say exactly what the bundled `partials/webhook.json` template
/// says, field for field, for every stage and language.
@Suite("Webhook payload: built, and the same as the bundled template")
struct WebhookPayloadTests {
    static func request(stage: String, language: String) -> RenderRequest {
        var request = LetterFixture.request(stage: stage, channel: .webhook, language: language)
        request.documents.attached = [LetterDocument(invoices: ["INV-1"], name: "INV-1 \"final\".pdf", size: 148_213, sha256: String(repeating: "ab", count: 32))]
        request.customer.name = "Acme \"Quotes\" & <Tags> GmbH"
        return request
    }

    static func object(_ json: String) throws -> NSDictionary {
        try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? NSDictionary)
    }

    @Test("built payload = the template's, for every stage and language (plus its schema version)",
          arguments: LetterFixture.stages, LetterFixture.languages)
    func sameAsTemplate(stage: String, language: String) throws {
        let renderer = LanguageTests.renderer()
        let request = Self.request(stage: stage, language: language)
        let built = try #require(try renderer.render(request).webhook)
        let locale = renderer.letterLocale(request)
        let values = ReminderContext(request: request, brand: renderer.brand, locale: locale).dictionary
        let rendered = try #require(renderer.templates.renderWithLibrary("\(renderer.templateName(request)).webhook",
                                                                         language: renderer.templates.setName(for: locale), values: values))
        let mutable = try #require(try Self.object(built).mutableCopy() as? NSMutableDictionary)
        #expect(mutable["version"] as? Int == 1)
        mutable.removeObject(forKey: "version")
        #expect(mutable == (try Self.object(rendered)), "\(stage)/\(language):\n\(built)\n\(rendered)")
    }

    @Test("a user's own webhook template is still rendered (and checked to be JSON)")
    func userTemplate() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("overdue-webhook-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("en"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "{{% CONTENT_TYPE: JSON}}\n{\"mine\": \"{{key}}\"}".write(to: directory.appendingPathComponent("en/firm.webhook.mustache"),
                                                                    atomically: true, encoding: .utf8)
        let renderer = ReminderRenderer(templates: try TemplateSet(userDirectory: directory.path), brand: LetterFixture.brand)
        #expect(try renderer.render(Self.request(stage: "firm", language: "en")).webhook == "{\"mine\": \"od1-test\"}")
    }
}
