import Foundation

/// Headless Chromium (Debian's `chromium`, which scripts/setup-deps.sh
/// --test installs), for tests that look at a page as a browser draws it.
public enum Chromium {
    /// The browser, nil when it is not installed (those tests are then skipped, saying so).
    public static let path = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Runs a tool and returns its standard output, trimmed.
    public static func run(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The DOM Chromium built from `html` (`--dump-dom`).
    public static func dom(_ html: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("overdue-dom-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = directory.appendingPathComponent("page.html")
        try html.write(to: page, atomically: true, encoding: .utf8)
        // The serialised DOM writes a no-break space as an entity; read it back as the character.
        return try run(path!, [
            "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(directory.path)/profile", "--dump-dom", page.absoluteString,
        ]).replacingOccurrences(of: "&nbsp;", with: "\u{A0}")
    }

    /// The text of every element of `tag` with `class` in the DOM.
    public static func texts(_ dom: String, tag: String, cls: String) throws -> [String] {
        dom.matches(of: try Regex("<\(tag) class=\"\(cls)\"[^>]*>([^<]*)</\(tag)>")).compactMap { $0.output[1].substring.map(String.init) }
            .map { $0.replacingOccurrences(of: "&amp;", with: "&") }
    }
}
