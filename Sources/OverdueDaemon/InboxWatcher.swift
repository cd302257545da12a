import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Calls back when a file is renamed into the inbox or closed after
/// writing (inotify `IN_MOVED_TO | IN_CLOSE_WRITE`), or when the kernel's
/// event queue overflowed (then a full rescan is due anyway). Events are
/// read on `queue` through a `DispatchSourceRead` on the inotify descriptor.
public final class InboxWatcher: @unchecked Sendable {
    private let fd: Int32
    private let source: DispatchSourceRead

    public init(directory: URL, queue: DispatchQueue, onChange: @escaping @Sendable () -> Void) throws {
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { throw WatchError(reason: "inotify_init1: \(String(cString: strerror(errno)))") }
        let mask = UInt32(IN_MOVED_TO) | UInt32(IN_CLOSE_WRITE)
        guard inotify_add_watch(fd, directory.path, mask) >= 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw WatchError(reason: "inotify_add_watch \(directory.path): \(reason)")
        }
        self.fd = fd
        source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
        source.setEventHandler {
            // Drain every pending event; one callback per batch is enough,
            // since the pass that follows rescans the whole inbox.
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while buffer.withUnsafeMutableBytes({ read(fd, $0.baseAddress, $0.count) }) > 0 {}
            onChange()
        }
        source.setCancelHandler { close(fd) }
        source.resume()
    }

    deinit { source.cancel() }

    public func stop() { source.cancel() }

    struct WatchError: Error, CustomStringConvertible {
        var reason: String
        var description: String { "cannot watch the inbox: \(reason)" }
    }
}
