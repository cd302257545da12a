import Dispatch

/// `(0..<count).map(body)` with the calls spread over all cores; results in
/// index order. Each call writes its own slot of an uninitialised buffer,
/// which is how results from `concurrentPerform` are gathered without a
/// lock and without concurrent mutation of one Swift array.
public func parallelMap<T>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
    return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
        guard let base = buffer.baseAddress else { return }
        let slots = ParallelSlots(base: base)
        DispatchQueue.concurrentPerform(iterations: count) { index in
            (slots.base + index).initialize(to: body(index))
        }
        initialized = count
    }
}

/// The output buffer of `parallelMap`: each iteration initialises only its
/// own slot, so sharing the pointer across threads is sound.
private struct ParallelSlots<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
}
