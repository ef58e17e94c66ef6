import Dispatch
import Foundation
import Synchronization
import Testing
@testable import Node

/// `EventLoop.execute` from other threads: only the task that finds the queue empty wakes the
/// loop, so these check that no task is left behind by one that rode on another's wake-up.
@Suite("Event loop tasks")
struct EventLoopTests {
    static func startedLoop() throws -> EventLoop {
        let loop = try EventLoop(index: 0, readScratchBytes: 1024)
        loop.start()
        return loop
    }

    static func stop(_ loop: EventLoop) {
        loop.stop()
        loop.waitUntilFinished()
    }

    @Test("every task queued from many threads runs on the loop, also while the loop is asleep in between")
    func everyTaskRuns() throws {
        let loop = try Self.startedLoop()
        defer { Self.stop(loop) }
        let ran = Atomic<Int>(0)
        let allRan = DispatchSemaphore(value: 0)
        let threads = 8
        let perThread = 2_000
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            for index in 0..<perThread {
                loop.execute {
                    if ran.add(1, ordering: .relaxed).newValue == threads * perThread { allRan.signal() }
                }
                // Now and then let the loop drain its queue and go back to waiting.
                if index % 500 == 0 { usleep(2_000) }
            }
        }
        #expect(allRan.wait(timeout: .now() + 20) == .success)
        #expect(ran.load(ordering: .relaxed) == threads * perThread)
    }

    @Test("the loop runs below the group-commit writer and above the workers")
    func loopRunsAtItsNiceness() throws {
        let before = BackgroundPriority.currentThreadNiceness
        let loop = try Self.startedLoop()
        defer { Self.stop(loop) }
        let seen = Mutex<Int32?>(nil)
        let done = DispatchSemaphore(value: 0)
        loop.execute {
            seen.withLock { $0 = BackgroundPriority.currentThreadNiceness }
            done.signal()
        }
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(seen.withLock { $0 } == max(before, BackgroundPriority.eventLoopNiceness))
        #expect(BackgroundPriority.eventLoopNiceness < BackgroundPriority.workerNiceness)
        #expect(BackgroundPriority.currentThreadNiceness == before)
    }

    @Test("a task queued by a task runs too, though the queue was not empty when it came")
    func taskQueuedFromTheLoopRuns() throws {
        let loop = try Self.startedLoop()
        defer { Self.stop(loop) }
        let done = DispatchSemaphore(value: 0)
        let first = DispatchSemaphore(value: 0)
        loop.execute {
            first.wait()
            loop.execute { done.signal() }
        }
        // Queued while the first task runs, so the first's own follow-up finds it there.
        loop.execute {}
        first.signal()
        #expect(done.wait(timeout: .now() + 10) == .success)
    }
}
