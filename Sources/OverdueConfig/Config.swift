import Foundation
import OverdueCore

/// The daemon's configuration, typed and validated. Loaded from TOML by
/// `ConfigLoader`; see the reference file in DESIGN.md and `examples/`.
public struct Config: Sendable {
    /// The file this was loaded from ("" for the embedded defaults).
    public var sourcePath: String
    public var spool: SpoolSettings
    public var inbox: InboxSettings
    public var brand: Brand
    public var schedule: Schedule
    /// The first policy is the default.
    public var policies: [Policy]
    public var email: EmailChannel?
    public var sms: SMSChannel?
    public var webhook: WebhookChannel?

    public func policy(named name: String?) -> Policy? {
        guard let name else { return policies.first }
        return policies.first { $0.name == name }
    }
}

public struct SpoolSettings: Sendable {
    public var dir: String
}

public struct InboxSettings: Sendable {
    /// Files larger than this are rejected unread.
    public var maxFileBytes: Int
    public static let defaultMaxFileBytes = 32 << 20
}

public struct Brand: Sendable {
    public var name: String
    /// "Name <address>" for the From header.
    public var from: String
    public var replyTo: String?
    public var phone: String?
    public var website: String?
    public var logoURL: String?
    public var color: String?
    public var address: String?
    /// A directory whose templates override the bundled set, file by file.
    public var templates: String?
}

public enum Weekday: Int, Sendable, CaseIterable {
    // Foundation's Calendar numbering: 1 = Sunday.
    case sun = 1, mon, tue, wed, thu, fri, sat

    public init?(name: String) {
        guard let day = Weekday.allCases.first(where: { "\($0)" == name.lowercased() }) else { return nil }
        self = day
    }
}

/// Minutes after local midnight, e.g. 09:00 = 540.
public struct BusinessHours: Sendable, Equatable {
    public var startMinute: Int
    public var endMinute: Int

    /// "09:00-17:00"; the end must be after the start.
    public init?(_ text: String) {
        let parts = text.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let start = BusinessHours.minutes(parts[0]), let end = BusinessHours.minutes(parts[1]),
              start < end else { return nil }
        startMinute = start
        endMinute = end
    }

    static func minutes(_ text: String) -> Int? {
        let pieces = text.split(separator: ":")
        guard pieces.count == 2, pieces[0].count == 2, pieces[1].count == 2,
              let hour = Int(pieces[0]), let minute = Int(pieces[1]),
              (0...24).contains(hour), (0...59).contains(minute), hour * 60 + minute <= 24 * 60 else { return nil }
        return hour * 60 + minute
    }
}

public struct Schedule: Sendable {
    /// IANA name; for debtors without their own timezone.
    public var timezone: String
    public var businessHours: BusinessHours
    public var businessDays: Set<Weekday>
    public var holidays: Set<CalendarDate>
    /// Minimum days between two contacts of one debtor on one channel.
    public var minGapDays: Int
    /// Payment terms when an invoice states none (e-invoices without BT-9).
    public var defaultTermsDays: Int
}

public struct Stage: Sendable, Equatable {
    public var name: String
    /// Days from the due date; negative = before it.
    public var offsetDays: Int
    public var channels: [Channel]
    /// Template name; defaults to the stage name.
    public var template: String
    public var final: Bool
}

public struct Policy: Sendable, Equatable {
    public var name: String
    public var stages: [Stage]
}

public struct EmailChannel: Sendable {
    public enum StartTLS: String, Sendable { case required, off }
    public var url: String
    public var starttls: StartTLS
    public var credentialsFile: String?
    public var caFile: String?
    public var timeoutSeconds: Int
}

public struct SMSChannel: Sendable {
    public enum Gateway: String, Sendable { case twilio, vonage, http }
    public var gateway: Gateway
    public var url: String
    public var account: String?
    public var credentialsFile: String?
    public var from: String?
    public var messagingServiceSID: String?
}

public struct WebhookChannel: Sendable {
    public var url: String
    public var secretFile: String
}
