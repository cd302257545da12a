/// Addresses and Message-IDs out of header values and free text, loosely:
/// enough to find "local@domain" in what real mail servers write, not a
/// validator.
public enum MailAddresses {
    private static let localCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~.-")
    private static let domainCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")

    /// "local@domain.tld" exactly (a dot in the domain is required so that
    /// words like "user@host" in prose are not taken for addresses).
    public static func isAddress(_ text: some StringProtocol) -> Bool {
        guard let at = text.lastIndex(of: "@") else { return false }
        let local = text[..<at]
        let domain = text[text.index(after: at)...]
        guard !local.isEmpty, local.count <= 128, !domain.isEmpty, domain.count <= 255,
              local.allSatisfy({ localCharacters.contains($0) }),
              domain.allSatisfy({ domainCharacters.contains($0) }),
              domain.contains("."), !domain.hasPrefix("."), !domain.hasSuffix("."), !domain.contains("..") else { return false }
        return true
    }

    /// The address in one mailbox: "Name <a@b>", "a@b (Name)", "<a@b>",
    /// "rfc822; a@b", lower-cased; nil when there is none.
    public static func address(in value: String) -> String? {
        if let open = value.lastIndex(of: "<"), let close = value[open...].firstIndex(of: ">") {
            let inside = cleaned(value[value.index(after: open)..<close])
            if isAddress(inside) { return inside.lowercased() }
        }
        for token in value.split(whereSeparator: { " \t,;<>()\"".contains($0) }) {
            let candidate = cleaned(token)
            if isAddress(candidate) { return candidate.lowercased() }
        }
        return nil
    }

    /// Every address in an address list (To, Cc, X-Failed-Recipients).
    public static func addresses(in value: String) -> [String] {
        var out: [String] = []
        var current = ""
        var quoted = false
        var angle = false
        for character in value {
            if character == "\"" { quoted.toggle() }
            if !quoted, character == "<" { angle = true }
            if !quoted, character == ">" { angle = false }
            if character == ",", !quoted, !angle {
                if let address = address(in: current), !out.contains(address) { out.append(address) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if let address = address(in: current), !out.contains(address) { out.append(address) }
        return out
    }

    /// The address a line of an MTA's text starts with, the way failed
    /// recipients are listed: "  a@b", "<a@b>:", "\"a@b\":", "a@b: 550 ...",
    /// "a@b on <date>", "a@b<mailto:a@b>".
    public static func leadingAddress(ofLine line: some StringProtocol) -> String? {
        var tokens = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        // A bulleted list of failed recipients ("   * a@b").
        if let first = tokens.first, ["*", "-", "•"].contains(first) { tokens.removeFirst() }
        guard let token = tokens.first else { return nil }
        var candidate = Substring(token)
        if let angle = candidate.firstIndex(of: "<"), angle > candidate.startIndex {
            candidate = candidate[..<angle]  // "a@b<mailto:a@b>"
        }
        let address = cleaned(candidate)
        return isAddress(address) ? address.lowercased() : nil
    }

    /// The failed address a line of a notice names in the other ways MTAs
    /// list them: at its start (`leadingAddress`); after a short label that
    /// speaks of the recipient, with nothing after it ("Unknown user: a@b",
    /// "Invalid final delivery userid: a@b", "Failed recipient: a@b"); in
    /// an X.400 originator/recipient address ("c=US;…;dda:SMTP=a@b;", Exchange
    /// 5.5 and other X.400 gateways); or in a session transcript's
    /// "RCPT TO:<a@b>" (Sendmail, hMailServer, InterScan). Header-like
    /// labels ("To:", "Delivered-To:") are quoted headers, not failures.
    public static func failedAddress(ofLine line: some StringProtocol) -> String? {
        if let leading = leadingAddress(ofLine: line) { return leading }
        let lowered = line.lowercased()
        if let range = lowered.range(of: "rcpt to:") {
            let rest = lowered[range.upperBound...].drop(while: { $0 == " " || $0 == "<" })
            let token = rest.prefix { !" \t>".contains($0) }
            let candidate = cleaned(token)
            if isAddress(candidate) { return candidate }
        }
        if lowered.hasPrefix("c="), let range = lowered.range(of: "smtp=") {
            let candidate = cleaned(lowered[range.upperBound...].prefix { $0 != ";" && $0 != " " })
            if isAddress(candidate) { return candidate }
        }
        let tokens = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard tokens.count >= 2, tokens.count <= 6, let label = tokens.dropLast().last, label.hasSuffix(":") else { return nil }
        let labelWords = tokens.dropLast().map { $0.lowercased() }
        let recipientWords = ["user", "userid", "recipient", "address", "mailbox", "addressee"]
        guard !(labelWords.count == 1 && labelWords[0].contains("-")),
              labelWords.contains(where: { word in recipientWords.contains { word.hasPrefix($0) } }) else { return nil }
        let candidate = cleaned(tokens[tokens.count - 1])
        return isAddress(candidate) ? candidate.lowercased() : nil
    }

    /// Strips the punctuation around an address as MTAs quote it.
    private static func cleaned(_ text: some StringProtocol) -> String {
        var value = String(text).trimming(" \t<>\"'`:;,.()[]")
        if value.lowercased().hasPrefix("mailto:") { value = String(value.dropFirst(7)) }
        if value.lowercased().hasPrefix("rfc822;") { value = String(value.dropFirst(7)).trimmingASCIIWhitespace() }
        return value
    }

    /// Message-IDs in In-Reply-To, References or Message-ID, without the
    /// angle brackets; a bare id (no brackets) is accepted when it has an "@".
    public static func messageIDs(in value: String?) -> [String] {
        guard let value else { return [] }
        var out: [String] = []
        var rest = Substring(value)
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { break }
            let id = rest[rest.index(after: open)..<close].trimmingASCIIWhitespace()
            if !id.isEmpty, !out.contains(id) { out.append(id) }
            rest = rest[rest.index(after: close)...]
        }
        if out.isEmpty {
            for token in value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }) where token.contains("@") {
                let id = String(token)
                if !out.contains(id) { out.append(id) }
            }
        }
        return out
    }

    /// "local+detail@domain" → (local, detail, domain).
    public static func split(_ address: String) -> (local: String, detail: String?, domain: String)? {
        guard let at = address.lastIndex(of: "@") else { return nil }
        let local = address[..<at]
        let domain = String(address[address.index(after: at)...])
        if let plus = local.firstIndex(of: "+") {
            return (String(local[..<plus]), String(local[local.index(after: plus)...]), domain)
        }
        return (String(local), nil, domain)
    }

    /// Local parts of the automatic senders of delivery reports.
    public static let daemonLocalParts: Set<String> = ["mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon", "mdaemon"]

    public static func isDaemon(_ address: String) -> Bool {
        guard let parts = split(address.lowercased()) else { return address.lowercased() == "mailer-daemon" }
        return daemonLocalParts.contains(parts.local)
    }
}
