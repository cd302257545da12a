/// Hard or soft, and a short reason, for one failed recipient, from the
/// server's words and the enhanced status code (RFC 3463).
///
/// Hard means the address or its domain does not exist: that is what gets
/// an address suppressed, so hard needs positive evidence and everything
/// else is soft. The words decide before the code, because servers put
/// generic codes on specific failures (5.0.0 "User unknown", 5.1.0 for an
/// SPF block, 5.2.1 for both "user unknown" and "account disabled").
enum BounceRules {
    enum Action: Equatable {
        case failed, delayed
        case other(String)  // delivered, relayed, expanded

        init(dsnValue: String?, status: String?) {
            let word = (dsnValue ?? "").lowercased().split(separator: " ").first.map(String.init) ?? ""
            switch word {
            case "failed", "failure": self = .failed
            case "delayed", "delay": self = .delayed
            case "delivered", "relayed", "expanded": self = .other(word)
            default:
                // No or unknown Action: the status class says what happened.
                switch status?.first {
                case "2": self = .other("delivered")
                case "4": self = .delayed
                default: self = .failed
                }
            }
        }
    }

    struct Verdict: Equatable {
        var kind: FeedbackKind
        var reason: String
    }

    /// - primary: the words about this recipient (Diagnostic-Code, else its paragraph in the MTA's text).
    /// - secondary: the MTA's text when it does not single this recipient out.
    /// - context: more text about this recipient, read only for the SMTP stage (Postfix says
    ///   "in reply to end of DATA command" in its notice, not in the Diagnostic-Code).
    static func verdict(action: Action, primary: String, secondary: String?, status: String?,
                        diagnosticType: String?, context: String = "") -> Verdict {
        let words = normalized(primary)
        switch action {
        case .other(let word):
            return Verdict(kind: .other, reason: word)
        case .delayed:
            return Verdict(kind: .delayed, reason: softReason(words) ?? statusReason(status) ?? "delivery delayed")
        case .failed:
            break
        }
        // A local delivery program (procmail, maildrop) failed: the MTA took the address.
        if diagnosticType == "x-unix" {
            return Verdict(kind: .bounce(.soft), reason: softReason(words) ?? "local delivery program failed")
        }
        if let reason = firstMatch(overriding, in: words) {
            return Verdict(kind: .bounce(.soft), reason: reason)
        }
        let stage = stage(of: words + " " + normalized(context))
        let permanent = status.map { !$0.hasPrefix("4") } ?? true
        // RFC 5321's stock text for any 550 ("mailbox unavailable") names no
        // cause: it counts only when the server said it to RCPT TO.
        let byWords = firstMatch(hard, in: words) ?? (stage == .recipient ? firstMatch(stockReplies, in: words) : nil)
            ?? (status.map { $0.hasSuffix(".4.1") } == true ? firstMatch(directoryRefusals, in: words) : nil)
        let byStatus = softReason(words) == nil ? hardStatusReason(status) : nil
        guard let hardReason = byWords ?? byStatus else {
            return Verdict(kind: .bounce(.soft), reason: softReason(words) ?? statusReason(status)
                ?? secondary.flatMap { softReason(normalized($0)) } ?? "undelivered")
        }
        if hardReason == "user unknown", stage == .data {
            // Refused after the message was sent: RCPT TO had accepted the address.
            return Verdict(kind: .bounce(.soft), reason: "filtered (refused after the message was sent)")
        }
        if permanent, byWords != nil, let status, isPolicyClass(status) {
            // Servers reject unknown recipients under generic policy codes
            // (Postfix and Exchange under 5.7.1, Microsoft's directory-based
            // edge blocking under 5.4.1, relays under 5.0.0 or 5.5.0): the
            // words then say what the code does not. A policy reason in the
            // same text (spam, blocked, DNSBL, relaying) keeps it soft.
            if let other = softReason(removing(hard + stockReplies + directoryRefusals, from: words)) {
                return Verdict(kind: .bounce(.soft), reason: "\(other) (status \(status); the text also says \(hardReason))")
            }
        }
        if !permanent {
            return Verdict(kind: .bounce(.soft), reason: "\(hardReason) (temporary status \(status ?? ""))")
        }
        if let secondary, let other = softReason(normalized(secondary)) {
            // The report contradicts itself; only an unambiguous report suppresses an address.
            return Verdict(kind: .bounce(.soft), reason: "\(other) (the report also says \(hardReason))")
        }
        return Verdict(kind: .bounce(.hard), reason: hardReason)
    }

    /// Codes that say a server refused without saying why: the security or
    /// policy class (x.7.x), "other" detail codes (x.N.0), routing (x.4.x,
    /// Microsoft's 5.4.1 is its refusal of an address not in the directory)
    /// and protocol (x.5.x, which relays put on a relayed "user unknown").
    /// Unlike x.2.2 (full) or x.3.4 (too big) they contradict no
    /// "does not exist" text.
    static func isPolicyClass(_ status: String) -> Bool {
        let parts = status.split(separator: ".")
        guard parts.count == 3 else { return false }
        return ["0", "4", "5", "7"].contains(parts[1]) || parts[2] == "0"
    }

    /// The text with every phrase of the table blanked out, so a hard
    /// phrase that contains a soft word ("recipient address rejected:
    /// access denied") does not veto itself.
    static func removing(_ table: [(String, [String])], from words: String) -> String {
        var out = words
        for (_, phrases) in table {
            for phrase in phrases where out.contains(phrase) { out = out.replacingAll(phrase, with: " ") }
        }
        return out
    }

    // MARK: Words

    /// Lower case, typographic apostrophes made plain, whitespace runs
    /// (folded lines) made one space.
    static func normalized(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var space = false
        for scalar in text.lowercased().unicodeScalars {
            if scalar.properties.isWhitespace {
                space = true
                continue
            }
            if space, !out.isEmpty { out.append(" ") }
            space = false
            out.unicodeScalars.append(scalar == "\u{2019}" || scalar == "\u{2018}" ? "'" : scalar)
        }
        return out
    }

    private static func firstMatch(_ table: [(String, [String])], in words: String) -> String? {
        for (reason, phrases) in table where phrases.contains(where: { words.contains($0) }) { return reason }
        return nil
    }

    /// Soft causes that win even over "user unknown" wording in the same text.
    static let overriding: [(String, [String])] = [
        // A DNS lookup that failed for now (Postfix and Sendmail: "Host not
        // found, try again"), not a domain that does not exist.
        ("temporary DNS failure", ["not found, try again", "temporary failure in name resolution",
                                   "dns temporary failure", "name server timeout"]),
        ("account disabled", ["account that you tried to reach is disabled", "account is disabled", "has been disabled",
                              "mailbox disabled", "account disabled", "is inactive", "account inactive",
                              "account has been suspended", "account is suspended", "mailbox is suspended",
                              "temporarily disabled", "deactivated"]),
        ("sender rejected", ["sender address rejected", "domain of sender address", "sender was rejected",
                             "sender rejected", "sender verify failed", "sender domain", "invalid sender"]),
        ("relaying denied", ["relay access denied", "relaying denied", "relay not permitted", "unable to relay",
                             "relaying not allowed", "we do not relay"]),
    ]

    /// Words that say the address or its domain does not exist, as MTAs
    /// of every make phrase it (RFC 5321's replies, Sendmail, Postfix, Exim,
    /// qmail, Exchange and Microsoft 365, Domino, IMail/SMTP32, Google,
    /// Yahoo, and the German and French of European servers).
    static let hard: [(String, [String])] = [
        ("user unknown", ["user unknown", "unknown user", "no such user", "no such recipient", "no such mailbox",
                          "no such account", "recipient not found", "recipnotfound", "recipientnotfound",
                          "recipient name is not recognized", "unknown recipient", "recipient unknown",
                          "addressee unknown", "mailbox not found", "mailbox does not exist", "user does not exist",
                          "user doesn't exist", "address does not exist", "account does not exist",
                          "illegal user", "invalid recipient", "invalid mailbox", "email address wasn't found",
                          "no mailbox here", "user not found", "unknown local part", "unknown mailbox",
                          "not a valid mailbox", "no user by that name", "no account by that name",
                          "invalid final delivery userid", "not listed in domino directory",
                          "not listed in public name & address book",
                          "benutzer unbekannt", "empfänger unbekannt", "empfaenger unbekannt",
                          "utilisateur inconnu", "destinataire inconnu"]),
        ("domain unknown", ["host unknown", "unknown host", "domain does not exist", "domain not found", "no such domain",
                            "host not found", "host or domain name not found", "name service error",
                            "couldn't find a mail exchanger", "could not find a mail exchanger", "no mx record",
                            "unrouteable address", "unroutable address", "account or domain may not exist",
                            "the domain is not reachable", "domain name not found", "nxdomain", "domain must exist",
                            "name or service not known", "unknown domain", "mail domain mentioned in email address is unknown",
                            "no valid mx", "null mx", "does not accept mail (nullmx)"]),
    ]

    /// Microsoft 365's directory-based edge blocking refuses an address its
    /// tenant does not have with "550 5.4.1 Recipient address rejected:
    /// Access denied" (one text for every Exchange Online domain). Under
    /// another code (Postfix's access(5) REJECT says the same under 5.7.1)
    /// it is a policy refusal.
    static let directoryRefusals: [(String, [String])] = [
        ("user unknown", ["recipient address rejected: access denied"]),
    ]

    /// RFC 5321's stock reply text, which any refusal may carry: hard only
    /// when the server said it to RCPT TO (see `verdict`).
    static let stockReplies: [(String, [String])] = [
        ("user unknown", ["mailbox unavailable", "mailbox is unavailable"]),
    ]

    static let soft: [(String, [String])] = [
        ("mailbox full", ["mailbox full", "mailbox is full", "quota exceeded", "over quota", "overquota",
                          "exceeded storage", "out of storage space", "insufficient storage", "not enough disk space",
                          "disk quota", "mailbox size limit", "mailbox has exceeded", "user is over"]),
        ("message too large", ["message too large", "message is too large", "size exceeds", "too big",
                               "exceeds the size limit", "recipsizelimit"]),
        ("rate limited", ["rate limit", "too many connections", "too many messages", "connection limit"]),
        ("blocked", ["blocked", "blacklist", "blocklist", "banned", "spamhaus", " rbl", "spf", "dmarc", "dkim",
                     "reputation", "mismatches client ip", "not allowed to send", "smtp server of your isp"]),
        ("rejected as spam or by policy", ["spam", "virus", "content rejected", "header error", "policy",
                                           "filtered"]),
        ("access denied", ["access denied", "not authorized", "authentication required"]),
        ("TLS required", ["does not support tls", "tls required", "encryption required"]),
        ("expired", ["expired", "retry timeout exceeded", "queue too long", "too long in the queue",
                     "did not accept our requests to connect", "could not be delivered within", "delivery time"]),
        ("network error", ["connection refused", "connection timed out", "timed out", "socket error",
                           "unable to connect", "establish an smtp connection", "could not connect",
                           "network is unreachable", "no route to host", "connection reset"]),
        ("remote system error", ["ldap", "configuration error", "system error", "internal error", "try again later",
                                 "temporary failure", "local error", "resources"]),
        ("protocol error", ["improper sequence", "bad sequence", "syntax error", "command unrecognized",
                            "command not recognized"]),
    ]

    static func softReason(_ words: String) -> String? { firstMatch(soft, in: words) }

    // MARK: Status codes

    /// Hard by the code alone (RFC 3463): bad mailbox (x.1.1), bad domain
    /// (x.1.2), bad address syntax (x.1.3), moved without forwarding
    /// (x.1.6), and Microsoft's x.1.10 (recipient not found). Permanent
    /// codes only; a 4.x.x is checked by the caller.
    static func hardStatusReason(_ status: String?) -> String? {
        guard let status else { return nil }
        let detail = status.split(separator: ".").dropFirst().joined(separator: ".")
        switch detail {
        case "1.1", "1.10": return "user unknown"
        case "1.2": return "domain unknown"
        case "1.3": return "invalid address"
        case "1.6": return "mailbox moved"
        default: return nil
        }
    }

    static func statusReason(_ status: String?) -> String? {
        guard let status else { return nil }
        let parts = status.split(separator: ".")
        guard parts.count == 3 else { return nil }
        switch (parts[1], parts[2]) {
        case ("1", "7"), ("1", "8"): return "sender rejected"
        case ("2", "1"): return "mailbox disabled"
        case ("2", "2"): return "mailbox full"
        case ("2", "3"), ("3", "4"): return "message too large"
        case ("4", "7"): return "expired"
        case ("7", _): return "blocked by policy"
        case ("1", _): return "address rejected"
        case ("2", _): return "mailbox problem"
        case ("3", _): return "remote system error"
        case ("4", _): return "network error"
        case ("5", _): return "protocol error"
        case ("6", _): return "content rejected"
        default: return nil
        }
    }

    /// Enhanced status codes in a text, in order, each flagged when it
    /// directly follows an SMTP reply code ("550 5.1.1", "550-'5.7.1"):
    /// that is the remote server's own verdict, more specific than the
    /// generic one a relay wraps it in.
    static func statusCodes(in text: String) -> [(code: String, afterReply: Bool)] {
        let bytes = Array(text.utf8)
        func isDigit(_ index: Int) -> Bool { index >= 0 && index < bytes.count && bytes[index] >= 0x30 && bytes[index] <= 0x39 }
        // A code stands alone: no letter, digit or dot glued to it ("v5.1.1", "192.0.2.22" are not codes).
        func isGlue(_ index: Int) -> Bool {
            guard index >= 0, index < bytes.count else { return false }
            let byte = bytes[index] | 0x20
            return isDigit(index) || bytes[index] == 0x2E || (byte >= 0x61 && byte <= 0x7A)
        }
        var out: [(String, Bool)] = []
        var index = 0
        while index < bytes.count {
            defer { index += 1 }
            guard [0x32, 0x34, 0x35].contains(bytes[index]), !isGlue(index - 1),
                  index + 1 < bytes.count, bytes[index + 1] == 0x2E else { continue }
            var end = index + 2
            var digits = 0
            while isDigit(end), digits < 3 { end += 1; digits += 1 }
            guard digits > 0, end < bytes.count, bytes[end] == 0x2E else { continue }
            let third = end + 1
            end = third
            digits = 0
            while isDigit(end), digits < 3 { end += 1; digits += 1 }
            guard digits > 0, !isDigit(end), !(end < bytes.count && (bytes[end] | 0x20) >= 0x61 && (bytes[end] | 0x20) <= 0x7A),
                  !(end + 1 < bytes.count && bytes[end] == 0x2E && isDigit(end + 1)) else { continue }
            // Look back over "-", "'", quotes and blanks for a three-digit reply code.
            var back = index - 1
            var skipped = 0
            while back >= 0, skipped < 3, [0x20, 0x2D, 0x27, 0x22].contains(bytes[back]) { back -= 1; skipped += 1 }
            let afterReply = skipped > 0 && back >= 2 && isDigit(back) && isDigit(back - 1) && isDigit(back - 2)
                && !isDigit(back - 3) && [0x32, 0x34, 0x35].contains(bytes[back - 2])
            out.append((String(decoding: bytes[index..<end], as: UTF8.self), afterReply))
            index = end - 1
        }
        return out
    }

    /// The most specific code: the remote server's (after a reply code),
    /// else the Status field unless it is a bare x.0.0, else any in the text.
    static func bestStatus(field: String?, text: String) -> String? {
        let fieldCode = field.flatMap { statusCodes(in: $0).first?.code }
        let codes = statusCodes(in: text)
        if let remote = codes.first(where: \.afterReply) { return remote.code }
        if let fieldCode, !fieldCode.hasSuffix(".0.0") { return fieldCode }
        return codes.first?.code ?? fieldCode
    }

    // MARK: SMTP stage

    enum Stage { case recipient, data }

    static func stage(of words: String) -> Stage? {
        let recipient = ["in reply to rcpt to command", "after rcpt", "rcpt to response", "[rcpt_to]",
                         "does not like recipient", "smtp:rcpt", "rcpt to generated"]
        let data = ["in reply to end of data command", "in reply to data command", "after end of data", "after data"]
        if recipient.contains(where: { words.contains($0) }) { return .recipient }
        if data.contains(where: { words.contains($0) }) { return .data }
        return nil
    }
}
