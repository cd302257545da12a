import Foundation
import OverdueCalendar

/// SWIFT MT940 customer statements (and MT942 interim reports, which have
/// the same `:61:`/`:86:` lines), with the common field 86 layouts:
/// German structured (`166?00…?20EREF+…?21SVWZ+…?31IBAN?32Name`), Dutch
/// and others' keyword form (`/TRTP/…/IBAN/…/NAME/…/REMI/…/EREF/…`), and
/// free text. Written by hand: no Swift library reads MT940, and the format
/// is a line-and-tag text that needs no more than this.
public enum MT940Reader {
    /// Whether the text looks like MT940 (a `:20:` and a `:61:` or `:60F:` tag).
    public static func looksLike(_ text: String) -> Bool {
        text.contains(":20:") && (text.contains(":61:") || text.contains(":60F:") || text.contains(":60M:"))
    }

    /// The file's text: UTF-8, else ISO 8859-1, which many banks still
    /// write MT940 in (every byte is a character there, so nothing is lost).
    public static func text(_ bytes: [UInt8]) -> String {
        String(validating: bytes, as: UTF8.self) ?? String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }

    public static func read(_ text: String) throws(StatementError) -> BankStatement {
        var account: String?
        var currency: String?
        var entries: [StatementEntry] = []
        var lastWasEntry = false
        var closing: CalendarDate?
        // Each statement of the file (from its :20:) ends with its closing
        // balance: one that stops after its entries is cut short and is
        // refused whole. Entries that do not add up from the opening to the
        // closing balance are read, with a warning (published bank samples
        // are edited that way; a bank's own export adds up).
        var warnings: [String] = []
        var opening: (amount: Decimal, line: Int)?
        var moved = Decimal(0)
        var lastEntryLine: Int?
        func endOfStatement() throws(StatementError) {
            if opening != nil, let line = lastEntryLine {
                throw StatementError(position: "line \(line)", field: ":62F:", reason: "the statement has entries but no closing balance after them: the file is cut short; export it again")
            }
        }
        for field in fields(text) {
            switch field.tag {
            case "20":
                try endOfStatement()
                (opening, moved, lastEntryLine) = (nil, 0, nil)
                lastWasEntry = false
            case "25":
                // The statement's account: the first :25: (a file of several statements keeps the first
                // one's). A :25: holding a field-86 layout ("166?00…") is a mislabelled :86:, not an account.
                let value = field.value.split(separator: "\n").first.map { String($0).trimmingCharacters(in: .whitespaces) }
                if account == nil, let value, !value.contains("?") { account = value }
                lastWasEntry = false
            case "60F", "60M", "60":
                // "C110522EUR3236,28": mark, date, currency, amount.
                let value = Array(field.value.utf8)
                if value.count >= 10 { currency = String(decoding: value[7..<10], as: UTF8.self) }
                opening = balance(field.value).map { ($0, field.line) }
                (moved, lastEntryLine) = (0, nil)
                lastWasEntry = false
            case "61":
                let read = try entry(field, currency: currency)
                entries.append(read)
                moved += read.direction == .credit || read.direction == .debitReversal ? read.amount : -read.amount
                lastEntryLine = field.line
                lastWasEntry = true
            case "86":
                if lastWasEntry, !entries.isEmpty { details(field.value, into: &entries[entries.count - 1]) }
                lastWasEntry = false
            case "62F", "62M", "62":
                // "C270603EUR165,01": the closing balance's date is the last day the statement covers.
                if let day = date(field.value.dropFirst().prefix(6)) { closing = max(closing ?? day, day) }
                if let start = opening, let end = balance(field.value), start.amount + moved != end {
                    warnings.append("line \(field.line) (:\(field.tag):): the entries do not add up: opening balance \(start.amount) (line \(start.line)) and the entries' \(moved) make \(start.amount + moved), but the closing balance is \(end); an entry may be missing: compare with the bank's statement")
                }
                (opening, lastEntryLine) = (nil, nil)
                lastWasEntry = false
            case "34F":
                // MT942's floor limit ("PLN0") names the currency it has no balance for.
                if currency == nil, field.value.count >= 3 { currency = String(field.value.prefix(3)) }
            case "13D", "13":
                continue  // MT942's time of the report
            default:
                lastWasEntry = false
            }
        }
        try endOfStatement()
        if entries.isEmpty, account == nil {
            throw StatementError(position: "line 1", field: ":25:/:61:", reason: "no MT940 statement found (no :25: account and no :61: entry); export the statement as MT940 or camt.053")
        }
        var statement = BankStatement(format: "MT940", account: account.flatMap(StatementEntry.accountKey),
                                      entries: entries.map { $0.cleaned() }, periodEnd: closing)
        statement.warnings = warnings
        return statement
    }

    /// A balance field's signed amount: "C270603EUR165,01" is 165.01, "D…" negative.
    static func balance(_ value: String) -> Decimal? {
        let text = value.split(separator: "\n").first.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
        guard text.count > 10, let mark = text.first, mark == "C" || mark == "D" else { return nil }
        guard let amount = amount(text.dropFirst(10).prefix { $0.isNumber || $0 == "," }) else { return nil }
        return mark == "C" ? amount : -amount
    }

    /// SWIFT's amount: digits with a decimal comma, which may end it ("165,01", "100,").
    static func amount(_ digits: Substring) -> Decimal? {
        Money.parse(digits.replacingOccurrences(of: ",", with: ".").trimmingTrailing("."))
    }

    struct Field {
        var tag: String
        var value: String
        var line: Int
    }

    /// The tagged fields in order; a line that starts no tag continues the
    /// field before it. SWIFT blocks (`{1:…}{2:…}{4:` and `-}`) are dropped.
    static func fields(_ text: String) -> [Field] {
        var fields: [Field] = []
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false)
        for (index, raw) in lines.enumerated() {
            var line = Substring(raw)
            if let block = line.range(of: "{4:") { line = line[block.upperBound...] }
            if line.hasPrefix("{1:") || line.hasPrefix("-}") || line == "-" { continue }
            if let tag = tag(of: line) {
                fields.append(Field(tag: String(tag), value: String(line.dropFirst(tag.count + 2)), line: index + 1))
            } else if !fields.isEmpty, !line.allSatisfy(\.isWhitespace) {
                fields[fields.count - 1].value += "\n" + line
            }
        }
        return fields
    }

    /// "61" of ":61:…", "60F" of ":60F:…".
    private static func tag(of line: Substring) -> Substring? {
        guard line.hasPrefix(":") else { return nil }
        let rest = line.dropFirst()
        guard let close = rest.firstIndex(of: ":") else { return nil }
        let tag = rest[..<close]
        guard (2...3).contains(tag.count), tag.prefix(2).allSatisfy(\.isNumber), tag.dropFirst(2).allSatisfy(\.isLetter) else { return nil }
        return tag
    }

    /// `:61:` — YYMMDD[MMDD](C|D|RC|RD)[funds code]amount type [customer ref][//bank ref][\nsupplementary].
    private static func entry(_ field: Field, currency: String?) throws(StatementError) -> StatementEntry {
        let position = "line \(field.line)"
        var lines = field.value.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Some banks wrap the line right after the mark ("1811261126CR" / "30,00N062NONREF").
        if lines.count > 1, let last = lines[0].last, last.isLetter, lines[1].first?.isNumber == true {
            lines[0] += lines.remove(at: 1)
        }
        let firstLine = lines
        var rest = Substring(firstLine[0])
        func fail(_ what: String) -> StatementError {
            StatementError(position: position, field: ":61:", reason: "\(what) in \"\(firstLine[0])\"; the line must read YYMMDD[MMDD]C|D|RC|RD amount, e.g. 2701150115C1200,00NTRFNONREF")
        }
        guard let valueDate = date(rest.prefix(6)) else { throw fail("no valid value date") }
        rest = rest.dropFirst(6)
        var bookingDate: CalendarDate?
        if rest.count >= 4, rest.prefix(4).allSatisfy(\.isNumber), let month = Int(rest.prefix(2)), let day = Int(rest.dropFirst(2).prefix(2)) {
            // The booking date has no year: the value date's, across a year end.
            var year = valueDate.year
            if month == 12, valueDate.month == 1 { year -= 1 }
            if month == 1, valueDate.month == 12 { year += 1 }
            bookingDate = CalendarDate(year: year, month: month, day: day)
            rest = rest.dropFirst(4)
        }
        let direction: StatementEntry.Direction
        switch rest.prefix(2) {
        case "RC": direction = .creditReversal; rest = rest.dropFirst(2)
        case "RD": direction = .debitReversal; rest = rest.dropFirst(2)
        case _ where rest.hasPrefix("C"): direction = .credit; rest = rest.dropFirst()
        case _ where rest.hasPrefix("D"): direction = .debit; rest = rest.dropFirst()
        default: throw fail("no debit/credit mark (C, D, RC or RD)")
        }
        if let funds = rest.first, funds.isLetter { rest = rest.dropFirst() }  // funds code, e.g. the R of EUR
        let digits = rest.prefix { $0.isNumber || $0 == "," }
        guard digits.contains(where: \.isNumber), let amount = amount(digits) else {
            throw fail("no amount")
        }
        if digits.count > 15 {
            throw StatementError(position: position, field: ":61:", reason: "the amount \(digits) is longer than SWIFT's 15 characters; the statement is damaged: export it again")
        }
        if let problem = StatementEntry.amountProblem(String(digits), maxDigits: 15, currency: currency) {
            throw StatementError(position: position, field: ":61:", reason: "\(problem); the statement is damaged: export it again")
        }
        rest = rest.dropFirst(digits.count)
        rest = rest.dropFirst(min(4, rest.count))  // transaction type: N + 3, e.g. NTRF, N062
        var entry = StatementEntry(direction: direction, amount: amount, currency: currency ?? "", valueDate: valueDate, position: position)
        entry.bookingDate = bookingDate
        // The customer's reference is at most 16 characters, the bank's (after "//") 16 by
        // the standard and up to 23 as banks write it; what follows on the line is detail.
        if let slashes = rest.range(of: "//"), rest.distance(from: rest.startIndex, to: slashes.lowerBound) <= 16 {
            entry.customerReference = meaningful(rest[..<slashes.lowerBound])
            entry.bankReference = meaningful(rest[slashes.upperBound...].prefix(23))
        } else {
            entry.customerReference = meaningful(rest.prefix(16))
        }
        return entry
    }

    /// `:86:` in one of its layouts, onto the entry.
    static func details(_ text: String, into entry: inout StatementEntry) {
        let flat = text.replacingOccurrences(of: "\n", with: "").trimmingCharacters(in: .whitespaces)
        if flat.count >= 4, flat.prefix(3).allSatisfy(\.isNumber), flat.dropFirst(3).first == "?" || flat.dropFirst(3).hasPrefix("?") {
            structured(flat, into: &entry)
        } else if flat.hasPrefix("/"), flat.dropFirst().prefix(4).allSatisfy({ $0.isUppercase }) {
            keywords(flat, into: &entry)
        } else {
            entry.remittance = oneLine(text)
        }
        if entry.creditorReference == nil { entry.creditorReference = CreditorReference.find(in: entry.remittance) }
    }

    /// German structured field 86: GVC, then `?NN` subfields.
    private static func structured(_ text: String, into entry: inout StatementEntry) {
        var subfields: [Int: String] = [:]
        var order: [Int] = []
        let scalars = Array(text.unicodeScalars)
        var index = 3
        while index + 2 < scalars.count {
            guard scalars[index] == "?", let code = Int(String(String.UnicodeScalarView(scalars[(index + 1)...(index + 2)]))) else {
                index += 1
                continue
            }
            var end = index + 3
            while end < scalars.count {
                if scalars[end] == "?", end + 2 < scalars.count, Int(String(String.UnicodeScalarView(scalars[(end + 1)...(end + 2)]))) != nil { break }
                end += 1
            }
            subfields[code, default: ""] += String(String.UnicodeScalarView(scalars[(index + 3)..<end]))
            if !order.contains(code) { order.append(code) }
            index = end
        }
        let purpose = order.filter { (20...29).contains($0) || (60...63).contains($0) }.compactMap { subfields[$0] }.joined()
        let sepa = sepaKeys(purpose)
        entry.payerName = meaningful(Substring([subfields[32], subfields[33]].compactMap { $0 }.joined()))
        entry.payerIBAN = subfields[31].flatMap { meaningful(Substring($0)) }
        entry.returnReason = subfields[34].flatMap { meaningful(Substring($0)) }
        // SEPA end-to-end ids are at most 35 characters; what follows is other text.
        entry.endToEndID = sepa["EREF"].flatMap { meaningful($0.prefix(35)) }
        entry.remittance = oneLine(sepa["SVWZ"] ?? (sepa.isEmpty ? purpose : ""))
    }

    /// "EREF+123KREF+…SVWZ+Invoice 4711" → ["EREF": "123", "SVWZ": "Invoice 4711"].
    static func sepaKeys(_ purpose: String) -> [String: String] {
        let keys = ["EREF", "KREF", "MREF", "CRED", "DEBT", "COAM", "OAMT", "SVWZ", "ABWA", "ABWE", "IBAN", "BIC"]
        var found: [(key: String, range: Range<String.Index>)] = []
        for key in keys {
            var searchStart = purpose.startIndex
            while let range = purpose.range(of: key + "+", range: searchStart..<purpose.endIndex) {
                found.append((key, range))
                searchStart = range.upperBound
            }
        }
        found.sort { $0.range.lowerBound < $1.range.lowerBound }
        var values: [String: String] = [:]
        for (index, item) in found.enumerated() {
            let end = index + 1 < found.count ? found[index + 1].range.lowerBound : purpose.endIndex
            guard item.range.upperBound <= end else { continue }
            values[item.key] = values[item.key] ?? String(purpose[item.range.upperBound..<end])
        }
        return values
    }

    /// The keyword layout: `/KEY/value/KEY/value…` (ABN AMRO, ING, Rabobank).
    private static func keywords(_ text: String, into entry: inout StatementEntry) {
        let known: Set<String> = ["TRTP", "IBAN", "BIC", "NAME", "REMI", "EREF", "CSID", "MARF", "ORDP", "BENM", "CNTP", "ADDR",
                                  "USTD", "STRD", "RTRN", "ISDT", "PREF", "ULTC", "ULTD", "PURP", "SVCL", "ID"]
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var values: [String: [String]] = [:]
        var current: String?
        for part in parts.dropFirst() {
            if known.contains(part) {
                current = part
                values[part, default: []].append("")
            } else if let key = current {
                let last = values[key]!.count - 1
                values[key]![last] += values[key]![last].isEmpty ? part : "/" + part
            }
        }
        func first(_ key: String) -> String? { values[key]?.first { !$0.isEmpty } }
        // CNTP: IBAN/BIC/name/city, with the slashes inside one value.
        let counterparty = first("CNTP")?.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        entry.payerIBAN = first("IBAN").flatMap { meaningful(Substring($0)) } ?? counterparty?.first.flatMap { meaningful(Substring($0)) }
        entry.payerName = first("NAME").flatMap { meaningful(Substring($0)) }
            ?? counterparty.flatMap { $0.count > 2 ? meaningful(Substring($0[2])) : nil }
        entry.endToEndID = first("EREF").flatMap { meaningful(Substring($0)) }
        entry.returnReason = first("RTRN").flatMap { meaningful(Substring($0)) }
        if let structured = first("STRD") {
            // /REMI/STRD/CUR/RF18539007547034 or ISR references.
            entry.creditorReference = structured.split(separator: "/").last.map(String.init)
        }
        entry.remittance = oneLine(first("USTD") ?? first("REMI") ?? "")
    }

    /// YYMMDD → a date; years 80–99 are 1980–1999.
    private static func date(_ text: Substring) -> CalendarDate? {
        guard text.count == 6, text.allSatisfy(\.isNumber), let yy = Int(text.prefix(2)), let month = Int(text.dropFirst(2).prefix(2)),
              let day = Int(text.suffix(2)) else { return nil }
        // Some banks count 30-day months ("160230"): the month's last day.
        let year = yy >= 80 ? 1900 + yy : 2000 + yy
        guard (1...12).contains(month), (1...31).contains(day) else { return nil }
        return CalendarDate(year: year, month: month, day: min(day, CalendarDate.daysIn(month: month, year: year)))
    }

    /// nil for empty and for the placeholders banks write for "none".
    static func meaningful(_ text: Substring) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty || ["NONREF", "NOTPROVIDED", "NONE"].contains(trimmed.uppercased()) ? nil : trimmed
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
    }
}

private extension String {
    func trimmingTrailing(_ character: Character) -> String {
        var text = self
        while text.last == character { text.removeLast() }
        return text
    }
}
