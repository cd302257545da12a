import Foundation
import OverdueCalendar
import OverdueConfig
import OverdueCore

/// The language a letter is written in and the locale its figures are
/// formatted for ("en" words with "en-IE" dates).
public struct LetterLocale: Sendable, Equatable {
    /// The template language: "en", "de", "fr" or a user template set's.
    public var language: String
    /// A BCP 47 tag, language plus region where one is known ("en-IE").
    public var identifier: String

    public init(language: String, identifier: String) {
        self.language = language
        self.identifier = identifier
    }

    /// Decides both for one letter.
    ///
    /// Language: the primary subtag of the customer's language, else of the
    /// brand's, else English; `fallbackLanguage` (else English) when no
    /// template set exists for it.
    /// Region: from the customer's tag ("fr-CH"), else the
    /// customer's country, else the country of their timezone, else the
    /// brand's region: the first that makes a locale CLDR knows with the
    /// language (en-IE yes, de-US no: a German letter to New York keeps
    /// German figures). A debtor in Dublin of a brand writing "en" thus reads
    /// "7 December 2026" (en-IE), one in New York "December 7, 2026". A
    /// tag's region counts only with its own language: "es-MX" read in
    /// English templates says nothing about how the debtor writes dates.
    public static func resolve(customerLanguage: String?, customerCountry: String?, timeZone: String?,
                               brandLanguage: String?, available: Set<String>, fallbackLanguage: String? = nil,
                               zoneCountries: [String: String] = ZoneCountries.table) -> LetterLocale {
        let customer = customerLanguage.flatMap(Tag.init)
        let brand = brandLanguage.flatMap(Tag.init)
        let wanted = customer?.language ?? brand?.language ?? "en"
        // A language without templates: `[brand] fallback_language` (the
        // planner holds such a debtor when none is set; a preview says English).
        let language = available.contains(wanted) ? wanted : fallbackLanguage ?? "en"
        // A region counts only where CLDR has the pair: "de" in the US is
        // not a locale, and ICU would format its amounts the US way
        // ("1,234.50 $"), which a German reader takes for about 1.2.
        let candidates = [
            customer?.language == language ? customer?.region : nil,
            customerCountry.flatMap(Self.country),
            timeZone.flatMap { zoneCountries[$0] },
            brand?.language == language ? brand?.region : nil,
        ]
        let region = candidates.compactMap { $0 }.first { Self.knownLocales.contains("\(language)_\($0)") }
        return LetterLocale(language: language, identifier: region.map { "\(language)-\($0)" } ?? language)
    }

    private static let knownLocales = Set(Locale.availableIdentifiers)

    private static func country(_ text: String) -> String? {
        let code = text.trimmingCharacters(in: .whitespaces).uppercased()
        return code.count == 2 && code.allSatisfy(\.isLetter) ? code : nil
    }

    /// The parts of a BCP 47 tag that matter here ("fr-CH", "en_GB", "de").
    private struct Tag {
        let language: String
        let region: String?

        init?(_ text: String) {
            let parts = text.split(whereSeparator: { $0 == "-" || $0 == "_" }).map(String.init)
            guard let first = parts.first, (2...3).contains(first.count), first.allSatisfy(\.isLetter) else { return nil }
            language = first.lowercased()
            // The region is the 2-letter (or 3-digit) subtag after any script.
            region = parts.dropFirst().first { ($0.count == 2 && $0.allSatisfy(\.isLetter)) || ($0.count == 3 && $0.allSatisfy(\.isNumber)) }?
                .uppercased()
        }
    }
}

/// Money and dates as a debtor reads them: "1.200,00 €" and "26. März 2027"
/// for `de`, "€1,200.00" and "March 26, 2027" for `en-US`, "1er mars 2027"
/// for `fr`. Uses Foundation's Decimal format style, which works on the
/// decimal digits (no Double).
public struct LocaleFormat: Sendable {
    public let locale: Locale
    private static let utc = TimeZone(identifier: "UTC")!
    /// Foundation's ICU-backed locales crashed here when first used from
    /// several threads at once; formatting is cheap next to sending, so it
    /// is serialised.
    private static let lock = NSLock()

    /// `language` is a BCP 47 tag ("de", "fr-CH", "en-IE").
    public init(language: String?) {
        locale = Self.lock.withLock { Locale(identifier: language ?? "en") }
    }

    /// Formatted texts by locale and value. A batch of reminders formats the
    /// same due dates, today's date and the same rates over and over, and a
    /// Foundation format style costs tens of microseconds per call. Keys are
    /// values, not text: making a key string of a `Decimal` went through
    /// Foundation's general `Decimal` → `String` path on every lookup.
    private struct Key: Hashable {
        var kind: UInt8
        var locale: String
        var text: String = ""
        var number: Decimal = 0
        var integer: Int = 0
    }

    nonisolated(unsafe) private static var cache: [Key: String] = [:]  // guarded by `lock`
    private static let cacheLimit = 50_000

    private func cached(_ key: Key, _ make: () -> String) -> String {
        Self.lock.withLock {
            if let text = Self.cache[key] { return text }
            let text = make()
            if Self.cache.count >= Self.cacheLimit { Self.cache.removeAll(keepingCapacity: true) }
            Self.cache[key] = text
            return text
        }
    }

    public func money(_ amount: Decimal, _ currency: String) -> String {
        cached(Key(kind: 0, locale: locale.identifier, text: currency, number: amount)) {
            amount.formatted(.currency(code: currency).locale(locale)
                .precision(.fractionLength(Currency.minorUnits(currency))))
        }
    }

    /// "€12,000": an axis tick or a chart label, without minor units.
    public func wholeMoney(_ amount: Decimal, _ currency: String) -> String {
        cached(Key(kind: 1, locale: locale.identifier, text: currency, number: amount)) {
            amount.formatted(.currency(code: currency).locale(locale).precision(.fractionLength(0)))
        }
    }

    /// "1,234" / "1.234,5": a count or a figure such as DSO days.
    public func number(_ value: Decimal) -> String {
        cached(Key(kind: 2, locale: locale.identifier, number: value)) { value.formatted(.number.locale(locale)) }
    }

    /// "12 Oct" / "12. Okt.": a chart's date axis.
    public func shortDate(_ day: CalendarDate) -> String {
        cached(Key(kind: 3, locale: locale.identifier, integer: day.daysSinceEpoch)) {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = Self.utc
            let noon = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: 12))!
            return noon.formatted(Date.FormatStyle(locale: locale, calendar: calendar, timeZone: Self.utc).day().month(.abbreviated))
        }
    }

    public func date(_ day: CalendarDate) -> String {
        cached(Key(kind: 4, locale: locale.identifier, integer: day.daysSinceEpoch)) {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = Self.utc
            let noon = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: 12))!
            let text = noon.formatted(Date.FormatStyle(date: .long, time: .omitted, locale: locale, calendar: calendar, timeZone: Self.utc))
            // French writes the first of a month as an ordinal ("1er mars");
            // CLDR's pattern has the plain number.
            if day.day == 1, Self.primary(locale) == "fr", text.hasPrefix("1 ") || text.hasPrefix("1\u{A0}") {
                return "1er" + text.dropFirst()
            }
            return text
        }
    }

    /// "12.15 %" style percent for interest rates.
    public func percent(_ value: Decimal) -> String {
        cached(Key(kind: 5, locale: locale.identifier, number: value)) { (value / 100).formatted(.percent.locale(locale)) }
    }

    /// "148 KB" / "1.2 MB" for an attachment, in the locale's digits
    /// (decimal units, as mail programs show sizes).
    public func fileSize(_ bytes: Int) -> String {
        cached(Key(kind: 6, locale: locale.identifier, integer: bytes)) {
            bytes < 1_000_000 ? "\(max(1, (bytes + 500) / 1_000).formatted(.number.locale(locale))) KB"
                : "\((Double(bytes) / 1_000_000).formatted(.number.precision(.fractionLength(1)).locale(locale))) MB"
        }
    }

    private static func primary(_ locale: Locale) -> String {
        String(locale.identifier.split(whereSeparator: { $0 == "-" || $0 == "_" }).first ?? "")
    }

    /// The template language for a language tag: its primary subtag when a
    /// template set exists for it, else English.
    public static func templateLanguage(_ language: String?, available: Set<String>) -> String {
        LetterLocale.resolve(customerLanguage: language, customerCountry: nil, timeZone: nil, brandLanguage: nil,
                             available: available, zoneCountries: [:]).language
    }
}
