import Foundation

/// Sent messages read back by an independent parser: `servers/check_mail.py`
/// (Python's email package, policy.strict), one JSON object per message
/// with its headers, its parts (text, or for attachments file name, size
/// and SHA-256) and any defect.
public enum CheckedMail {
    public static func parse(_ files: [URL]) throws -> [[String: Any]] {
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = TestPython.arguments([TestScripts.url("check_mail.py").path] + files.map(\.path))
        let out = Pipe()
        check.standardOutput = out
        try check.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        check.waitUntilExit()
        return try String(decoding: data, as: UTF8.self).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }
}

/// One `overdue` process measured alone by `servers/peak_rss.py`.
public struct MeasuredRun {
    public var status: Int
    public var seconds: Double
    public var peakMiB: Double
    public var stderr: String

    public static func run(_ arguments: [String]) throws -> MeasuredRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = TestPython.arguments([TestScripts.url("peak_rss.py").path, OverdueBinary.url.path] + arguments)
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        return MeasuredRun(status: object["status"] as? Int ?? -1, seconds: object["seconds"] as? Double ?? 0,
                           peakMiB: Double(object["max_rss_kib"] as? Int ?? 0) / 1024, stderr: object["stderr"] as? String ?? "")
    }
}
