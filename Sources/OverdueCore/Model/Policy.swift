import Foundation

/// A reminder ladder and the calendar it runs on. Read from the config by
/// OverdueConfig; used by the planner.
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
    public init(timezone: String, businessHours: BusinessHours, businessDays: Set<Weekday>, holidays: Set<CalendarDate>,
                minGapDays: Int, defaultTermsDays: Int) {
        self.timezone = timezone
        self.businessHours = businessHours
        self.businessDays = businessDays
        self.holidays = holidays
        self.minGapDays = minGapDays
        self.defaultTermsDays = defaultTermsDays
    }

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
    public init(name: String, offsetDays: Int, channels: [Channel], template: String, final: Bool) {
        self.name = name
        self.offsetDays = offsetDays
        self.channels = channels
        self.template = template
        self.final = final
    }

    public var name: String
    /// Days from the due date; negative = before it.
    public var offsetDays: Int
    public var channels: [Channel]
    /// Template name; defaults to the stage name.
    public var template: String
    public var final: Bool
}

public struct Policy: Sendable, Equatable {
    public init(name: String, stages: [Stage]) {
        self.name = name
        self.stages = stages
    }

    public var name: String
    public var stages: [Stage]
}

