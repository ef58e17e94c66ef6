import Foundation
import Synchronization
import Testing
@testable import Node

@Suite struct BackgroundPriorityTests {
    /// Only the thread that asks is lowered: the thread that started it keeps its priority.
    @Test func onlyTheCallingThreadIsLowered() {
        let before = BackgroundPriority.currentThreadNiceness
        let seen = Mutex<Int32?>(nil)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            BackgroundPriority.lowerCurrentThread()
            seen.withLock { $0 = BackgroundPriority.currentThreadNiceness }
            done.signal()
        }
        thread.start()
        done.wait()
        #expect(seen.withLock { $0 } == max(before, BackgroundPriority.niceness))
        #expect(BackgroundPriority.currentThreadNiceness == before)
    }

    /// The HTTP workers run below the loops and the writer; the thread that made the pool does not.
    @Test func workerPoolThreadsRunAtTheirNiceness() {
        let before = BackgroundPriority.currentThreadNiceness
        let pool = WorkerPool(threadCount: 2, maxQueued: 4, niceness: BackgroundPriority.workerNiceness)
        defer { pool.stop() }
        let seen = Mutex<[Int32]>([])
        let done = DispatchSemaphore(value: 0)
        for _ in 0..<2 {
            #expect(pool.submit {
                seen.withLock { $0.append(BackgroundPriority.currentThreadNiceness) }
                done.signal()
            })
        }
        done.wait()
        done.wait()
        let expected = max(before, BackgroundPriority.workerNiceness)
        #expect(seen.withLock { $0 } == [expected, expected])
        #expect(BackgroundPriority.currentThreadNiceness == before)
    }

    /// A thread already lower than asked stays where it is: the helper never raises a priority.
    @Test func aLowerThreadIsNotRaised() {
        let seen = Mutex<Int32?>(nil)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            BackgroundPriority.lowerCurrentThread(to: BackgroundPriority.niceness)
            BackgroundPriority.lowerCurrentThread(to: BackgroundPriority.workerNiceness)
            seen.withLock { $0 = BackgroundPriority.currentThreadNiceness }
            done.signal()
        }
        thread.start()
        done.wait()
        #expect(seen.withLock { $0 } ?? 0 >= BackgroundPriority.niceness)
    }
}
