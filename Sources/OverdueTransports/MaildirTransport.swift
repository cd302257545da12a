import Foundation
import Logging
import OverdueSpool
#if canImport(Glibc)
import Glibc
#endif

/// The embedded default for e-mail: messages are delivered into a Maildir
/// (`tmp/` then a rename into `new/`), readable by any mail client, so a new
/// install works without a mail server.
///
/// The file name is the delivery's idempotency key, so a delivery repeated
/// after a crash finds the first one instead of making a second.
public final class MaildirTransport: Transport, Sendable {
    public let root: URL
    let logger: Logger

    public enum Outcome: Equatable, Sendable {
        case delivered(path: String)
        case alreadyDelivered(path: String)
    }

    public init(root: URL, logger: Logger = .transportDefault) throws {
        self.root = root
        self.logger = logger
        for name in ["", "tmp", "new", "cur"] {
            let path = root.appendingPathComponent(name).path
            if mkdir(path, 0o750) != 0, errno != EEXIST {
                throw SpoolIOError(operation: "create Maildir directory", path: path, errno: errno)
            }
        }
    }

    public func start(_ message: OutgoingMessage, completion: @escaping @Sendable (DeliveryOutcome) -> Void) {
        guard case .mail(let bytes, _) = message.payload else {
            completion(.permanent(code: 0, detail: "not an e-mail"))
            return
        }
        let outcome: DeliveryOutcome
        do {
            switch try deliver(bytes, key: message.key) {
            case .delivered(let path): outcome = .sent(code: 0, id: nil, detail: "delivered to the Maildir: \(path)")
            case .alreadyDelivered(let path):
                outcome = .sent(code: 0, id: nil, detail: "found already delivered after a restart: \(path)")
            }
        } catch {
            outcome = .transient(code: 0, detail: "\(error)", notBefore: nil)
        }
        logger.debug("delivery attempt", metadata: [
            "delivery.key": "\(message.key)", "transport.channel": "email", "transport.url": "\(root.absoluteString)",
            "delivery.outcome": "\(outcome.event)",
        ])
        completion(outcome)
    }

    public func deliver(_ bytes: [UInt8], key: String) throws -> Outcome {
        let name = key  // keys are [a-z0-9-]: safe as a file name
        let delivered = root.appendingPathComponent("new").appendingPathComponent(name)
        if FileManager.default.fileExists(atPath: delivered.path) { return .alreadyDelivered(path: delivered.path) }
        // A mail client that read it moved it to cur/ with flags appended.
        let read = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("cur").path))?
            .first { $0.hasPrefix(name + ":") }
        if let read { return .alreadyDelivered(path: root.appendingPathComponent("cur").appendingPathComponent(read).path) }
        let temp = root.appendingPathComponent("tmp").appendingPathComponent("\(name).\(getpid())")
        try DurableIO.writeAtomically(bytes, to: temp)
        try DurableIO.move(temp, to: delivered)
        return .delivered(path: delivered.path)
    }
}
