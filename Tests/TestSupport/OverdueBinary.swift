import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs the built `overdue` executable, as a user would.
public enum OverdueBinary {
    /// The products directory: the test runner lives in it.
    public static var url: URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // On Linux the runner is `.build/debug/<package>PackageTests.xctest`.
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("overdue").path),
              directory.path != "/" {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("overdue")
    }

    public struct Result {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// `timeout` only guards a test against a hung run: then the process is
    /// killed (SIGKILL) and its status is the signal's.
    @discardableResult
    public static func run(_ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval? = nil) throws -> Result {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let pid = process.processIdentifier
        let hung = DispatchWorkItem { kill(pid, SIGKILL) }
        if let timeout { DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: hung) }
        // Read both pipes to the end before waiting, so a chatty child cannot block.
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        hung.cancel()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}
