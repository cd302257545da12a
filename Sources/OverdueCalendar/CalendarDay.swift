import Foundation

/// Calendar days of instants.
public enum CalendarDay {
    /// The UTC calendar day of an instant (per-debtor days come with the planner).
    public static func utc(_ date: Date) -> CalendarDate {
        CalendarDate(daysSinceEpoch: Int((date.timeIntervalSince1970 / 86_400).rounded(.down)))
    }
}
