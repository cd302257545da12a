import Foundation
import OverdueCore
import TOMLKit

/// Where a loader's problems go, and every key the loader asked for (with
/// array positions dropped: "policy.stages.name"), so a test can check that
/// the installed config template lists every setting there is.
final class ConfigReporter {
    private let report: (String, String) -> Void
    var asked: Set<String> = []

    init(_ report: @escaping (String, String) -> Void) { self.report = report }

    func callAsFunction(_ key: String, _ problem: String) { report(key, problem) }
}

/// Reads typed values from one TOML table, remembering which keys were used
/// so that any other key is reported as unknown (a misspelt key silently
/// ignored is how a policy ends up not doing what its author meant).
final class TableReader {
    let table: TOMLTable
    let path: String
    let report: ConfigReporter
    private var used: Set<String> = []

    init(_ table: TOMLTable, path: String, report: ConfigReporter) {
        self.table = table
        self.path = path
        self.report = report
    }

    func key(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

    func has(_ name: String) -> Bool { table.contains(key: name) }

    private func value(_ name: String, required: Bool, expected: String) -> TOMLValueConvertible? {
        used.insert(name)
        report.asked.insert(key(name).replacing(/\[\d+\]/, with: ""))
        guard let value = table[name] else {
            if required { report(key(name), "is missing; expected \(expected)") }
            return nil
        }
        return value
    }

    private func wrongType(_ name: String, _ value: TOMLValueConvertible, expected: String) {
        report(key(name), "is \(Self.describe(value.type)); expected \(expected)")
    }

    func string(_ name: String, required: Bool = false, expected: String = "a string",
                check: ((String) -> String?)? = nil) -> String? {
        guard let value = value(name, required: required, expected: expected) else { return nil }
        guard let text = value.string else {
            wrongType(name, value, expected: expected)
            return nil
        }
        if let problem = check?(text) {
            report(key(name), problem)
            return nil
        }
        return text
    }

    /// A text the debtor reads, per language: `{ en = "…", de = "…" }`. A
    /// plain string is kept under `LocalizedText.unstated` (its language is
    /// not known: only letters in the brand's language use it, and `overdue
    /// check` asks for the table).
    func localizedText(_ name: String, expected: String, check: (String) -> String?) -> LocalizedText {
        guard let value = value(name, required: false, expected: expected) else { return [:] }
        if let text = value.string {
            if let problem = check(text) { report(key(name), problem); return [:] }
            return [LocalizedText.unstated: text]
        }
        guard let table = value.table else {
            wrongType(name, value, expected: "\(expected), or one per language: { en = \"…\", de = \"…\", fr = \"…\" }")
            return [:]
        }
        var texts: LocalizedText = [:]
        for language in table.keys.sorted() {
            let path = "\(key(name)).\(language)"
            guard let text = table[language]?.string else { report(path, "is not a string; expected \(expected)"); continue }
            if let problem = FieldRules.language(language) { report(path, problem); continue }
            if let problem = check(text) { report(path, problem); continue }
            texts[language.lowercased()] = text
        }
        return texts
    }

    func int(_ name: String, default fallback: Int, range: ClosedRange<Int>, expected: String) -> Int {
        guard let value = value(name, required: false, expected: expected) else { return fallback }
        guard let number = value.int else {
            wrongType(name, value, expected: expected)
            return fallback
        }
        guard range.contains(number) else {
            report(key(name), "is \(number); expected \(expected)")
            return fallback
        }
        return number
    }

    /// A decimal written as a string ("12.15") or an integer; TOML floats
    /// are refused because they are binary floating point.
    func decimal(_ name: String, expected: String, positive: Bool = true) -> Decimal? {
        guard let value = value(name, required: false, expected: expected) else { return nil }
        let parsed: Decimal?
        if let text = value.string { parsed = Money.parse(text) } else if let number = value.int { parsed = Decimal(number) } else {
            report(key(name), "is \(Self.describe(value.type)); expected \(expected) written as a string, e.g. \"12.15\" (TOML floats are not exact)")
            return nil
        }
        guard let parsed, !positive || parsed >= 0 else {
            report(key(name), "is not \(expected)")
            return nil
        }
        return parsed
    }

    func bool(_ name: String, default fallback: Bool) -> Bool {
        guard let value = value(name, required: false, expected: "true or false") else { return fallback }
        guard let flag = value.bool else {
            wrongType(name, value, expected: "true or false")
            return fallback
        }
        return flag
    }

    /// An array whose elements are read by `element`, each with its index in the path.
    func array<T>(_ name: String, required: Bool = false, expected: String,
                  element: (TOMLValueConvertible, String) -> T?) -> [T]? {
        guard let value = value(name, required: required, expected: expected) else { return nil }
        guard let array = value.array else {
            wrongType(name, value, expected: expected)
            return nil
        }
        var result: [T] = []
        for (index, item) in array.enumerated() {
            if let converted = element(item, "\(key(name))[\(index + 1)]") { result.append(converted) }
        }
        return result
    }

    func table(_ name: String) -> TableReader? {
        guard let value = value(name, required: false, expected: "a table") else { return nil }
        guard let inner = value.table else {
            wrongType(name, value, expected: "a table ([\(key(name))])")
            return nil
        }
        return TableReader(inner, path: key(name), report: report)
    }

    /// Reports every key of this table that no reader asked for.
    func finish() {
        for name in table.keys.sorted() where !used.contains(name) {
            let known = knownKeys.isEmpty ? "" : "; known keys here: \(knownKeys.sorted().joined(separator: ", "))"
            report(key(name), "is not a known setting (check the spelling)\(known)")
        }
    }

    /// Filled by callers that want the known keys listed in unknown-key errors.
    var knownKeys: Set<String> { used }

    static func describe(_ type: TOMLType) -> String {
        switch type {
        case .table: "a table"
        case .array: "an array"
        case .string: "a string"
        case .int: "an integer"
        case .double: "a decimal number"
        case .bool: "true/false"
        case .date: "a date"
        case .time: "a time"
        case .dateTime: "a date-time"
        }
    }
}
