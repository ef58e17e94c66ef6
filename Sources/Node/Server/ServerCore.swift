import Synchronization

/// What every connection on every loop shares: immutable configuration plus a few atomics.
final class ServerCore: Sendable {
    let tls: TLSContext
    let responder: Responder
    let limits: ServerLimits
    let workers: WorkerPool
    let metrics: Metrics
    let logger: Logger
    let isDraining = Atomic<Bool>(false)
    private let serials = Atomic<UInt64>(0)

    init(tls: TLSContext, responder: Responder, limits: ServerLimits, workers: WorkerPool, metrics: Metrics, logger: Logger) {
        self.tls = tls
        self.responder = responder
        self.limits = limits
        self.workers = workers
        self.metrics = metrics
        self.logger = logger
    }

    /// A number no other connection or request gets, so a late worker result can never be
    /// delivered to a different connection that happens to reuse the same file descriptor.
    func nextSerial() -> UInt64 {
        serials.wrappingAdd(1, ordering: .relaxed).newValue
    }
}
