import Foundation
@testable import OverdueCore
import Testing
import TestSupport

/// Every message in ../shared/fixtures/bounces/mail (88 real bounces and
/// auto-replies from 18 kinds of mail server) against expected.json, which
/// a reference bounce parser produced. Kind and recipient must agree for
/// at least 95 % of the reported recipients, at least 95 % of the hard
/// bounces must be found and no other recipient called hard (that would
/// suppress a real customer); each disagreement is printed with what was
/// expected and what came out. Skipped, not passed, when
/// the folder is absent (it sits beside the repository, not in it).
@Suite("Feedback: the shared corpus of real bounces and auto-replies")
struct FeedbackFixtureTests {
    /// `shared/fixtures/bounces` beside the repository (or a worktree of it).
    static let folder: URL? = SharedFixtures.folder("bounces")

    /// Where expected.json is not believed (see BounceCorpusScore), with the evidence.
    static let disputed = [
        "lhost-postfix-07.eml|kijitora@user.example.or.jp":
            "'550 <…>: User unknown' from the remote host, stage not stated: the reference's fallback for an unstated stage is "
            + "'filtered' (refused after DATA), yet it calls the same stage-less '550: <…>: User unknown' hard in lhost-yahoo-07",
        "lhost-postfix-13.eml|kijitora@example.jp":
            "the reference gives this recipient the other recipient's line (5.2.2 Mailbox Full is noraneko's); its own "
            + "Status is 5.2.1 and the server said 'User Unknown (in reply to RCPT TO command)'",
    ]

    @Test("recipients and kinds as expected.json says: at least 95 % agree, 95 % of hard bounces found, no false hard bounce",
          .enabled(if: folder != nil, "../shared/fixtures/bounces is absent"))
    func corpus() throws {
        let folder = try #require(Self.folder)
        let expected = try JSONDecoder().decode([String: [BounceCorpusScore.Expected]].self,
                                                from: Data(contentsOf: folder.appendingPathComponent("expected.json")))
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("mail").path)
            .filter { !$0.hasPrefix(".") }.sorted()
        #expect(files.count == expected.count, "mail/ and expected.json list different messages")

        var score = BounceCorpusScore(disputed: Self.disputed)
        for file in files {
            guard let wanted = expected[file], !wanted.isEmpty else {
                Issue.record("\(file): no expectation in expected.json")
                continue
            }
            score.add(file: file, bytes: Array(try Data(contentsOf: folder.appendingPathComponent("mail/\(file)"))), expected: wanted)
        }
        let report = score.report("feedback corpus")
        print(report)
        #expect(score.recipients > 80)
        #expect(score.agreeing * 100 >= score.recipients * 95, "\(score.summary)")
        #expect(score.hardRecallMet, "\(score.summary)")
        #expect(score.falseHard.isEmpty, "false hard bounces (a real customer suppressed):\n\(score.falseHard.joined(separator: "\n"))")
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
