import Foundation

/// Waits for something a running daemon does, polling every 50 ms up to a
/// bound (never a fixed sleep that a slow machine outruns).
public enum Poll {
    public static func until(timeout: TimeInterval = 20, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return try condition()
    }
}
