import Foundation
import Logging

/// The `call` channel's way out: nothing leaves the machine. The journaled
/// outcome is what puts the debtor on `overdue calls`, and the call sheet is
/// kept in `messages/` like any message.
public struct CallListTransport: Transport {
    let logger: Logger

    public init(logger: Logger = .transportDefault) { self.logger = logger }

    public func start(_ message: OutgoingMessage, completion: @escaping @Sendable (DeliveryOutcome) -> Void) {
        guard case .call = message.payload else {
            completion(.permanent(code: 0, detail: "not a call sheet"))
            return
        }
        logger.debug("delivery attempt", metadata: [
            "delivery.key": "\(message.key)", "transport.channel": "call", "delivery.outcome": "sent",
        ])
        completion(.sent(code: 0, id: nil, detail: "on the call list"))
    }
}
