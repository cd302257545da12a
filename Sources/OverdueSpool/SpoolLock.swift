import Foundation
import OverdueCore
#if canImport(Glibc)
import Glibc
#endif

/// Only one daemon may own a spool. An exclusive `flock` on `run/overdue.lock`
/// is released by the kernel when the process dies, so a crash never leaves a
/// stale lock; the file holds the owner's pid for the error message.
/// Not Sendable: owned by the pipeline on its one work queue, which the compiler checks.
public final class SpoolLock {
    private let fd: Int32
    public let path: String

    public struct Held: Error, CustomStringConvertible {
        public var path: String
        public var ownerPID: Int32?
        public var description: String {
            let owner = ownerPID.map { "overdue pid \($0)" } ?? "another overdue process"
            return "the spool is in use by \(owner) (lock \(path)); stop it first (systemctl stop overdue), or use another spool in the config"
        }
    }

    public init(spool: Spool) throws {
        path = spool.run.appendingPathComponent("overdue.lock").path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw SpoolIOError(operation: "open lock", path: path, errno: errno) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = pread(fd, &buffer, buffer.count, 0)
            close(fd)
            if code == EWOULDBLOCK {
                let text = count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : ""
                throw Held(path: path, ownerPID: Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)))
            }
            throw SpoolIOError(operation: "lock", path: path, errno: code)
        }
        self.fd = fd
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, pid, pid.count, 0)
    }

    deinit {
        _ = ftruncate(fd, 0)
        close(fd)  // releases the flock
    }
}

extension SpoolLock.Held: OverdueError {
    public var code: ErrorCode { .spoolLocked }
}
