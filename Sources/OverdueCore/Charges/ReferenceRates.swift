import Foundation
import OverdueCalendar

/// One published rate series (the ECB's main refinancing rate, the
/// Basiszinssatz, Bank Rate…): the rate in force from each date on. A
/// country's statutory rule reads the value in force on the day its law
/// fixes, so the table keeps every change, not half-yearly snapshots.
public struct RateSeries: Sendable, Equatable {
    public struct Change: Sendable, Equatable {
        public var from: CalendarDate
        /// Percent a year; may be negative (the Basiszinssatz was −0.88).
        public var rate: Decimal

        public init(from: CalendarDate, rate: Decimal) {
            self.from = from
            self.rate = rate
        }
    }

    /// "ecb-mro", "de-basiszins": the name rules and override files use.
    public var id: String
    public var name: String
    /// Where the values come from, as the table's reader should check them.
    public var source: String
    /// What could not be verified, if anything.
    public var note: String?
    /// The last date the values were checked: a rate fixed on a later day is
    /// not known, and interest that depends on it is not charged.
    public var knownUntil: CalendarDate?
    /// Sorted by date, one change per date.
    public private(set) var changes: [Change]

    public init(id: String, name: String = "", source: String = "", note: String? = nil, knownUntil: CalendarDate? = nil,
                changes: [Change]) {
        self.id = id
        self.name = name
        self.source = source
        self.note = note
        self.knownUntil = knownUntil
        self.changes = Self.normalized(changes)
    }

    /// The later of two changes on one date wins, so a merge replaces.
    private static func normalized(_ changes: [Change]) -> [Change] {
        var byDate: [CalendarDate: Decimal] = [:]
        for change in changes { byDate[change.from] = change.rate }
        return byDate.keys.sorted().map { Change(from: $0, rate: byDate[$0]!) }
    }

    /// The rate in force on `day`; nil before the first change or after
    /// `knownUntil` (the law may have moved it since: the caller says so).
    public func rate(on day: CalendarDate) -> Decimal? {
        if let knownUntil, day > knownUntil { return nil }
        return changes.last { $0.from <= day }?.rate
    }

    /// This series with `override`'s values added, a value on a date both
    /// have taken from `override`. Its texts replace this one's when given;
    /// without its own `known_until`, the override is taken to know the
    /// rate up to its latest date.
    public func merging(_ override: RateSeries) -> RateSeries {
        let knownUntil = override.knownUntil ?? [knownUntil, override.changes.last?.from].compactMap { $0 }.max()
        return RateSeries(id: id, name: override.name.isEmpty ? name : override.name,
                          source: override.source.isEmpty ? source : override.source, note: override.note ?? note,
                          knownUntil: knownUntil, changes: changes + override.changes)
    }
}

/// Every rate series known: the bundled table (`Sources/OverdueCore/Charges/reference-rates.toml`,
/// embedded by `scripts/embed-rates.py`), with the operator's file merged
/// in by series and date.
public struct ReferenceRates: Sendable, Equatable {
    public private(set) var series: [String: RateSeries]

    public init(series: [RateSeries] = []) {
        self.series = Dictionary(series.map { ($0.id, $0) }, uniquingKeysWith: { $0.merging($1) })
    }

    public subscript(id: String) -> RateSeries? { series[id] }

    /// The table shipped with overdue. It is parsed once; a bundled text
    /// that does not parse is a build mistake the test suite reports.
    public static let bundled: ReferenceRates = {
        do {
            return try ReferenceRateFile.parse(ReferenceRateData.text, file: "Sources/OverdueCore/Charges/reference-rates.toml")
        } catch {
            preconditionFailure("the bundled reference rates do not parse: \(error)")
        }
    }()

    public func merging(_ override: ReferenceRates) -> ReferenceRates {
        var merged = series
        for (id, added) in override.series { merged[id] = merged[id].map { $0.merging(added) } ?? added }
        return ReferenceRates(series: Array(merged.values))
    }
}
