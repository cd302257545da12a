import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One window of a journal read from disk: whole lines only, with the file
/// offset just past its last newline (where the next window starts).
public struct JournalWindow: Sendable {
    /// The complete lines of this window, without their newlines (empty lines left out).
    public var lines: [ArraySlice<UInt8>]
    /// The file offset of the window's first byte.
    public var startOffset: Int
    /// The file offset just past the window's last newline.
    public var endOffset: Int
}

/// Reads a journal of newline-ended lines in bounded windows, so a replay
/// holds a few windows in memory instead of the whole file (280 MB of ledger
/// at a million invoices). A partial line at a window's end is carried over
/// into the next; one at the end of the file (a torn write that was never
/// acknowledged) is left out, like `AppendJournal.lines(of:)` does.
/// Not Sendable: one reader is used by one caller in turn.
public final class JournalWindowReader {
    /// The default window: large enough that the per-window overhead (one
    /// read, one parallel decode) vanishes, small enough to stay bounded.
    public static let defaultWindowBytes = 8 << 20

    private let url: URL
    private let fd: Int32
    private let windowBytes: Int
    /// The file's size when opened: a small journal gets a window its size, not 8 MiB of zeros.
    private let sizeAtOpen: Int
    private var offset: Int
    private var carry: [UInt8] = []
    private var atEnd = false

    /// Opens `url` for reading from `startOffset` (nil when there is no file).
    public init?(url: URL, startOffset: Int = 0, windowBytes: Int = JournalWindowReader.defaultWindowBytes) throws(SpoolIOError) {
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw SpoolIOError(operation: "open", path: url.path, errno: errno)
        }
        self.url = url
        self.fd = fd
        self.windowBytes = max(1, windowBytes)
        var info = stat()
        sizeAtOpen = fstat(fd, &info) == 0 ? Int(info.st_size) : Int.max
        self.offset = startOffset
    }

    deinit { close(fd) }

    /// The next window of complete lines, nil after the last one. A line
    /// longer than the window makes that window longer, never a split line.
    public func next() throws(SpoolIOError) -> JournalWindow? {
        while !atEnd {
            let start = offset - carry.count
            let buffer = try readWindow()
            let count = buffer.count - carry.count
            if count == 0 { atEnd = true }
            offset += count
            guard let lastNewline = buffer.lastIndex(of: UInt8(ascii: "\n")) else {
                carry = buffer  // no whole line yet: read on (or stop at the end: a torn line)
                continue
            }
            carry = Array(buffer[(lastNewline + 1)...])
            let lines = buffer[..<lastNewline].split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
            return JournalWindow(lines: lines, startOffset: start, endOffset: start + lastNewline + 1)
        }
        return nil
    }

    /// The carried partial line followed by the next window's bytes, read
    /// straight into uninitialized storage (no zero fill: the window is 8 MiB).
    private func readWindow() throws(SpoolIOError) -> [UInt8] {
        // Lines appended since the open are read too, 64 KiB at a time at least.
        let wanted = min(windowBytes, max(64 << 10, sizeAtOpen - offset))
        var failure: SpoolIOError?
        let buffer = [UInt8](unsafeUninitializedCapacity: carry.count + wanted) { storage, initialized in
            let base = storage.baseAddress!
            carry.withUnsafeBufferPointer { carried in
                if let source = carried.baseAddress { base.initialize(from: source, count: carried.count) }
            }
            var filled = 0
            while filled < wanted {
                let count = pread(fd, base + carry.count + filled, wanted - filled, off_t(offset + filled))
                if count < 0 {
                    if errno == EINTR { continue }
                    failure = SpoolIOError(operation: "read", path: url.path, errno: errno)
                    break
                }
                if count == 0 { break }
                filled += count
            }
            initialized = carry.count + filled
        }
        if let failure { throw failure }
        return buffer
    }
}

extension AppendJournal {
    /// Calls `body` with every complete line in order, a window at a time,
    /// so the file is never held whole.
    public static func forEachLine(of url: URL, windowBytes: Int = JournalWindowReader.defaultWindowBytes,
                                   _ body: (ArraySlice<UInt8>) throws -> Void) throws {
        guard let reader = try JournalWindowReader(url: url, windowBytes: windowBytes) else { return }
        while let window = try reader.next() {
            for line in window.lines { try body(line) }
        }
    }
}
