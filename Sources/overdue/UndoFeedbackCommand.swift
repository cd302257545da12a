import ArgumentParser
import Foundation
import OverdueQueries

/// `overdue undo-feedback MESSAGE-ID`: a person overrides what the feedback
/// mailbox did automatically (a suppression, an opt-out, a reply's pause).
struct UndoFeedbackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "undo-feedback",
        abstract: "Undo what one message from the feedback mailbox did (suppression, unsubscribe, reply pause).",
        discussion: "The message id is the feedback line's message_id (overdue log --event feedback shows each with its evidence)."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The feedback message's Message-ID, e.g. <dsn-1@relay.example>.") var messageID: String

    func run() throws {
        let config = try global.loadConfig()
        let plan = try exitOnFailure { try FeedbackUndo.plan(config: config, messageID: messageID, now: Date()) }
        let name = try dropIntoInbox(plan.events, kind: "undo-feedback", config: config)
        for line in plan.lines { print(line) }
        print("dropped into the inbox as \(name): a running daemon applies it at once, otherwise the next `overdue run` does")
    }
}
