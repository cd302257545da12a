import Dispatch
import Foundation
import OverdueCore
#if canImport(Glibc)
import Glibc
#endif

/// Watches the inbox with inotify. Calls back when a file is renamed in or
/// closed after writing (or when the event queue overflowed: then a full
/// rescan is due anyway), and keeps the set of files that are open for
/// writing right now, so a pass never reads a file still being written.
/// `@unchecked`: `beingWritten` and the descriptor are touched only on `queue`.
public final class InboxWatcher: @unchecked Sendable {
    private let fd: Int32
    private let source: DispatchSourceRead
    /// Names created or modified and not yet closed. Read and written on `queue`.
    public private(set) var beingWritten: Set<String> = []

    public init(directory: URL, queue: DispatchQueue, onChange: @escaping @Sendable () -> Void) throws {
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { throw WatchError(reason: "inotify_init1: \(String(cString: strerror(errno)))") }
        // IN_ATTRIB: a chmod that makes a waiting file readable starts a pass.
        let mask = UInt32(IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ATTRIB)
        guard inotify_add_watch(fd, directory.path, mask) >= 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw WatchError(reason: "inotify_add_watch \(directory.path): \(reason)")
        }
        self.fd = fd
        source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
        source.setEventHandler { [unowned self] in
            if self.drain() { onChange() }
        }
        source.setCancelHandler { close(fd) }
        source.resume()
    }

    deinit { source.cancel() }


    /// Reads every pending event; true if a pass is due.
    private func drain() -> Bool {
        var due = false
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            var offset = 0
            let header = MemoryLayout<inotify_event>.size
            while offset + header <= count {
                let (mask, length, name) = buffer.withUnsafeBytes { raw -> (UInt32, Int, String) in
                    let event = raw.load(fromByteOffset: offset, as: inotify_event.self)
                    let nameBytes = raw[(offset + header)..<(offset + header + Int(event.len))].prefix { $0 != 0 }
                    return (event.mask, Int(event.len), String(decoding: nameBytes, as: UTF8.self))
                }
                offset += header + length
                if mask & UInt32(IN_Q_OVERFLOW) != 0 { due = true; continue }
                if mask & UInt32(IN_CREATE | IN_MODIFY) != 0 { beingWritten.insert(name) }
                if mask & UInt32(IN_CLOSE_WRITE | IN_MOVED_TO) != 0 {
                    beingWritten.remove(name)
                    due = true
                }
                if mask & UInt32(IN_DELETE | IN_MOVED_FROM) != 0 { beingWritten.remove(name) }
                if mask & UInt32(IN_ATTRIB) != 0, !beingWritten.contains(name) { due = true }
            }
        }
        return due
    }

    struct WatchError: Error, CustomStringConvertible {
        var reason: String
        var description: String { "cannot watch the inbox: \(reason)" }
    }
}

extension InboxWatcher.WatchError: OverdueError {
    var code: ErrorCode { .inboxWatch }
}
