import ArgumentParser
import Foundation
import OverdueCore
import OverdueSpool

/// `overdue rotate-key`: a new feedback signing key (after a suspected leak,
/// or on a schedule). Run as the spool's owner, like the daemon.
struct RotateKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-key",
        abstract: "Start signing feedback keys (VERP, Message-ID, unsubscribe) with a new secret.",
        discussion: """
            Bounces and replies to messages signed with the previous key are still believed for \
            \(FeedbackSigner.previousKeyDays) days; after that they go to the unmatched folder. \
            The keys are in the spool's keys/feedback.key (0600).
            """
    )

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let config = try global.loadConfig()
        let spool = Spool(root: config.spool.dir)
        do {
            try spool.create()
            let signer = try FeedbackKeyStore(spool: spool).rotate(now: Date())
            print("new feedback key in \(FeedbackKeyStore(spool: spool).file.path) (\(signer.keys.count) kept); the previous one is still accepted for \(FeedbackSigner.previousKeyDays) days. A running daemon signs with it from its next reload (systemctl reload overdue).")
        } catch {
            printError(error)
            throw ExitCode(1)
        }
    }
}
