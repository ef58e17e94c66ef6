import Dispatch
import Synchronization

/// How a caller that may block (a worker, a test, a command) uses an operation that reports its
/// result through a completion on another thread: start it, then sleep until the result is in.
enum BlockingCompletion {
    /// Runs `start`, which must call the completion it is given exactly once, now or later from
    /// any thread, unless it throws; returns what the completion was given.
    static func wait<T: Sendable>(_ start: (@escaping @Sendable (T) -> Void) throws -> Void) rethrows -> T {
        let finished = DispatchSemaphore(value: 0)
        let outcome = Mutex<T?>(nil)
        try start { value in
            outcome.withLock { $0 = value }
            finished.signal()
        }
        finished.wait()
        guard let value = outcome.withLock({ $0.take() }) else { preconditionFailure("a completed operation has its outcome") }
        return value
    }
}
