import Foundation

/// A problem in a user's holiday file, naming the line, what is wrong there
/// and what to write instead, because the person reading it is editing a
/// file under /etc/overdue/ with a text editor, not debugging a parser.
public struct ICalendarError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line in the file where the offending content line starts
    /// (a folded line is reported at its first physical line).
    public let line: Int
    /// The content line, unfolded, shortened to 80 characters.
    public let text: String
    public let problem: String
    public let fix: String

    init(line: Int, text: String, problem: String, fix: String) {
        self.line = line
        self.text = text.count > 80 ? String(text.prefix(77)) + "..." : text
        self.problem = problem
        self.fix = fix
    }

    init(_ line: ContentLine, _ problem: String, fix: String) {
        self.init(line: line.number, text: line.raw, problem: problem, fix: fix)
    }

    public var description: String { "line \(line): \(problem) (\(text)); \(fix)" }
}

/// One unfolded RFC 5545 content line: `NAME;PARAM=VALUE;...:value`.
struct ContentLine {
    let number: Int
    let raw: String
    /// Upper-cased property name: "DTSTART", "X-OVERDUE-REMOVE".
    let name: String
    /// Upper-cased parameter names; values unquoted, case kept.
    let parameters: [String: String]
    let value: String

    /// The file as content lines: CRLF or LF endings, a line that starts with
    /// a space or tab continues the one before it (RFC 5545 3.1 folding),
    /// blank lines skipped. Throws on a line with no ':'.
    static func lines(of text: String) throws -> [ContentLine] {
        var logical: [(number: Int, text: String)] = []
        // Character treats "\r\n" as one newline, so this splits either ending.
        let physical = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (index, line) in physical.enumerated() {
            var line = Substring(line)
            if index == 0, line.first == "\u{FEFF}" { line = line.dropFirst() }  // a byte-order mark some editors write
            if let first = line.first, first == " " || first == "\t", !logical.isEmpty {
                logical[logical.count - 1].text += line.dropFirst()
            } else if !line.allSatisfy(\.isWhitespace) {
                logical.append((index + 1, String(line)))
            }
        }
        return try logical.map { try ContentLine(number: $0.number, raw: $0.text) }
    }

    init(number: Int, raw: String) throws {
        self.number = number
        self.raw = raw
        // The value starts at the first ':' outside a quoted parameter value
        // (a parameter may hold a quoted URI with its own ':').
        var quoted = false
        var colon: String.Index?
        var separators: [String.Index] = []
        for index in raw.indices {
            let character = raw[index]
            if character == "\"" {
                quoted.toggle()
            } else if !quoted, character == ";" {
                separators.append(index)
            } else if !quoted, character == ":" {
                colon = index
                break
            }
        }
        guard let colon, colon > raw.startIndex else {
            name = ""
            parameters = [:]
            value = ""
            throw ICalendarError(self, "not an iCalendar content line",
                                 fix: "each line is NAME:value, e.g. SUMMARY:Whit Monday; a long line continues on a line starting with a space")
        }
        value = String(raw[raw.index(after: colon)...])
        let nameEnd = separators.first ?? colon
        name = raw[..<nameEnd].trimmingCharacters(in: .whitespaces).uppercased()
        var parameters: [String: String] = [:]
        let bounds = separators + [colon]
        for (start, end) in zip(bounds, bounds.dropFirst()) {
            let pair = raw[raw.index(after: start)..<end]
            guard let equals = pair.firstIndex(of: "=") else { continue }
            var parameterValue = pair[pair.index(after: equals)...]
            if parameterValue.hasPrefix("\""), parameterValue.hasSuffix("\""), parameterValue.count >= 2 {
                parameterValue = parameterValue.dropFirst().dropLast()
            }
            parameters[pair[..<equals].uppercased()] = String(parameterValue)
        }
        self.parameters = parameters
    }

    /// The value as the date of an all-day property (`DTSTART;VALUE=DATE:20270524`,
    /// the `VALUE=DATE` optional), refusing a date-time: a holiday is a whole
    /// local day, and an instant would shift it in another timezone.
    func date() throws -> CalendarDate {
        try dates(allowingList: false)[0]
    }

    /// Comma-separated dates, as EXDATE and RDATE allow.
    func dates(allowingList: Bool = true) throws -> [CalendarDate] {
        let kind = parameters["VALUE"]?.uppercased()
        let items = value.split(separator: ",", omittingEmptySubsequences: false)
        if kind == "DATE-TIME" || kind == "PERIOD" || items.contains(where: { $0.contains("T") || $0.contains("/") }) {
            throw ICalendarError(self, "\(name) has a time, and a holiday is a whole day",
                                 fix: "write the date alone, e.g. \(name);VALUE=DATE:20270524")
        }
        if !allowingList, items.count != 1 {
            throw ICalendarError(self, "\(name) holds more than one date", fix: "give one date, e.g. \(name);VALUE=DATE:20270524")
        }
        return try items.map { item in
            guard let date = Self.basicDate(item.trimmingCharacters(in: .whitespaces)) else {
                throw ICalendarError(self, "\(name) is not a date", fix: "write it as YYYYMMDD, e.g. \(name);VALUE=DATE:20270524")
            }
            return date
        }
    }

    /// RFC 5545 basic format YYYYMMDD, years 1900–9999 as CalendarDate takes.
    static func basicDate(_ text: some StringProtocol) -> CalendarDate? {
        guard text.count == 8, text.allSatisfy(\.isASCII), let number = Int(text), number >= 0 else { return nil }
        let year = number / 10_000, month = number / 100 % 100, day = number % 100
        guard year >= 1900 else { return nil }
        return CalendarDate(year: year, month: month, day: day)
    }

    /// A TEXT value with its escapes undone (RFC 5545 3.3.11): `\,` `\;` `\\`,
    /// and `\n` as a space, since a holiday name is shown on one line.
    var text: String {
        var result = ""
        var escaped = false
        for character in value {
            if escaped {
                result.append(character == "n" || character == "N" ? " " : character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                result.append(character)
            }
        }
        return result.trimmingCharacters(in: .whitespaces)
    }
}
