import Foundation
import OverdueCore

/// Messages by final outcome, over every channel: what `status`, `report`
/// and the metrics call sent, failed and suppressed, from one count (the
/// delivery journal's outcomes per channel and status, and the deferrals
/// under "all").
public struct DeliveryTally: Sendable, Equatable {
    /// Accepted by the server or gateway.
    public var delivered = 0
    /// No clear answer (a timeout after the data was sent): maybe delivered, never sent again.
    public var ambiguous = 0
    /// Refused for good (dead letters, until `overdue retry`).
    public var failed = 0
    /// Not sent: the address opted out or bounced.
    public var suppressed = 0
    /// Accepted by the relay, then a signed delivery report said the address does not exist.
    public var bounced = 0
    /// Waiting to be retried.
    public var deferred = 0

    public init(_ counts: [String: [String: Int]]) {
        for (_, outcomes) in counts {
            delivered += outcomes["sent"] ?? 0
            ambiguous += outcomes["ambiguous"] ?? 0
            failed += outcomes["failed"] ?? 0
            suppressed += outcomes["suppressed"] ?? 0
            bounced += outcomes["bounced"] ?? 0
            deferred += outcomes["deferred"] ?? 0
        }
    }

    /// "13 delivered, 2 failed, 7 suppressed": the outcomes apart, none left empty.
    public var sentence: String {
        let parts = [(delivered, "delivered"), (ambiguous, "maybe delivered (no clear answer)"), (failed, "failed"),
                     (suppressed, "suppressed (opted out or bounced)"),
                     (bounced, "bounced (the address does not exist)"), (deferred, "waiting to retry")]
        let said = parts.filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }
        return said.isEmpty ? "nothing yet" : said.joined(separator: ", ")
    }

    public var json: JSONValue {
        .object(["delivered": .number(Decimal(delivered)), "ambiguous": .number(Decimal(ambiguous)), "failed": .number(Decimal(failed)),
                 "suppressed": .number(Decimal(suppressed)), "bounced": .number(Decimal(bounced)),
                 "deferred": .number(Decimal(deferred))])
    }
}
