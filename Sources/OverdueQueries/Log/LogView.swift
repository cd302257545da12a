import Foundation
import OverdueConfig
import OverdueCore
import OverdueSpool

/// `overdue log`: the delivery log filtered, and the exact bytes of a message.
public struct LogView {
    public struct Filter: Sendable {
        public var invoice: String?
        public var customer: String?
        public var channel: String?
        public var event: String?
        public var key: String?
        public var since: Date?

        public init(invoice: String? = nil, customer: String? = nil, channel: String? = nil, event: String? = nil,
                    key: String? = nil, since: Date? = nil) {
            self.invoice = invoice
            self.customer = customer
            self.channel = channel
            self.event = event
            self.key = key
            self.since = since
        }

        public func matches(_ line: [String: JSONValue]) -> Bool {
            func text(_ name: String) -> String? { if case .string(let value) = line[name] { value } else { nil } }
            if let invoice {
                let invoices: [JSONValue] = if case .array(let items) = line["invoices"] { items } else { [] }
                guard text("invoice") == invoice || invoices.contains(.string(invoice)) else { return false }
            }
            if let customer, text("customer") != customer { return false }
            if let channel, text("channel") != channel { return false }
            if let event, text("event") != event { return false }
            if let key, text("key") != key { return false }
            if let since, (text("time").flatMap(Timestamp.parse) ?? .distantPast) < since { return false }
            return true
        }
    }

    public static func lines(config: Config, filter: Filter) throws -> [[String: JSONValue]] {
        let spool = Spool(root: config.spool.dir)
        let sinceDay = filter.since.map(Timestamp.utcDay)
        return try EventLog.read(directory: spool.log, sinceDay: sinceDay).filter(filter.matches)
    }

    /// The exact bytes of the message sent under `key`, if any.
    public static func message(config: Config, key: String) throws -> [UInt8]? {
        guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else { return nil }
        return try MessageArchive.find(key, in: Spool(root: config.spool.dir).messages)
    }
}
