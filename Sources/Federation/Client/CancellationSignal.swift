import Dispatch
import Synchronization

/// Tells a background thread and its in-flight peer calls to stop: a transfer checks it from
/// libcurl's progress callback (and aborts within a moment), and waits between retries or
/// refreshes end early. Shared between the thread that stops and the thread that works.
public final class CancellationSignal: Sendable {
    private let cancelled = Atomic<Bool>(false)
    /// Signalled once on cancel; each sleeper that wakes passes the signal on, so every sleeper
    /// wakes. It starts at 0, so libdispatch never sees it destroyed below its initial value.
    private let wake = DispatchSemaphore(value: 0)

    public init() {}

    public var isCancelled: Bool { cancelled.load(ordering: .acquiring) }

    public func cancel() {
        guard !cancelled.exchange(true, ordering: .acquiringAndReleasing) else { return }
        wake.signal()
    }

    /// Waits for `milliseconds` unless cancelled first; true when the whole time passed.
    public func sleep(milliseconds: Int) -> Bool {
        guard !isCancelled else { return false }
        guard milliseconds > 0 else { return true }
        if wake.wait(timeout: .now() + .milliseconds(milliseconds)) == .success {
            wake.signal()
            return false
        }
        return !isCancelled
    }
}
