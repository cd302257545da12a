import Foundation
import OverdueCore
#if canImport(Glibc)
import Glibc
#endif

/// The secret that signs feedback keys (`FeedbackSigner`), kept in the
/// spool as `keys/feedback.key` (0600, in a 0700 directory): one line per
/// key, "<created, ISO 8601> <64 hex>", oldest first; the last one signs.
/// Made on first use; `overdue feedback rotate-key` appends a new one and
/// the previous keeps verifying for `FeedbackSigner.previousKeyDays`.
public struct FeedbackKeyStore: Sendable {
    public let spool: Spool

    public init(spool: Spool) {
        self.spool = spool
    }

    public var file: URL { spool.keys.appendingPathComponent("feedback.key") }

    /// The keys, making the first one if there is none (the daemon and
    /// `run` call this; they own the spool).
    public func signer(now: Date) throws -> FeedbackSigner {
        if let keys = try read(), !keys.isEmpty { return FeedbackSigner(keys: keys) }
        return FeedbackSigner(keys: try append(now: now))
    }

    /// The keys if the file exists and this user may read it; nil otherwise
    /// (`preview` run by a member of the group: its Message-ID then shows
    /// the unsigned key).
    public func signerIfReadable() -> FeedbackSigner? {
        guard let keys = try? read(), !keys.isEmpty else { return nil }
        return FeedbackSigner(keys: keys)
    }

    /// A new key, signing from now on.
    @discardableResult
    public func rotate(now: Date) throws -> FeedbackSigner {
        FeedbackSigner(keys: try append(now: now))
    }

    func read() throws -> [FeedbackSigner.Key]? {
        guard let bytes = try DurableIO.read(file) else { return nil }
        var keys: [FeedbackSigner.Key] = []
        for (number, line) in String(decoding: bytes, as: UTF8.self).split(separator: "\n").enumerated() {
            let fields = line.split(separator: " ")
            guard fields.count == 2, let created = Timestamp.parse(String(fields[0])), let secret = Self.bytes(hex: fields[1]),
                  secret.count == 32 else {
                throw SpoolIOError(operation: "read line \(number + 1) of (expected \"<ISO time> <64 hex digits>\"; remove the line or restore the file)",
                                   path: file.path, errno: EINVAL)
            }
            keys.append(FeedbackSigner.Key(created: created, secret: secret))
        }
        return keys
    }

    private func append(now: Date) throws -> [FeedbackSigner.Key] {
        // SystemRandomNumberGenerator reads the kernel's CSPRNG (getrandom(2) on Linux).
        var random = SystemRandomNumberGenerator()
        let secret = (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }
        let keys = (try read() ?? []) + [FeedbackSigner.Key(created: now, secret: secret)]
        let text = keys.map { "\(Timestamp.format($0.created)) \(Hex.lowercase($0.secret))\n" }.joined()
        try DurableIO.writeAtomically(Array(text.utf8), to: file, mode: 0o600)
        return keys
    }

    static func bytes(hex: some StringProtocol) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index...index + 1], as: UTF8.self), radix: 16) else { return nil }
            out.append(byte)
        }
        return out
    }
}
