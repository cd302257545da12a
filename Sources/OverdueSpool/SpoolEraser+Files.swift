import Crypto
import Foundation
import OverdueCore
#if canImport(Glibc)
import Glibc
#endif

/// The files beside the journals: the delivery log, the messages' bytes,
/// the Maildir, the archived and rejected inbox files, the PDFs.
extension SpoolEraser {
    /// What stands in place of a message about the customer: its key stays
    /// (the delivery journal and the log name it), its bytes go.
    func tombstoneText(key: String) -> String {
        "\(erasure.freeText) message \(key) to \(erasure.tombstone): erased at the customer's request (overdue forget); "
            + "its invoices, amounts and dates stay in the ledger.\n"
    }

    /// `log/*.jsonl`: each line about the customer scrubbed; `time` and
    /// `event` stay first, as `EventLog` writes them; other lines keep
    /// their bytes.
    mutating func rewriteLog(with scrubber: Erasure.TextScrubber) throws {
        let decoder = JSONDecoder()
        for url in Self.files(in: spool.log, suffix: ".jsonl") {
            guard let bytes = try DurableIO.read(url) else { continue }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var rewritten = false
            for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
                if case .object(let object)? = try? decoder.decode(JSONValue.self, from: Data(line)) {
                    let scrubbed = erasure.scrubLine(object, with: scrubber)
                    if scrubbed != object {
                        rewritten = true
                        out += Self.logLine(scrubbed)
                        out.append(UInt8(ascii: "\n"))
                        continue
                    }
                } else if let scrubbed = scrubber.scrub(line) {
                    rewritten = true
                    out += scrubbed + [UInt8(ascii: "\n")]
                    continue
                }
                out += line
                out.append(UInt8(ascii: "\n"))
            }
            guard rewritten else { continue }
            try DurableIO.writeAtomically(out, to: url, mode: Self.mode(of: url))
            count(spool.log)
        }
    }

    static func logLine(_ object: [String: JSONValue]) -> [UInt8] {
        var rest = object
        var out: [UInt8] = [UInt8(ascii: "{")]
        var first = true
        for field in ["time", "event"] {
            guard let value = rest.removeValue(forKey: field) else { continue }
            if !first { out.append(UInt8(ascii: ",")) }
            JSONLine.writeString(field, into: &out)
            out.append(UInt8(ascii: ":"))
            JSONLine.write(value, into: &out)
            first = false
        }
        if !rest.isEmpty, !first { out.append(UInt8(ascii: ",")) }
        JSONLine.writeMembers(rest, into: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// `messages/*.txt` (`MessageArchive`): the entries of the customer's
    /// keys, or naming one of its addresses, get the tombstone for bytes
    /// and their header the new length; the others are kept as they are.
    mutating func rewriteMessages(with scrubber: Erasure.TextScrubber) throws {
        for url in Self.files(in: spool.messages, suffix: ".txt") {
            guard let bytes = try DurableIO.read(url) else { continue }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var rewritten = false
            var offset = 0
            while offset < bytes.count {
                guard let newline = bytes[offset...].firstIndex(of: UInt8(ascii: "\n")) else { out += bytes[offset...]; break }
                // "=== KEY CHANNEL BYTES", the bytes, a newline.
                let fields = bytes[offset..<newline].split(separator: UInt8(ascii: " "))
                guard fields.count == 4, let length = Int(String(decoding: fields[3], as: UTF8.self)) else {
                    out += bytes[offset...]
                    break
                }
                let key = String(decoding: fields[1], as: UTF8.self)
                let start = newline + 1
                let end = min(bytes.count, start + length)
                let body = bytes[start..<end]
                if erasure.keys.contains(key) || scrubber.occurs(in: body) {
                    let text = Array(tombstoneText(key: key).utf8)
                    out += Array("=== \(key) \(String(decoding: fields[2], as: UTF8.self)) \(text.count)\n".utf8) + text
                    rewritten = true
                } else {
                    out += bytes[offset..<end]
                }
                if end < bytes.count { out.append(bytes[end]) }
                offset = end + 1
            }
            guard rewritten else { continue }
            try DurableIO.writeAtomically(out, to: url, mode: Self.mode(of: url))
            count(spool.messages)
        }
    }

    /// The embedded Maildir: each message file is named by its key (in
    /// `cur/` with flags after a colon). The customer's become a short
    /// message saying what was there, so a mail client still lists them.
    mutating func rewriteMaildir(with scrubber: Erasure.TextScrubber) throws {
        for folder in ["new", "cur", "tmp"] {
            let directory = spool.mail.appendingPathComponent(folder)
            for url in Self.files(in: directory, suffix: nil) {
                let key = String(url.lastPathComponent.prefix { $0 != ":" && $0 != "." })
                guard let bytes = try DurableIO.read(url), erasure.keys.contains(key) || scrubber.occurs(in: bytes) else { continue }
                let message = "Subject: \(erasure.freeText) \(key)\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
                    + tombstoneText(key: key).replacingOccurrences(of: "\n", with: "\r\n")
                try DurableIO.writeAtomically(Array(message.utf8), to: url, mode: Self.mode(of: url))
                count(spool.mail)
            }
        }
    }

    /// `archive/` and `rejected/`: inbox files as they came, in any format.
    /// Text (JSON, CSV, XML, `.error` notes) is scrubbed where the values
    /// occur; a PDF, whose text is compressed, is replaced whole when it is
    /// one of the customer's invoice PDFs or names them. A file name that
    /// carries a name or address is renamed.
    mutating func rewriteKeptFiles(in directory: URL, with scrubber: Erasure.TextScrubber) throws {
        for url in Self.files(in: directory, suffix: nil) {
            guard let bytes = try DurableIO.read(url) else { continue }
            var replacement: [UInt8]?
            if bytes.starts(with: Array("%PDF-".utf8)) {
                let digest = Hex.lowercase(SHA256.hash(data: bytes))
                if erasure.documents.contains(digest) || scrubber.occurs(in: bytes) {
                    replacement = Array("\(erasure.freeText) a PDF (sha256 \(digest)) of \(erasure.tombstone): erased at the customer's request (overdue forget)\n".utf8)
                }
            } else {
                replacement = scrubber.scrub(bytes)
            }
            let name = scrubber.scrub(url.lastPathComponent)
            if let replacement {
                try DurableIO.writeAtomically(replacement, to: url, mode: Self.mode(of: url))
            }
            if name != url.lastPathComponent {
                try DurableIO.move(url, to: directory.appendingPathComponent(name))
            }
            if replacement != nil || name != url.lastPathComponent { count(directory) }
        }
    }

    /// `documents/<sha256>.pdf` of the customer's invoices: removed (a file
    /// named by its content cannot be rewritten). The ledger still names the
    /// PDF; nothing is sent to the tombstone, so nothing misses it.
    mutating func removeDocuments() throws {
        for digest in erasure.documents.sorted() {
            let url = spool.documents.appendingPathComponent("\(digest).pdf")
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            try Self.remove(url)
            count(spool.documents)
        }
    }

    /// The small state files (`ledger/document-notices.jsonl`, `run/*.json`):
    /// scrubbed as text. The journals and snapshots have their own rewrite;
    /// the lock and the keys hold no personal data.
    mutating func rewriteOtherFiles(with scrubber: Erasure.TextScrubber) throws {
        let own: Set<String> = ["journal.jsonl", "sent.jsonl", "snapshot.bin", "sent-snapshot.bin", "overdue.lock"]
        for directory in [spool.ledger, spool.run] {
            for url in Self.files(in: directory, suffix: nil) where !own.contains(url.lastPathComponent) {
                guard let bytes = try DurableIO.read(url), let scrubbed = scrubber.scrub(bytes) else { continue }
                try DurableIO.writeAtomically(scrubbed, to: url, mode: Self.mode(of: url))
                count(directory)
            }
        }
    }

    /// Regular files in a directory, not dot-files (temp files), sorted.
    static func files(in directory: URL, suffix: String?) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { !$0.hasPrefix(".") && (suffix == nil || $0.hasSuffix(suffix!)) }.sorted().compactMap { name in
            let url = directory.appendingPathComponent(name)
            var info = stat()
            return lstat(url.path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG ? url : nil
        }
    }

    static func mode(of url: URL) -> mode_t {
        var info = stat()
        return stat(url.path, &info) == 0 ? info.st_mode & 0o777 : 0o640
    }
}
