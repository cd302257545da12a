import Foundation

/// The days of the week a schedule names (`[schedule] business_days`).
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
