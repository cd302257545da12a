import Foundation
import OverdueCore
#if canImport(Glibc)
import Glibc
#endif

/// An I/O failure with the path and the OS reason.
public struct SpoolIOError: Error, Sendable, CustomStringConvertible {
    public var operation: String
    public var path: String
    public var errno: Int32

    public init(operation: String, path: String, errno: Int32) {
        self.operation = operation
        self.path = path
        self.errno = errno
    }

    public var description: String {
        "\(operation) \(path) failed: \(String(cString: strerror(errno))) (errno \(errno))"
    }
}

/// The few system calls that make spool writes durable. Written against the
/// C library because Foundation's file APIs do not fsync files or directories.
public enum DurableIO {
    /// Writes `bytes` to `url` so that after a crash the file holds either the
    /// old content or all of the new: temp file in the same directory, fsync,
    /// rename over the target, fsync the directory.
    public static func writeAtomically(_ bytes: some Collection<UInt8>, to url: URL, mode: mode_t = 0o640) throws(SpoolIOError) {
        try writeAtomically(pieces: [Array(bytes)], to: url, mode: mode)
    }

    /// `writeAtomically` for content made in pieces (a snapshot's chunks),
    /// written one after the other; `beforePiece` is a test's fault point.
    static func writeAtomically(pieces: [[UInt8]], to url: URL, mode: mode_t = 0o640,
                                beforePiece: (Int) -> Void = { _ in }) throws(SpoolIOError) {
        let directory = url.deletingLastPathComponent().path
        // `.tmp-`: the name `Spool.removeStaleTempFiles` clears after a crash.
        let temp = directory + "/.tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))-" + url.lastPathComponent
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw SpoolIOError(operation: "create", path: temp, errno: errno) }
        do throws(SpoolIOError) {
            for (index, piece) in pieces.enumerated() {
                beforePiece(index)
                try writeAll(fd, piece, path: temp)
            }
            guard fsync(fd) == 0 else { throw SpoolIOError(operation: "fsync", path: temp, errno: errno) }
            close(fd)
        } catch {
            close(fd)
            unlink(temp)
            throw error
        }
        guard rename(temp, url.path) == 0 else {
            let code = errno
            unlink(temp)
            throw SpoolIOError(operation: "rename to", path: url.path, errno: code)
        }
        try syncDirectory(directory)
    }

    /// Moves a file between spool directories (same filesystem) and makes the
    /// move durable in both.
    public static func move(_ source: URL, to destination: URL) throws(SpoolIOError) {
        guard rename(source.path, destination.path) == 0 else {
            throw SpoolIOError(operation: "move \(source.path) to", path: destination.path, errno: errno)
        }
        try syncDirectory(destination.deletingLastPathComponent().path)
        let sourceDirectory = source.deletingLastPathComponent().path
        if sourceDirectory != destination.deletingLastPathComponent().path { try syncDirectory(sourceDirectory) }
    }

    public static func syncDirectory(_ path: String) throws(SpoolIOError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw SpoolIOError(operation: "open directory", path: path, errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw SpoolIOError(operation: "fsync directory", path: path, errno: errno) }
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(SpoolIOError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw SpoolIOError(operation: "write", path: path, errno: errno)
            }
            offset += written
        }
    }

    /// Reads a whole file; nil if it does not exist.
    public static func read(_ url: URL) throws(SpoolIOError) -> [UInt8]? {
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw SpoolIOError(operation: "open", path: url.path, errno: errno)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw SpoolIOError(operation: "stat", path: url.path, errno: errno) }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + offset, $0.count - offset) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw SpoolIOError(operation: "read", path: url.path, errno: errno) }
            if count == 0 { break }
            offset += count
        }
        return offset == bytes.count ? bytes : Array(bytes[..<offset])
    }
}

extension SpoolIOError: OverdueError {
    public var code: ErrorCode { .spoolIO }
}
