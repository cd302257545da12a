import Foundation
@testable import OverdueCore

/// The classifier measured against a reference bounce parser's verdicts
/// (Sisimai's, mapped to hard / soft / auto-reply / other) over a corpus of
/// real messages. What matters for suppression is counted apart from plain
/// agreement: a hard bounce missed leaves a dead address on the ladder, a
/// false hard bounce stops reminders to a real customer, so the tests hold
/// hard recall to at least 95 % and false hard bounces to none.
struct BounceCorpusScore {
    struct Expected: Decodable {
        var kind: String       // hard, soft, auto-reply, other
        var recipient: String
        var status: String
        var reason: String
    }

    /// Recipients the reference names, and those of them that agree in kind.
    var recipients = 0
    var agreeing = 0
    var messages = 0
    var agreeingMessages = 0
    /// Recipients the reference calls hard, and those of them classified hard.
    var hard = 0
    var hardFound = 0
    /// One line per recipient classified hard that the reference does not
    /// call hard (or does not name at all, in a message it has verdicts for).
    var falseHard: [String] = []
    /// One line per recipient whose kind differs from the reference's.
    var disagreements: [String] = []
    /// "file|recipient" → why the reference's verdict is not believed.
    var disputed: [String: String] = [:]
    /// False hard bounces the test disputes, with the reason.
    var disputes: [String] = []
    private var disputesSeen: Set<String> = []
    /// Messages the reference has no verdict for (it found no recipient): not scored.
    var unjudged: [String] = []
    /// Every scored recipient with the diagnostic read, for studying a corpus
    /// (printed by `report` when OVERDUE_CORPUS_VERBOSE is set).
    var all: [String] = []

    init(disputed: [String: String] = [:]) {
        self.disputed = disputed
    }

    var hardRecall: Double { hard == 0 ? 1 : Double(hardFound) / Double(hard) }
    var hardRecallMet: Bool { hardFound * 100 >= hard * 95 }

    var summary: String {
        "\(agreeingMessages)/\(messages) messages, \(agreeing)/\(recipients) recipients agree; "
            + "hard bounces found \(hardFound)/\(hard) (\(String(format: "%.1f", hardRecall * 100)) %), "
            + "false hard \(falseHard.count)" + (disputes.isEmpty ? "" : " (and \(disputes.count) disputed)") + (unjudged.isEmpty ? "" : "; \(unjudged.count) message(s) without a reference verdict")
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

    /// Scores one message: `expected` is the reference's list for it (empty: unjudged).
    mutating func add(file: String, bytes: [UInt8], expected: [Expected]) {
        let result = FeedbackClassifier.classify(bytes)
        func describe(_ recipient: FeedbackRecipient) -> String {
            "\(recipient.address) \(Self.corpusKind(recipient.kind)) \(recipient.status ?? "-") (\(recipient.reason))"
        }
        guard !expected.isEmpty else {
            unjudged.append("\(file): " + (result.recipients.map(describe).joined(separator: ", ")))
            return
        }
        messages += 1
        var allAgree = true
        for truth in expected {
            recipients += 1
            let address = truth.recipient.lowercased()
            let found = result.recipients.first { $0.address == address }
            let got = found.map { Self.corpusKind($0.kind) }
            if truth.kind == "hard" {
                hard += 1
                if got == "hard" { hardFound += 1 }
            }
            let line = "\(file): expected \(truth.recipient) \(truth.kind) \(truth.status) (\(truth.reason)); got "
                + (result.recipients.isEmpty ? "no recipient" : result.recipients.map(describe).joined(separator: ", "))
                + "; classified as \(result.kind): \(result.explanation)"
            all.append((got == truth.kind ? "agree " : "DIFFER ") + line + " | " + (found?.diagnostic ?? "-"))
            if got == truth.kind {
                agreeing += 1
                continue
            }
            allAgree = false
            disagreements.append(line)
            let key = "\(file)|\(address)"
            if got == "hard", let why = disputed[key] {
                disputesSeen.insert(key)
                disputes.append("\(file): \(truth.recipient): \(why)")
            } else if got == "hard" {
                falseHard.append(line)
            }
        }
        // A hard verdict for an address the reference does not name at all would suppress it on no evidence.
        let named = Set(expected.map { $0.recipient.lowercased() })
        for extra in result.recipients where extra.kind == .bounce(.hard) && !named.contains(extra.address) {
            let line = "\(file): \(describe(extra)), an address the reference does not name"
            falseHard.append(line)
            disagreements.append(line)
        }
        if allAgree { agreeingMessages += 1 }
    }

    /// Everything a person needs to see why a threshold was missed.
    func report(_ corpus: String) -> String {
        let verbose = ProcessInfo.processInfo.environment["OVERDUE_CORPUS_VERBOSE"] != nil
        return ((verbose ? all.map { "\(corpus) \($0)" } : []) + disagreements.map { "\(corpus) disagreement: \($0)" }
            + disputes.map { "\(corpus) disputed (hard here, soft by the reference): \($0)" }
            + disputed.keys.filter { !disputesSeen.contains($0) }.sorted().map { "\(corpus) stale dispute (no longer a false hard bounce): \($0)" }
            + unjudged.map { "\(corpus) unjudged (no reference verdict): \($0)" }
            + ["\(corpus): \(summary)"]).joined(separator: "\n")
    }
}
