import Foundation
import Glibc
import Synchronization

/// The node's HTTPS server: a few event loops sharing one listening socket, a worker pool for
/// blocking handlers, and an orderly drain on shutdown.
public final class HTTPServer: Sendable {
    public struct Configuration: Sendable {
        public var listen: ListenAddress
        public var limits: ServerLimits
        /// Event-loop threads; 0 means one per core.
        public var eventLoopCount: Int
        /// Worker threads for blocking handlers; 0 means four per core, at least 64. Workers
        /// mostly wait rather than compute: on SQLite's fsync, and for group commit, where a
        /// request waits for the batch that holds it (except deferred handlers, such as payments,
        /// which answer from the writer without a worker). A batch can only hold as many waiting
        /// requests as there are workers, so 64 lets 64 concurrent clients share one commit; idle
        /// threads cost a stack each and nothing else.
        public var workerCount: Int

        public init(listen: ListenAddress, limits: ServerLimits = ServerLimits(), eventLoopCount: Int = 0, workerCount: Int = 0) {
            self.listen = listen
            self.limits = limits
            self.eventLoopCount = eventLoopCount
            self.workerCount = workerCount
        }
    }

    /// The default worker count's floor; see `Configuration.workerCount`.
    static let minimumDefaultWorkerCount = 64

    /// Connections the kernel may queue before we accept them.
    static let listenBacklog: Int32 = 4096

    private let core: ServerCore
    private let loops: [EventLoop]
    private let listener: Listener
    private let acceptors: [Acceptor]

    /// The address actually bound (the real port when 0 was asked for).
    public var address: ListenAddress { listener.address }

    public init(configuration: Configuration, tls: TLSContext, responder: Responder, metrics: Metrics, logger: Logger) throws(ServerError) {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let loopCount = configuration.eventLoopCount > 0 ? configuration.eventLoopCount : max(1, cores)
        let workerCount = configuration.workerCount > 0 ? configuration.workerCount : max(Self.minimumDefaultWorkerCount, cores * 4)
        let listener = try Listener(configuration.listen, backlog: Self.listenBacklog)
        var loops: [EventLoop] = []
        do throws(ServerError) {
            for index in 0..<loopCount { loops.append(try EventLoop(index: index, readScratchBytes: Connection.readChunkBytes)) }
        } catch {
            listener.close()
            throw error
        }
        let core = ServerCore(tls: tls, responder: responder, limits: configuration.limits,
                              workers: WorkerPool(threadCount: workerCount, maxQueued: configuration.limits.maxQueuedRequests,
                                                  niceness: BackgroundPriority.workerNiceness),
                              metrics: metrics, logger: logger)
        self.listener = listener
        self.loops = loops
        self.core = core
        acceptors = loops.map { Acceptor(listener: listener, loop: $0, core: core) }
    }

    /// Starts the loops and begins accepting.
    public func start() throws(ServerError) {
        for (loop, acceptor) in zip(loops, acceptors) {
            try acceptor.startListening()
            loop.start()
        }
    }

    /// Stops accepting, lets in-flight requests finish for at most `grace`, then closes every
    /// connection and stops the loops and workers. Blocks until done.
    public func shutdown(grace: Duration) {
        core.isDraining.store(true, ordering: .relaxed)
        for (loop, acceptor) in zip(loops, acceptors) {
            let done = DispatchSemaphore(value: 0)
            loop.execute {
                acceptor.stopListening()
                loop.forEachSource { ($0 as? Connection)?.beginDraining() }
                done.signal()
            }
            done.wait()
        }
        listener.close()
        let giveUp = ContinuousClock.now + grace
        while ContinuousClock.now < giveUp && openConnectionCount() > 0 {
            Thread.sleep(forTimeInterval: 0.02)
        }
        for loop in loops { loop.stop() }
        for loop in loops { loop.waitUntilFinished() }
        core.workers.stop()
    }

    private func openConnectionCount() -> Int {
        core.metrics.openConnections.load(ordering: .relaxed)
    }
}
