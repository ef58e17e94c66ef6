import Dispatch
import Synchronization

/// The thread that tells the callers of committed batches how their jobs went, batch after batch
/// in commit order, so the group-commit writer starts its next batch as soon as a COMMIT returns.
/// Answering a payment means copying its result, releasing its idempotency key and waking the
/// event loop that owns its connection: about a quarter of the writer's time when the writer did
/// it, all of it on the one thread every write waits for.
final class BatchAnswerer: Sendable {
    private struct State {
        var batches: [@Sendable () -> Void] = []
        var isStopping = false
    }

    private let state = Mutex(State())
    /// Signalled once per batch handed over and once at stop.
    private let wakeUp = DispatchSemaphore(value: 0)
    private let exited = DispatchSemaphore(value: 0)

    /// Starts the thread, named `threadName` (at most 15 bytes, as Linux keeps).
    init(threadName: String) {
        NamedThread.start(threadName) { [self] in run() }
    }

    /// Queues `answers`, the answering of one committed batch; it runs after every batch handed
    /// over before it. It must only hand results on, as a `submit` completion does.
    func answer(_ answers: @escaping @Sendable () -> Void) {
        state.withLock { $0.batches.append(answers) }
        wakeUp.signal()
    }

    /// Answers what was handed over, then ends the thread and waits for it. Nothing may be handed
    /// over after this.
    func stop() {
        state.withLock { $0.isStopping = true }
        wakeUp.signal()
        exited.wait()
    }

    private func run() {
        while true {
            wakeUp.wait()
            let (batches, isStopping) = state.withLock { state in
                defer { state.batches.removeAll(keepingCapacity: true) }
                return (state.batches, state.isStopping)
            }
            for answers in batches { answers() }
            if isStopping { break }
        }
        exited.signal()
    }
}
