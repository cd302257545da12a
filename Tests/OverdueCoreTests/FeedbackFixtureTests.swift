import Foundation
@testable import OverdueCore
import Testing
import TestSupport

/// Every message in ../shared/fixtures/bounces/mail (88 real bounces and
/// auto-replies from 18 kinds of mail server) against expected.json, which
/// a reference bounce parser produced. Kind and recipient must agree for
/// at least 95 % of the reported recipients; each disagreement is printed
/// with what was expected and what came out. Skipped, not passed, when
/// the folder is absent (it sits beside the repository, not in it).
@Suite("Feedback: the shared corpus of real bounces and auto-replies")
struct FeedbackFixtureTests {
    /// `shared/fixtures/bounces` beside the repository (or a worktree of it).
    static let folder: URL? = SharedFixtures.folder("bounces")

    struct Expected: Decodable {
        var kind: String       // hard, soft, auto-reply, other
        var recipient: String
        var status: String
        var reason: String
    }

    /// The corpus's four kinds. A delay is a soft outcome (never suppressed);
    /// unsubscribe and reply do not occur in it and are shown as they are.
    static func corpusKind(_ kind: FeedbackKind) -> String {
        switch kind {
        case .bounce(.hard): "hard"
        case .bounce(.soft), .delayed: "soft"
        case .autoReply: "auto-reply"
        case .other: "other"
        case .unsubscribe, .humanReply: kind.description
        }
    }

    @Test("each message's recipients and kinds as expected.json says, for at least 95 % of recipients",
          .enabled(if: folder != nil, "../shared/fixtures/bounces is absent"))
    func corpus() throws {
        let folder = try #require(Self.folder)
        let expected = try JSONDecoder().decode([String: [Expected]].self,
                                                from: Data(contentsOf: folder.appendingPathComponent("expected.json")))
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("mail").path)
            .filter { !$0.hasPrefix(".") }.sorted()
        #expect(files.count == expected.count, "mail/ and expected.json list different messages")

        var recipients = 0
        var agreeingRecipients = 0
        var agreeingMessages = 0
        var disagreements: [String] = []
        for file in files {
            let bytes = try Data(contentsOf: folder.appendingPathComponent("mail/\(file)"))
            let result = FeedbackClassifier.classify(bytes)
            guard let wanted = expected[file], !wanted.isEmpty else {
                Issue.record("\(file): no expectation in expected.json")
                continue
            }
            var allAgree = true
            for truth in wanted {
                recipients += 1
                let found = result.recipients.first { $0.address == truth.recipient.lowercased() }
                if let found, Self.corpusKind(found.kind) == truth.kind {
                    agreeingRecipients += 1
                    continue
                }
                allAgree = false
                let got = result.recipients.isEmpty ? "no recipient"
                    : result.recipients.map { "\($0.address) \(Self.corpusKind($0.kind)) \($0.status ?? "-") (\($0.reason))" }
                    .joined(separator: ", ")
                disagreements.append("\(file): expected \(truth.recipient) \(truth.kind) \(truth.status) (\(truth.reason)); "
                    + "got \(got); classified as \(result.kind): \(result.explanation)")
            }
            if allAgree { agreeingMessages += 1 }
        }
        for line in disagreements { print("feedback corpus disagreement: \(line)") }
        print("feedback corpus: \(agreeingMessages)/\(files.count) messages, \(agreeingRecipients)/\(recipients) recipients agree")
        #expect(recipients > 0)
        #expect(agreeingRecipients * 100 >= recipients * 95,
                "\(agreeingRecipients)/\(recipients) recipients agree, below 95 %:\n\(disagreements.joined(separator: "\n"))")
    }

    @Test("every message in the corpus names at least one recipient and says why",
          .enabled(if: folder != nil, "../shared/fixtures/bounces is absent"))
    func everyMessageReadsToSomething() throws {
        let folder = try #require(Self.folder)
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("mail").path) {
            let result = FeedbackClassifier.classify(try Data(contentsOf: folder.appendingPathComponent("mail/\(file)")))
            #expect(!result.recipients.isEmpty, "\(file): \(result.kind), \(result.explanation)")
            #expect(!result.explanation.isEmpty, "\(file)")
        }
    }
}
