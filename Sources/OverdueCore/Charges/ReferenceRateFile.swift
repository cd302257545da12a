import Foundation
import OverdueCalendar

/// A problem in a reference-rate file, with the line to fix.
public struct ReferenceRateError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// 1-based; 0 for the file as a whole.
    public var line: Int
    public var problem: String

    public init(file: String, line: Int, problem: String) {
        self.file = file
        self.line = line
        self.problem = problem
    }

    public var description: String { line > 0 ? "\(file), line \(line): \(problem)" : "\(file): \(problem)" }
}

/// Reads the reference-rate format: a TOML subset, so the file is valid
/// TOML and reads as a table, but parsed here line by line because errors
/// must name the line (TOMLKit reports lines for syntax only) and because
/// OverdueCore embeds the bundled copy without a TOML library.
///
///     [ecb-mro]                      # a series
///     name = "…"   source = "…"   note = "…"   known_until = 2026-02-05
///     2025-06-11 = "2.15"            # rate in percent from that date on
public enum ReferenceRateFile {
    public static func parse(_ text: String, file: String) throws(ReferenceRateError) -> ReferenceRates {
        var done: [RateSeries] = []
        var current: RateSeries?
        var seenDates: Set<CalendarDate> = []
        var seenIDs: Set<String> = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = index + 1
            func fail(_ problem: String) -> ReferenceRateError { ReferenceRateError(file: file, line: line, problem: problem) }
            let content = stripComment(String(raw)).trimmingCharacters(in: .whitespaces)
            if content.isEmpty { continue }
            if content.hasPrefix("[") {
                guard content.hasSuffix("]"), !content.hasPrefix("[["), case let id = String(content.dropFirst().dropLast()),
                      isSeriesID(id) else {
                    throw fail("\(content) is not a series header; write [series-id], e.g. [ecb-mro], in lower case letters, digits and dashes")
                }
                guard seenIDs.insert(id).inserted else { throw fail("series [\(id)] appears twice; put all its lines under one header") }
                if let current { done.append(current) }
                current = RateSeries(id: id, changes: [])
                seenDates = []
                continue
            }
            guard let equals = content.firstIndex(of: "=") else {
                throw fail("\"\(content)\" is not a setting; write YYYY-MM-DD = \"rate\" (e.g. 2025-06-11 = \"2.15\") or name/source/note/known_until = …")
            }
            let key = content[..<equals].trimmingCharacters(in: .whitespaces)
            let value = content[content.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard var series = current else {
                throw fail("\(key) comes before any series header; start the file with a header such as [ecb-mro]")
            }
            switch key {
            case "name", "source", "note":
                guard let text = quoted(value) else { throw fail("\(key) must be a quoted string, e.g. \(key) = \"…\"") }
                if key == "name" { series.name = text } else if key == "source" { series.source = text } else { series.note = text }
            case "known_until":
                guard let day = CalendarDate(iso: unquoted(value)) else {
                    throw fail("known_until = \(value) is not a date; write known_until = YYYY-MM-DD, the last day the values were checked")
                }
                series.knownUntil = day
            default:
                guard let day = CalendarDate(iso: unquoted(key)) else {
                    throw fail("\(key) is neither a date nor a known key; write YYYY-MM-DD = \"rate\" (e.g. 2025-06-11 = \"2.15\"), or name, source, note, known_until")
                }
                guard let rate = decimal(unquoted(value)) else {
                    throw fail("the rate of \(day) (\(value)) is not a number; write the percent a year, e.g. \(day) = \"2.15\" (no % sign)")
                }
                guard seenDates.insert(day).inserted else { throw fail("\(day) appears twice in [\(series.id)]; keep one line per date") }
                series = RateSeries(id: series.id, name: series.name, source: series.source, note: series.note,
                                    knownUntil: series.knownUntil, changes: series.changes + [.init(from: day, rate: rate)])
            }
            current = series
        }
        if let current { done.append(current) }
        if let empty = done.first(where: { $0.changes.isEmpty }) {
            throw ReferenceRateError(file: file, line: 0, problem: "series [\(empty.id)] has no rates; add lines such as 2025-06-11 = \"2.15\"")
        }
        return ReferenceRates(series: done)
    }

    /// A `#` outside quotes starts a comment.
    private static func stripComment(_ line: String) -> String {
        var inQuotes = false
        for index in line.indices {
            if line[index] == "\"" { inQuotes.toggle() }
            if line[index] == "#", !inQuotes { return String(line[..<index]) }
        }
        return line
    }

    private static func isSeriesID(_ id: String) -> Bool {
        !id.isEmpty && id.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
    }

    private static func quoted(_ value: String) -> String? {
        guard value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") else { return nil }
        let inner = String(value.dropFirst().dropLast())
        return inner.contains("\"") ? nil : inner
    }

    private static func unquoted(_ value: String) -> String { quoted(value) ?? value }

    /// "2.15", "-0.88", "0": a plain decimal, nothing Decimal(string:) would
    /// half-accept ("2.15%" reads as 2.15 there).
    private static func decimal(_ text: String) -> Decimal? {
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
        else { return nil }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }
}
