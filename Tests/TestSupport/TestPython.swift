import Foundation

/// The Python the tests run their servers and checkers with: the virtual
/// environment `scripts/setup-deps.sh --test` makes (`.venv-test/`, with
/// aiosmtpd, standardwebhooks, prometheus_client), so nothing is installed
/// into Debian's system Python (PEP 668). `$OVERDUE_TEST_PYTHON` overrides;
/// without either, `python3` from the PATH.
public enum TestPython {
    public static let path: String = {
        if let chosen = ProcessInfo.processInfo.environment["OVERDUE_TEST_PYTHON"], !chosen.isEmpty { return chosen }
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let venv = repository.appendingPathComponent(".venv-test/bin/python3").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : "python3"
    }()

    /// `/usr/bin/env` arguments that run it: ["<python>", args…].
    public static func arguments(_ arguments: [String]) -> [String] { [path] + arguments }
}
