import Synchronization

/// A flag set from a signal handler and read by the dispatching thread.
public final class StopFlag: Sendable {
    private let value = Mutex(false)
    public init() {}
    public var isSet: Bool { value.withLock { $0 } }
    public func set() { value.withLock { $0 = true } }
    public func clear() { value.withLock { $0 = false } }
}
