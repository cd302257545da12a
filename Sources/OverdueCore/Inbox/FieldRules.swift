import Foundation
import Synchronization

/// One thing wrong with one field of one record, said so that the person
/// fixing the file knows what to change.
public struct FieldProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// Dotted path of the field, e.g. "customer.email"; "" for the record itself.
    public var field: String
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { field.isEmpty ? reason : "field \"\(field)\": \(reason)" }
}

/// Syntax rules for the values in inbox files. Each returns nil when the
/// value is fine, else the reason with the fix.
public enum FieldRules {
    /// Invoice and customer ids: letters, digits and `space . _ / # : -`, at most
    /// 64 characters, starting with a letter or digit, never `..`. Real invoice
    /// numbers contain slashes and spaces ("018304 / 28865"), but ids also end
    /// up in file names and message ids, so nothing that could climb a path.
    public static func identifier(_ value: String) -> String? {
        guard !value.isEmpty else { return "is empty" }
        guard value.count <= 64 else { return "is \(value.count) characters long; at most 64 are allowed" }
        guard let first = value.unicodeScalars.first, isASCIIAlphanumeric(first) else {
            return "\"\(printable(value))\" must start with a letter or digit"
        }
        guard !value.contains("..") else { return "\"\(printable(value))\" contains \"..\", which is not allowed in an id" }
        for scalar in value.unicodeScalars where !(isASCIIAlphanumeric(scalar) || " ._/#:-".unicodeScalars.contains(scalar)) {
            return "\"\(printable(value))\" contains \"\(printable(String(scalar)))\"; use only letters, digits and . _ / # : - space"
        }
        guard value.last != " " else { return "\"\(value)\" ends with a space" }
        return nil
    }

    /// `text` without leading and trailing spaces and tabs; the common case
    /// (none) costs no copy, unlike Foundation's trimming.
    static func trimmedSpaces(_ text: String) -> String {
        let utf8 = text.utf8
        guard let first = utf8.first, let last = utf8.last,
              first == 32 || first == 9 || last == 32 || last == 9 else { return text }
        return text.trimmingCharacters(in: .whitespaces)
    }

    /// The characters allowed before the @, indexed by byte.
    static let emailLocalAllowed: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for byte in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.!#$%&'*+/=?^_`{|}~-".utf8 { table[Int(byte)] = true }
        return table
    }()

    public static func email(_ value: String) -> String? {
        // Checked on UTF-8 bytes: every allowed character is ASCII, and
        // ingest and replay call this for every invoice.
        let bytes = value.utf8
        let parts = bytes.split(separator: UInt8(ascii: "@"), omittingEmptySubsequences: false)
        let fix = "write one address like ap@acme.example"
        let dot = UInt8(ascii: ".")
        guard bytes.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64,
              parts[0].allSatisfy({ emailLocalAllowed[Int($0)] }), parts[0].first != dot, parts[0].last != dot,
              !zip(parts[0], parts[0].dropFirst()).contains(where: { $0 == dot && $1 == dot })
        else { return "\"\(printable(value))\" is not an e-mail address; \(fix)" }
        let labels = parts[1].split(separator: dot, omittingEmptySubsequences: false)
        let hyphen = UInt8(ascii: "-")
        let labelOK = labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.first != hyphen && label.last != hyphen
                && label.allSatisfy { $0 < 128 && (isASCIIAlphanumeric(Unicode.Scalar($0)) || $0 == hyphen) }
        }
        guard labels.count >= 2, labelOK else {
            return "\"\(printable(value))\" has no valid domain after the @; \(fix)"
        }
        return nil
    }

    /// An opt-out or bounce address: an E.164 phone when it starts with "+",
    /// else an e-mail address.
    public static func contactAddress(_ value: String) -> String? {
        value.hasPrefix("+") ? phone(value) : email(value)
    }

    /// The address inside a mailbox such as "Accounts <ar@example.com>"
    /// (the whole text when there are no angle brackets).
    public static func mailboxAddress(_ mailbox: String) -> String {
        guard let open = mailbox.lastIndex(of: "<"), let close = mailbox.lastIndex(of: ">"), open < close else { return mailbox }
        return String(mailbox[mailbox.index(after: open)..<close])
    }

    /// E.164: "+" then 7 to 15 digits, the first not 0.
    public static func phone(_ value: String) -> String? {
        let digits = value.dropFirst()
        guard value.hasPrefix("+"), (7...15).contains(digits.count), digits.first != "0",
              digits.allSatisfy({ $0.isASCII && $0.isNumber })
        else { return "\"\(printable(value))\" is not an E.164 number; write it as + country code and number, no spaces, e.g. +4915112345678" }
        return nil
    }

    /// BCP 47 language tag in its common shapes: "de", "fr-CH", "zh-Hant-TW".
    public static func language(_ value: String) -> String? {
        let subtags = value.split(separator: "-", omittingEmptySubsequences: false)
        guard let primary = subtags.first, (2...3).contains(primary.count), primary.allSatisfy({ $0.isASCII && $0.isLetter }),
              subtags.dropFirst().allSatisfy({ (1...8).contains($0.count) && $0.unicodeScalars.allSatisfy(isASCIIAlphanumeric) })
        else { return "\"\(printable(value))\" is not a language tag; use e.g. en, de or fr-CH" }
        return nil
    }

    /// Names already looked up (ingest checks the same few zones over and over).
    private static let checkedZones = Mutex<[String: Bool]>([:])

    /// IANA "Area/Location" names that the system's tz database knows,
    /// backward-compatible links included (Asia/Calcutta as well as
    /// Asia/Kolkata, which Foundation's `knownTimeZoneIdentifiers` lacks),
    /// and UTC. Refused: abbreviations ("EST", "CET") and fixed offsets
    /// ("GMT+5", "Etc/GMT-2"), which carry no DST rules for the debtor's region.
    public static func timezone(_ value: String) -> String? {
        let known = checkedZones.withLock { cache in
            if let known = cache[value] { return known }
            let shaped = ["UTC", "GMT", "Etc/UTC"].contains(value)
                || (value.contains("/") && !value.hasPrefix("Etc/") && !value.hasPrefix("posix/") && !value.hasPrefix("right/")
                    && value.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || "/_-+0123456789".unicodeScalars.contains($0)) })
            let known = shaped && TimeZone(identifier: value) != nil
            if cache.count < 10_000 { cache[value] = known }
            return known
        }
        return known ? nil : "\"\(printable(value))\" is not an IANA timezone; use a name such as Europe/Berlin or America/New_York"
    }

    /// ISO 3166-1 alpha-2, upper case ("IE", "DE").
    public static func country(_ value: String) -> String? {
        value.count == 2 && value.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) }) && Locale.Region(value).isISORegion
            ? nil : "\"\(printable(value))\" is not an ISO 3166 country code; use two capital letters such as IE, DE or FR"
    }

    public static func currency(_ value: String) -> String? {
        Currency.isKnown(value) ? nil : "\"\(printable(value))\" is not an ISO 4217 currency code; use three capital letters such as EUR, GBP or USD"
    }

    /// A file name for an invoice's PDF: one name, no folder, as dropped in the inbox.
    public static func documentName(_ value: String) -> String? {
        if value.isEmpty || value.utf8.count > 255 || value.contains("/") || value == "." || value == ".."
            || value.hasPrefix(".") || value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "\"\(printable(value))\" is not a file name; give the PDF's name as dropped in the inbox, e.g. \"INV-2026-0042.pdf\" (no folder, not starting with a dot)"
        }
        return nil
    }

    public static func url(_ value: String) -> String? {
        guard let url = URL(string: value), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
              url.host?.isEmpty == false, !value.contains(where: { $0.isWhitespace }),
              // A control or format character (NUL, BEL, a bidi override) in a link
              // a debtor clicks, or in a header it lands in, is never meant.
              !value.unicodeScalars.contains(where: { [.control, .format].contains($0.properties.generalCategory) })
        else { return "\"\(printable(value))\" is not an http(s) URL; write it like https://pay.example/INV-1" }
        return nil
    }

    /// Free text that may end up in a message header or an SMS: no control
    /// characters (a CR/LF here could forge a header), bounded length.
    public static func text(_ value: String, maxLength: Int = 200) -> String? {
        // Printable ASCII (most names) is checked on bytes; anything else
        // through Unicode properties. Every invoice has several texts.
        let utf8 = value.utf8
        let plainASCII = utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
        if !plainASCII, value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "contains a control character (such as a line break or tab); write it on one line"
        }
        let length = plainASCII ? utf8.count : value.count
        if length > maxLength { return "is \(length) characters long; at most \(maxLength) are allowed" }
        if plainASCII ? utf8.allSatisfy({ $0 == 0x20 }) : value.trimmingCharacters(in: .whitespaces).isEmpty { return "is empty" }
        return nil
    }

    /// A value shown back to the user in an error, with anything unprintable
    /// escaped and length bounded.
    public static func printable(_ value: String) -> String {
        var out = ""
        for scalar in value.unicodeScalars.prefix(80) {
            if scalar.properties.generalCategory == .control || scalar == "\"" {
                out += scalar.escaped(asASCII: true)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return value.unicodeScalars.count > 80 ? out + "…" : out
    }

    private static func isASCIIAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}
