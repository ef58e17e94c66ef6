import Foundation
import Glibc
import Synchronization

/// A fixed set of threads for blocking work (SQLite, later libcurl), fed by a bounded queue. When
/// the queue is full, `submit` says so at once and the caller answers 503: overload sheds requests
/// instead of growing memory without end. The threads run at `niceness` when it is given (see
/// `BackgroundPriority.workerNiceness`).
final class WorkerPool: Sendable {
    private struct State {
        var queue: [@Sendable () -> Void] = []
        var head = 0
        var isStopping = false
        var queuedCount: Int { queue.count - head }
    }

    private let state = Mutex(State())
    private let available = DispatchSemaphore(value: 0)
    private let maxQueued: Int
    private let threadCount: Int
    private let exited = DispatchSemaphore(value: 0)

    init(threadCount: Int, maxQueued: Int, niceness: Int32? = nil) {
        precondition(threadCount > 0 && maxQueued > 0)
        self.threadCount = threadCount
        self.maxQueued = maxQueued
        for index in 0..<threadCount {
            NamedThread.start("kp-worker-\(index)") { [self] in
                if let niceness { BackgroundPriority.lowerCurrentThread(to: niceness) }
                work()
            }
        }
    }

    /// Queues `job`; false when the queue is full or the pool is stopping.
    func submit(_ job: @escaping @Sendable () -> Void) -> Bool {
        let accepted = state.withLock { state in
            guard !state.isStopping, state.queuedCount < maxQueued else { return false }
            state.queue.append(job)
            return true
        }
        if accepted { available.signal() }
        return accepted
    }

    /// Lets queued jobs finish, then ends every thread and waits for them.
    func stop() {
        state.withLock { $0.isStopping = true }
        for _ in 0..<threadCount { available.signal() }
        for _ in 0..<threadCount { exited.wait() }
    }

    private func work() {
        while true {
            available.wait()
            let job: (@Sendable () -> Void)? = state.withLock { state in
                guard state.head < state.queue.count else { return nil }
                let job = state.queue[state.head]
                state.head += 1
                // Compact now and then so the array does not grow with the total ever queued.
                if state.head > 64 && state.head * 2 > state.queue.count {
                    state.queue.removeFirst(state.head)
                    state.head = 0
                }
                return job
            }
            if let job {
                job()
                continue
            }
            if state.withLock({ $0.isStopping }) { break }
        }
        exited.signal()
    }
}
