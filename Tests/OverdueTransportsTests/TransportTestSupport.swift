import Foundation
import OverdueTransports

extension Transport {
    /// One attempt, awaited.
    func send(_ message: OutgoingMessage) async -> DeliveryOutcome {
        await withCheckedContinuation { continuation in
            start(message) { continuation.resume(returning: $0) }
        }
    }
}

func mail(to recipient: String, subject: String = "Test", key: String = "od1-test") -> OutgoingMessage {
    let text = "From: accounts@northwind.example\r\nTo: \(recipient)\r\nSubject: \(subject)\r\nMessage-ID: <\(key)@northwind.example>\r\n\r\nHello.\r\n"
    return OutgoingMessage(key: key, recipient: recipient, payload: .mail(bytes: Array(text.utf8), envelopeFrom: "accounts@northwind.example"))
}
