import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An append-only file of JSON lines, made durable by batch: one `write` and
/// one `fdatasync` per `append`, however many lines (group commit). On this
/// class of machine that is thousands of records per fsync instead of one
/// (`Benchmarks/ingest.sh` measures it).
///
/// A crash can leave the last line torn (no trailing newline); `open` cuts it
/// off, since a batch that was not fully written was never acknowledged.
/// Not Sendable: owned by the pipeline on its one work queue, which the compiler checks.
public final class AppendJournal {
    public let url: URL
    private let fd: Int32
    private let lock = NSLock()

    /// Opens (creating if needed) and repairs a torn tail.
    public init(url: URL) throws(SpoolIOError) {
        self.url = url
        let fd = open(url.path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw SpoolIOError(operation: "open journal", path: url.path, errno: errno) }
        self.fd = fd
        try repairTornTail()
    }

    deinit { close(fd) }

    /// Appends complete lines (each without its newline) durably.
    public func append(_ lines: [[UInt8]]) throws(SpoolIOError) {
        guard !lines.isEmpty else { return }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(lines.reduce(0) { $0 + $1.count + 1 })
        for line in lines {
            buffer += line
            buffer.append(UInt8(ascii: "\n"))
        }
        lock.lock()
        defer { lock.unlock() }
        let before = lseek(fd, 0, SEEK_END)
        do throws(SpoolIOError) {
            try DurableIO.writeAll(fd, buffer, path: url.path)
            guard fdatasync(fd) == 0 else { throw SpoolIOError(operation: "fdatasync", path: url.path, errno: errno) }
        } catch {
            // A batch that was not acknowledged must not stay half written:
            // with the disk full, the write can stop after some complete
            // lines, and a later batch's commit line would then take them in
            // (a payment applied twice when the file is retried). Cut back.
            if before >= 0 { _ = ftruncate(fd, before) }
            throw error
        }
    }

    /// Every complete line, in order, the file read whole: for the small
    /// journals (a day of the delivery log, the document notices); the
    /// ledger journals are read a window at a time (`forEachLine`, `JournalWindowReader`).
    public static func lines(of url: URL) throws(SpoolIOError) -> [ArraySlice<UInt8>] {
        guard let bytes = try DurableIO.read(url) else { return [] }
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
        if let last = bytes.last, last != UInt8(ascii: "\n"), !lines.isEmpty { lines.removeLast() }
        return lines
    }

    private func repairTornTail() throws(SpoolIOError) {
        let size = lseek(fd, 0, SEEK_END)
        guard size > 0 else { return }
        // Read backwards in chunks to the last newline.
        var end = size
        var chunk = [UInt8](repeating: 0, count: 4096)
        while end > 0 {
            let start = max(0, end - off_t(chunk.count))
            let count = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, Int(end - start), start) }
            guard count > 0 else { throw SpoolIOError(operation: "read journal", path: url.path, errno: errno) }
            if let newline = chunk[..<count].lastIndex(of: UInt8(ascii: "\n")) {
                let keep = start + off_t(newline) + 1
                if keep < size { try truncate(to: keep) }
                return
            }
            end = start
        }
        try truncate(to: 0)
    }

    /// Drops everything after `length` bytes (durably), if there is more.
    func cutBack(to length: Int) throws(SpoolIOError) {
        lock.lock()
        defer { lock.unlock() }
        let size = lseek(fd, 0, SEEK_END)
        if size > off_t(length) { try truncate(to: off_t(length)) }
    }

    private func truncate(to length: off_t) throws(SpoolIOError) {
        guard ftruncate(fd, length) == 0, fsync(fd) == 0 else {
            throw SpoolIOError(operation: "truncate torn tail of", path: url.path, errno: errno)
        }
    }
}
