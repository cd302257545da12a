import Foundation

/// ISO 8601 instants in UTC, as the log and journal write them.
public enum Timestamp {
    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!)
    private static let plainStyle = Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!)

    public static func format(_ date: Date) -> String { style.format(date) }

    /// Accepts "2026-12-01T09:00:00Z", with fractional seconds or an offset
    /// ("2026-12-01T10:00:00+01:00"), or a bare date (midnight UTC).
    public static func parse(_ text: String) -> Date? {
        if let date = try? style.parse(text) { return date }
        if let date = try? plainStyle.parse(text) { return date }
        if let date = try? Date(text, strategy: .iso8601) { return date }
        if text.count == 10, let date = try? Date(text + "T00:00:00Z", strategy: plainStyle) { return date }
        return nil
    }

    /// "2026-11-22" (UTC) for naming per-day files.
    public static func utcDay(_ date: Date) -> String { String(format(date).prefix(10)) }
}
