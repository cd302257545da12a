import Foundation

/// The time source of everything that schedules. Core logic never calls
/// `Date()`; it is handed a clock, so tests can run months in milliseconds
/// and `overdue run --now` can act as if it were another day.
public struct OverdueClock: Sendable {
    private let read: @Sendable () -> Date

    public init(_ read: @escaping @Sendable () -> Date) {
        self.read = read
    }

    public func now() -> Date { read() }

    public static let system = OverdueClock { Date() }

    /// Reads `start` now and then advances with real time.
    public static func starting(at start: Date) -> OverdueClock {
        let offset = start.timeIntervalSince(Date())
        return OverdueClock { Date().addingTimeInterval(offset) }
    }

    /// Always reads `instant` (for tests).
    public static func fixed(_ instant: Date) -> OverdueClock { OverdueClock { instant } }
}
