import Crypto
import Foundation

/// Signs what a reminder carries that comes back in feedback — the VERP
/// envelope sender, the Message-ID and the List-Unsubscribe subject — so a
/// bounce, a reply or an unsubscribe request proves it answers a message
/// overdue sent to that address. A delivery key alone ("od1-" + 32 hex) is
/// a hash of values a debtor can read; the signature is an HMAC-SHA256 of
/// the key and the recipient under a secret kept in the spool
/// (`keys/feedback.key`), cut to 64 bits: enough that a guess is hopeless
/// for a single message, short enough for an address's local part.
///
/// Signed form: `od1-<32 hex>-<16 hex>`. Pure: the keys are given.
public struct FeedbackSigner: Sendable {
    public struct Key: Sendable, Equatable {
        public var created: Date
        public var secret: [UInt8]

        public init(created: Date, secret: [UInt8]) {
            self.created = created
            self.secret = secret
        }
    }

    /// After a rotation the previous key still verifies this long: bounces
    /// and replies to messages signed before it arrive for weeks.
    public static let previousKeyDays = 30

    /// Oldest first; the last one signs.
    public let keys: [Key]

    public init(keys: [Key]) {
        self.keys = keys.sorted { $0.created < $1.created }
    }

    /// "od1-<key>-<signature>" for a message with delivery key `key` to `recipient`.
    public func token(key: String, recipient: String) -> String {
        guard let current = keys.last else { return key }
        return "\(key)-\(Self.signature(key: key, recipient: recipient, secret: current.secret))"
    }

    /// Whether `token` is a signed key for a message to `recipient` under
    /// a key in force at `now`: the current one, or one replaced less than
    /// `previousKeyDays` ago.
    public func verifies(_ token: SignedKey, recipient: String, at now: Date) -> Bool {
        guard let signature = token.signature else { return false }
        for (index, key) in keys.enumerated() {
            let replaced = index + 1 < keys.count ? keys[index + 1].created : nil
            if let replaced, now.timeIntervalSince(replaced) > Double(Self.previousKeyDays) * 86_400 { continue }
            let expected = Self.signature(key: token.key, recipient: recipient, secret: key.secret)
            // Compared in constant time: the signature is a secret-derived value.
            if expected.utf8.count == signature.utf8.count, zip(expected.utf8, signature.utf8).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0 {
                return true
            }
        }
        return false
    }

    static func signature(key: String, recipient: String, secret: [UInt8]) -> String {
        let text = Array("\(key)\n\(recipient.lowercased())".utf8)
        return Hex.lowercase(HMAC<SHA256>.authenticationCode(for: text, using: SymmetricKey(data: secret)).prefix(8))
    }
}

/// A delivery key read back from feedback, with its signature when the
/// text carried one.
public struct SignedKey: Sendable, Equatable {
    public var key: String
    public var signature: String?

    /// From "od1-<32 hex>" or "od1-<32 hex>-<16 hex>", alone, as a Message-ID
    /// ("…@domain", angle brackets allowed) or as a VERP detail.
    public init?(_ text: some StringProtocol) {
        let whole = String(text)
        let local = whole.split(separator: "@").first.map(String.init) ?? whole
        let trimmed = local.trimmingCharacters(in: CharacterSet(charactersIn: "<> "))
        guard trimmed.hasPrefix("od1-"), trimmed.utf8.count == 36 || trimmed.utf8.count == 53 else { return nil }
        let key = trimmed.prefix(36)
        guard key.dropFirst(4).allSatisfy({ $0.isHexDigit }) else { return nil }
        self.key = String(key)
        guard trimmed.utf8.count == 53 else { return }
        let signature = trimmed.dropFirst(36)
        guard signature.first == "-", signature.dropFirst().allSatisfy({ $0.isHexDigit }) else { return nil }
        self.signature = String(signature.dropFirst()).lowercased()
    }
}
