import Foundation
import SwiftCSV

/// The formats an inbox file may have.
public enum InboxFormat: String, Sendable {
    case json, jsonLines = "jsonl", csv, xml
}

/// One record of an inbox file, decoded or not.
public struct ParsedRecord: Sendable {
    /// 1-based position of the record in its file.
    public var number: Int
    /// 1-based line where the record starts, when the format has lines.
    public var line: Int?
    /// The record's own text, so a rejected record can be fixed and dropped again.
    public var raw: String
    public var outcome: RecordOutcome
    /// How the record was derived, for the log (e.g. which rule gave an e-invoice's due date).
    public var note: String?

    public init(number: Int, line: Int?, raw: String, outcome: RecordOutcome, note: String? = nil) {
        self.number = number
        self.line = line
        self.raw = raw
        self.outcome = outcome
        self.note = note
    }

    /// "line 7" or "record 3", for error messages.
    public var position: String { line.map { "line \($0)" } ?? "record \(number)" }
}

/// A whole inbox file: its records, a bank statement, or why none could be read.
public enum ParsedFile: Sendable {
    case records(InboxFormat, header: String?, [ParsedRecord])
    /// camt.053/054 or MT940: its credits are matched to invoices by the
    /// ingester, which knows the ledger.
    case statement(BankStatement)
    case unreadable(reason: String)
}

/// Bytes of one inbox file → records. Pure: the daemon reads and moves files.
public struct InboxFileParser: Sendable {
    private let decoder = RecordDecoder()
    /// Due date for e-invoices that state none (`[schedule].default_terms_days`).
    public var defaultTermsDays: Int

    public init(defaultTermsDays: Int = 30) {
        self.defaultTermsDays = defaultTermsDays
    }

    public func parse(_ bytes: [UInt8], fileName: String) -> ParsedFile {
        if bytes.isEmpty { return .unreadable(reason: "the file is empty") }
        // Before the UTF-8 check: MT940 files are often ISO 8859-1.
        if let statement = Self.statement(bytes, fileName: fileName) { return statement }
        if bytes.contains(0) {
            return .unreadable(reason: "the file holds binary data (NUL bytes); drop JSON, JSON Lines or CSV text files")
        }
        guard var text = String(validating: bytes, as: UTF8.self) else {
            let offset = Self.firstInvalidUTF8Offset(bytes)
            return .unreadable(reason: "the file is not valid UTF-8 (first bad byte at offset \(offset)); save it as UTF-8")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }  // byte-order mark from spreadsheet exports
        guard let first = text.first(where: { !$0.isWhitespace }) else { return .unreadable(reason: "the file holds only whitespace") }

        let lower = fileName.lowercased()
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return parseJSONLines(text) }
        if lower.hasSuffix(".csv") { return parseCSV(text) }
        if lower.hasSuffix(".xml") || first == "<" { return parseEInvoice(bytes) }
        if first == "{" || first == "[" || lower.hasSuffix(".json") { return parseJSON(text) }
        return parseCSV(text)
    }

    // MARK: Bank statements

    static let mt940Extensions = [".sta", ".mt940", ".940", ".942", ".swi"]

    /// A camt document (by its namespace) or an MT940 file (by its name, or
    /// text that starts with a tag or a SWIFT block); nil for anything else.
    static func statement(_ bytes: [UInt8], fileName: String) -> ParsedFile? {
        do throws(StatementError) {
            if CamtReader.looksLike(bytes) { return .statement(try CamtReader.read(bytes)) }
            let lower = fileName.lowercased()
            let start = bytes.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF }
            let tagged = start.starts(with: Array(":20:".utf8)) || start.starts(with: Array("{1:".utf8)) || mt940AfterHeader(bytes)
            guard mt940Extensions.contains(where: lower.hasSuffix) || tagged else { return nil }
            return .statement(try MT940Reader.read(MT940Reader.text(bytes)))
        } catch {
            return .unreadable(reason: "the bank statement cannot be read: \(error.description)")
        }
    }

    /// MT940 after a few header lines, whatever the file is called (ABN
    /// AMRO's "ABNANL2A / 940 / ABNANL2A", a bank's export named `.txt`): a
    /// `:20:` line among the first six, and its `:25:` and `:60F:` or `:61:`.
    static func mt940AfterHeader(_ bytes: [UInt8]) -> Bool {
        let head = MT940Reader.text(Array(bytes.prefix(4096)))
        let lines = head.split(whereSeparator: \.isNewline).prefix(6)
        return lines.contains { $0.hasPrefix(":20:") } && head.contains(":25:") && MT940Reader.looksLike(head)
    }

    // MARK: EN 16931 e-invoices

    /// The e-invoice embedded in a PDF: read as XML whatever the attachment
    /// is called. Chosen by its name, an attachment named `.jsonl` or `.csv`
    /// was read as inbox records, so a PDF could carry opt-outs and payments.
    public func parseEmbeddedXML(_ bytes: [UInt8]) -> ParsedFile {
        bytes.isEmpty ? .unreadable(reason: "the file is empty") : parseEInvoice(bytes)
    }

    private func parseEInvoice(_ bytes: [UInt8]) -> ParsedFile {
        do {
            let einvoice = try EInvoiceReader.read(bytes)
            switch EInvoiceMapping.map(einvoice, defaultTermsDays: defaultTermsDays) {
            case .success(let mapped):
                return .records(.xml, header: nil, [ParsedRecord(number: 1, line: nil, raw: String(decoding: bytes, as: UTF8.self),
                                                                 outcome: .accepted(mapped.record), note: mapped.note)])
            case .failure(let refusal):
                return .unreadable(reason: "the e-invoice \(einvoice.number.map { "\"\($0)\" " } ?? "")cannot be used: \(refusal.description)")
            }
        } catch {
            return .unreadable(reason: "\(error)")
        }
    }

    // MARK: JSON

    private func parseJSON(_ text: String) -> ParsedFile {
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        } catch {
            // One object per line is JSON Lines even if the file is named .json.
            let lines = text.split(whereSeparator: \.isNewline).filter { !$0.allSatisfy(\.isWhitespace) }
            if lines.count > 1, lines.allSatisfy({ $0.first(where: { !$0.isWhitespace }) == "{" }) {
                return parseJSONLines(text)
            }
            return .unreadable(reason: "the file is not valid JSON \(Self.place(ofJSONError: Data(text.utf8))); check the quotes, commas and brackets there")
        }
        switch value {
        case .object(let object):
            return .records(.json, header: nil, [ParsedRecord(number: 1, line: 1, raw: text, outcome: decoder.decode(object))])
        case .array(let items):
            let records = items.enumerated().map { index, item in
                ParsedRecord(number: index + 1, line: nil, raw: Self.encode(item), outcome: decode(item))
            }
            return .records(.json, header: nil, records)
        default:
            return .unreadable(reason: "the file holds \(value.kindName); expected an object, a list of objects or JSON Lines")
        }
    }

    private func parseJSONLines(_ text: String) -> ParsedFile {
        // Works on the UTF-8 bytes: splitting a large String by Character is
        // the slow part of reading JSON Lines.
        var records: [ParsedRecord] = []
        var lineNumber = 0
        let jsonDecoder = JSONDecoder()
        var text = text
        text.withUTF8 { bytes in
            for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
                lineNumber += 1
                guard let first = line.firstIndex(where: { !Self.isJSONSpace($0) }) else { continue }
                let last = line.lastIndex(where: { !Self.isJSONSpace($0) })!
                let data = Data(line[first...last])
                let outcome: RecordOutcome
                do {
                    outcome = decode(try jsonDecoder.decode(JSONValue.self, from: data))
                } catch {
                    outcome = .rejected([FieldProblem(field: "", reason: "is not valid JSON \(Self.place(ofJSONError: data)); check the quotes, commas and brackets there")])
                }
                let raw = String(decoding: data, as: UTF8.self)
                records.append(ParsedRecord(number: records.count + 1, line: lineNumber, raw: raw, outcome: outcome))
            }
        }
        return .records(.jsonLines, header: nil, records)
    }

    private static func isJSONSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private func decode(_ value: JSONValue) -> RecordOutcome {
        guard case .object(let object) = value else {
            return .rejected([FieldProblem(field: "", reason: "is \(value.kindName), not an object")])
        }
        return decoder.decode(object)
    }

    // MARK: CSV

    private func parseCSV(_ text: String) -> ParsedFile {
        let delimiter = CSVDelimiter.guessed(string: text)
        let csv: CSV<Enumerated>
        do {
            csv = try CSV<Enumerated>(string: text, delimiter: delimiter, loadColumns: false)
        } catch {
            return .unreadable(reason: "the file is not valid CSV: \(error)")
        }
        let header = csv.header.map { $0.trimmingCharacters(in: .whitespaces) }
        guard header.contains("invoice") || header.contains("event") || header.contains("record") else {
            // The line itself is not repeated: the reason goes to the group-readable
            // .error and the log, and a file that is no inbox file may hold a secret.
            return .unreadable(reason: "the first line is not a CSV header with an \"invoice\", \"event\" or \"record\" column (it has \(header.count) column\(header.count == 1 ? "" : "s"), none named so); put the column names on the first line")
        }
        let headerLine = Serializer.row(header, delimiter: delimiter.rawValue)
        var records: [ParsedRecord] = []
        records.reserveCapacity(csv.rows.count)
        for (index, row) in csv.rows.enumerated() {
            if row.allSatisfy(\.isEmpty) { continue }  // blank line
            let raw = Serializer.row(row, delimiter: delimiter.rawValue)
            let outcome: RecordOutcome
            if row.count > header.count {
                outcome = .rejected([FieldProblem(field: "", reason: "has \(row.count) cells but the header has \(header.count) columns; check for an unquoted \(delimiter.rawValue) in a value")])
            } else {
                outcome = decoder.decode(Self.nest(header: header, row: row))
            }
            // Line numbers assume no line breaks inside quoted cells, which
            // invoice exports do not have; the record number is exact either way.
            records.append(ParsedRecord(number: index + 1, line: index + 2, raw: raw, outcome: outcome))
        }
        return .records(.csv, header: headerLine, records)
    }

    /// "customer.email" columns become nested objects; blank cells are absent.
    static func nest(header: [String], row: [String]) -> [String: JSONValue] {
        var object: [String: JSONValue] = [:]
        var nested: [String: [String: JSONValue]] = [:]
        for (column, value) in zip(header, row) {
            let cell = value.trimmingCharacters(in: .whitespaces)
            if let dot = column.firstIndex(of: ".") {
                let outer = String(column[..<dot])
                let inner = String(column[column.index(after: dot)...])
                nested[outer, default: [:]][inner] = cell.isEmpty ? nil : .string(cell)
            } else if !cell.isEmpty {
                object[column] = .string(cell)
            }
        }
        for (key, fields) in nested { object[key] = .object(fields) }
        return object
    }

    // MARK: helpers

    static func encode(_ value: JSONValue) -> String {
        (try? String(decoding: JSONEncoder.journalLine().encode(value), as: UTF8.self)) ?? ""
    }

    /// Foundation's decoding errors, shortened to what a person can act on.
    /// Where JSON stops being JSON, as "at line 2, column 7 (invalid
    /// value)". JSONDecoder says only "not valid JSON"; JSONSerialization
    /// names the byte offset, which is turned into a line and column here.
    static func place(ofJSONError data: Data) -> String {
        var reason = "not JSON"
        var offset: Int?
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return "(it is JSON, but not of the expected shape)"
        } catch {
            let text = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? "\(error)"
            if let range = text.range(of: "character ") {
                offset = Int(text[range.upperBound...].prefix { $0.isNumber })
            }
            reason = text.components(separatedBy: " around ").first?.lowercased().trimmingCharacters(in: .punctuationCharacters) ?? reason
        }
        guard let offset, offset <= data.count else { return "(\(reason))" }
        var line = 1
        var lineStart = 0
        for (index, byte) in data.prefix(offset).enumerated() where byte == UInt8(ascii: "\n") {
            line += 1
            lineStart = index + 1
        }
        let column = String(decoding: data[lineStart..<offset], as: UTF8.self).count + 1
        return "at line \(line), column \(column) (\(reason))"
    }

    static func describe(_ error: Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return underlying ?? context.debugDescription
        }
        return "\(error)"
    }

    static func firstInvalidUTF8Offset(_ bytes: [UInt8]) -> Int {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        var consumedBefore = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                consumedBefore += UTF8.width(scalar)
                offset = consumedBefore
            case .emptyInput: return offset
            case .error: return offset
            }
        }
    }
}

/// CSV quoting for writing rejected rows back out (RFC 4180).
enum Serializer {
    static func row(_ cells: [String], delimiter: Character) -> String {
        cells.map { cell in
            cell.contains(delimiter) || cell.contains("\"") || cell.contains("\n") || cell.contains("\r")
                ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
        }.joined(separator: String(delimiter))
    }
}
