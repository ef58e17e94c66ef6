import CSystem
import Foundation
import Glibc
import Synchronization

/// Something registered on an event loop for readiness events on one file descriptor.
protocol EventSource: AnyObject {
    func handle(events: UInt32)
    /// Called about once a second on the loop thread, to enforce deadlines.
    func tick(now: ContinuousClock.Instant)
}

/// One thread that owns an epoll set, in NIO's shape: every event source registered here is
/// touched only on this thread, so connection state needs no locks. Other threads reach the loop
/// through `execute`, which queues a task and wakes the loop through an eventfd.
///
/// `@unchecked Sendable`: the only members touched from other threads are `tasks` (a Mutex), the
/// eventfd write in `execute`, and the immutable descriptors; everything else is loop-confined.
final class EventLoop: @unchecked Sendable {
    static let maxEventsPerWait: Int32 = 256
    static let tickInterval: Duration = .seconds(1)

    let index: Int
    private let epollDescriptor: Int32
    private let wakeDescriptor: Int32
    private let tasks = Mutex<[@Sendable () -> Void]>([])
    private let isStopping = Atomic<Bool>(false)
    private var sources: [Int32: any EventSource] = [:]
    private var nextTick: ContinuousClock.Instant = .now
    private var thread: Thread?
    private let finished = DispatchSemaphore(value: 0)
    /// Where connections on this loop decrypt into before appending what arrived to their own
    /// buffer: one allocation per loop instead of a zero-filled chunk per read.
    let readScratch: UnsafeMutableRawBufferPointer

    init(index: Int, readScratchBytes: Int) throws(ServerError) {
        self.index = index
        readScratch = .allocate(byteCount: readScratchBytes, alignment: 16)
        epollDescriptor = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epollDescriptor >= 0 else { throw .system(call: "epoll_create1", errno: errno) }
        wakeDescriptor = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard wakeDescriptor >= 0 else {
            Glibc.close(epollDescriptor)
            readScratch.deallocate()
            throw .system(call: "eventfd", errno: errno)
        }
        var event = epoll_event(events: kp_EPOLLIN, data: epoll_data_t(fd: wakeDescriptor))
        guard epoll_ctl(epollDescriptor, EPOLL_CTL_ADD, wakeDescriptor, &event) == 0 else {
            let code = errno
            Glibc.close(wakeDescriptor)
            Glibc.close(epollDescriptor)
            readScratch.deallocate()
            throw .system(call: "epoll_ctl", errno: code)
        }
    }

    deinit {
        Glibc.close(wakeDescriptor)
        Glibc.close(epollDescriptor)
        readScratch.deallocate()
    }

    /// Number of registered sources other than the listener; read on the loop thread only.
    var sourceCount: Int { sources.count }

    func start() {
        thread = NamedThread.start("kp-loop-\(index)") { [self] in
            BackgroundPriority.lowerCurrentThread(to: BackgroundPriority.eventLoopNiceness)
            run()
        }
    }

    /// Runs `task` on the loop thread, soon. Safe from any thread.
    ///
    /// Only the task that finds the queue empty writes the eventfd: the loop takes the whole
    /// queue at once after every wait, so later tasks ride on that wake-up. Under load, when
    /// responses from many workers and the group-commit writer arrive together, this saves a
    /// system call per task and the loop's reading it back.
    func execute(_ task: @escaping @Sendable () -> Void) {
        let wasEmpty = tasks.withLock { queued in
            queued.append(task)
            return queued.count == 1
        }
        guard wasEmpty else { return }
        var one: UInt64 = 1
        _ = withUnsafeBytes(of: &one) { Glibc.write(wakeDescriptor, $0.baseAddress, 8) }
    }

    /// Asks the loop to return after its current iteration; `waitUntilFinished` joins it.
    func stop() {
        isStopping.store(true, ordering: .releasing)
        execute {}
    }

    func waitUntilFinished() {
        if thread != nil { finished.wait() }
    }

    // MARK: Loop-thread API

    func register(_ descriptor: Int32, events: UInt32, source: any EventSource) throws(ServerError) {
        var event = epoll_event(events: events, data: epoll_data_t(fd: descriptor))
        guard epoll_ctl(epollDescriptor, EPOLL_CTL_ADD, descriptor, &event) == 0 else {
            throw .system(call: "epoll_ctl(ADD)", errno: errno)
        }
        sources[descriptor] = source
    }

    func modify(_ descriptor: Int32, events: UInt32) {
        var event = epoll_event(events: events, data: epoll_data_t(fd: descriptor))
        // MOD only fails for a descriptor that is not registered, which the callers rule out.
        let result = epoll_ctl(epollDescriptor, EPOLL_CTL_MOD, descriptor, &event)
        assert(result == 0, "epoll_ctl(MOD) failed: \(errno)")
    }

    /// Removes the descriptor from the epoll set; the caller closes it afterwards.
    func unregister(_ descriptor: Int32) {
        var event = epoll_event()
        _ = epoll_ctl(epollDescriptor, EPOLL_CTL_DEL, descriptor, &event)
        sources[descriptor] = nil
    }

    func source(for descriptor: Int32) -> (any EventSource)? {
        sources[descriptor]
    }

    func forEachSource(_ body: (any EventSource) -> Void) {
        for source in Array(sources.values) { body(source) }
    }

    private func run() {
        var events = [epoll_event](repeating: epoll_event(), count: Int(Self.maxEventsPerWait))
        nextTick = .now + Self.tickInterval
        while !isStopping.load(ordering: .acquiring) {
            let untilTick = ContinuousClock.now.duration(to: nextTick)
            let timeoutMilliseconds = max(0, Int32(untilTick.components.seconds * 1000
                + untilTick.components.attoseconds / 1_000_000_000_000_000))
            let count = epoll_wait(epollDescriptor, &events, Self.maxEventsPerWait, timeoutMilliseconds)
            if count < 0 && errno != EINTR {
                preconditionFailure("epoll_wait failed: \(errno)")
            }
            for index in 0..<max(0, Int(count)) {
                let descriptor = events[index].data.fd
                if descriptor == wakeDescriptor {
                    var counter: UInt64 = 0
                    _ = withUnsafeMutableBytes(of: &counter) { Glibc.read(wakeDescriptor, $0.baseAddress, 8) }
                    continue
                }
                sources[descriptor]?.handle(events: events[index].events)
            }
            runTasks()
            let now = ContinuousClock.now
            if now >= nextTick {
                nextTick = now + Self.tickInterval
                forEachSource { $0.tick(now: now) }
            }
        }
        runTasks()
        finished.signal()
    }

    /// Takes every queued task under the lock, so the next `execute` finds the queue empty and
    /// wakes the loop again.
    private func runTasks() {
        let pending = tasks.withLock { queued in
            let taken = queued
            queued.removeAll(keepingCapacity: true)
            return taken
        }
        for task in pending { task() }
    }
}
