import Foundation
import OverdueCore

/// Money and dates as a debtor reads them: "1.200,00 €" and "26. März 2027"
/// for `de`, "€1,200.00" and "March 26, 2027" for `en`. Uses Foundation's
/// Decimal format style, which works on the decimal digits (no Double).
public struct LocaleFormat: Sendable {
    public let locale: Locale
    private static let utc = TimeZone(identifier: "UTC")!
    /// Foundation's ICU-backed locales crashed here when first used from
    /// several threads at once; formatting is cheap next to sending, so it
    /// is serialised.
    private static let lock = NSLock()

    /// `language` is a BCP 47 tag from the customer record ("de", "fr-CH").
    public init(language: String?) {
        locale = Self.lock.withLock { Locale(identifier: language ?? "en") }
    }

    /// Formatted texts by locale and value. A batch of reminders formats the
    /// same due dates, today's date and the same rates over and over, and a
    /// Foundation format style costs tens of microseconds per call.
    nonisolated(unsafe) private static var cache: [String: String] = [:]  // guarded by `lock`
    private static let cacheLimit = 50_000

    private func cached(_ key: String, _ make: () -> String) -> String {
        Self.lock.withLock {
            if let text = Self.cache[key] { return text }
            let text = make()
            if Self.cache.count >= Self.cacheLimit { Self.cache.removeAll(keepingCapacity: true) }
            Self.cache[key] = text
            return text
        }
    }

    public func money(_ amount: Decimal, _ currency: String) -> String {
        cached("m\(locale.identifier)|\(currency)|\(amount)") {
            amount.formatted(.currency(code: currency).locale(locale)
                .precision(.fractionLength(Currency.minorUnits(currency))))
        }
    }

    public func date(_ day: CalendarDate) -> String {
        cached("d\(locale.identifier)|\(day.daysSinceEpoch)") {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = Self.utc
            let noon = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: 12))!
            return noon.formatted(Date.FormatStyle(date: .long, time: .omitted, locale: locale, calendar: calendar, timeZone: Self.utc))
        }
    }

    /// "12.15 %" style percent for interest rates.
    public func percent(_ value: Decimal) -> String {
        cached("p\(locale.identifier)|\(value)") { (value / 100).formatted(.percent.locale(locale)) }
    }

    /// The template language for a customer: the primary subtag when a
    /// template set exists for it, else English.
    public static func templateLanguage(_ language: String?, available: Set<String>) -> String {
        let primary = language?.split(separator: "-").first.map { $0.lowercased() } ?? "en"
        return available.contains(primary) ? primary : "en"
    }
}
