import Foundation

/// A channel's quotas, as relays and gateways state them: Microsoft 365
/// allows 30 messages a minute, Google's relay 10,000 a day, Twilio about
/// one SMS a second per number. 0 = no limit.
public struct RateLimits: Sendable, Equatable {
    public var perSecond = 0
    public var perMinute = 0
    public var perHour = 0
    public var perDay = 0

    public init(perSecond: Int = 0, perMinute: Int = 0, perHour: Int = 0, perDay: Int = 0) {
        self.perSecond = perSecond
        self.perMinute = perMinute
        self.perHour = perHour
        self.perDay = perDay
    }

    public var isUnlimited: Bool { perSecond == 0 && perMinute == 0 && perHour == 0 && perDay == 0 }
}
