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
}
