import Foundation

/// The receiving mail server's verdicts on a message (RFC 8601
/// Authentication-Results), read only from servers the operator names:
/// anyone can write such a header into a message, but a server removes
/// the ones that claim its own id from incoming mail. Written by hand: no
/// library here parses the header, and only two results matter — a DKIM
/// signature that verified for a domain (`header.d`), and a DMARC pass for
/// the From domain (`header.from`).
public enum AuthenticationResults {
    public struct Pass: Sendable, Equatable {
        /// Lower case, e.g. "acme.example".
        public var domain: String
        /// "dkim" or "dmarc".
        public var method: String
        public var authServID: String

        /// Whether this pass vouches for a From address in `domain`: the same
        /// domain, or a subdomain of the signing one (DKIM d=acme.example
        /// signs for mail.acme.example), as DMARC's relaxed alignment has it.
        public func vouches(for address: String) -> Bool {
            guard let at = address.lastIndex(of: "@") else { return false }
            let from = address[address.index(after: at)...].lowercased()
            return from == domain || from.hasSuffix("." + domain)
        }

        public var description: String { "\(method.uppercased()) pass for \(domain) (\(authServID))" }
    }

    public static func passes(_ headers: [String], trusted: [String]) -> [Pass] {
        let trustedIDs = Set(trusted.map { $0.lowercased() })
        guard !trustedIDs.isEmpty else { return [] }
        var found: [Pass] = []
        for header in headers {
            let parts = withoutComments(header).split(separator: ";").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            // "mx.northwind.example 1": the id, then an optional version.
            guard let id = parts.first?.split(separator: " ").first?.lowercased(), trustedIDs.contains(id) else { continue }
            for resinfo in parts.dropFirst() {
                let tokens = resinfo.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" })
                guard let verdict = tokens.first?.lowercased().split(separator: "=", maxSplits: 1), verdict.count == 2,
                      verdict[1] == "pass" else { continue }
                let method = verdict[0].split(separator: "/").first.map(String.init) ?? ""
                var properties: [String: String] = [:]
                for token in tokens.dropFirst() {
                    let pair = token.split(separator: "=", maxSplits: 1)
                    guard pair.count == 2 else { continue }
                    properties[pair[0].lowercased()] = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")).lowercased()
                }
                let domain: String? = switch method {
                case "dkim": properties["header.d"] ?? properties["header.i"].flatMap { $0.split(separator: "@").last.map(String.init) }
                case "dmarc": properties["header.from"]
                default: nil
                }
                if let domain, !domain.isEmpty { found.append(Pass(domain: domain, method: method, authServID: id)) }
            }
        }
        return found
    }

    /// The header with its (comments) taken out, nested ones included.
    static func withoutComments(_ text: String) -> String {
        var depth = 0
        var out = ""
        for character in text {
            if character == "(" { depth += 1 } else if character == ")", depth > 0 { depth -= 1 } else if depth == 0 { out.append(character) }
        }
        return out
    }
}
