import Foundation
import Synchronization

/// Voids pending transfers whose timeout has passed, every `interval`, on a thread of its own (it
/// blocks on the writer like a request would). Reads and writes also expire lazily, so the
/// sweeper only keeps reservations from lingering on accounts nobody touches; its jobs share
/// commits with requests through the group-commit writer.
public final class PendingTransferSweeper: Sendable {
    private let service: CoinService
    private let interval: Duration
    private let logger: Logger
    /// Signalled by `stop`; the loop waits on it between sweeps, so stopping never waits out an interval.
    private let stopRequested = DispatchSemaphore(value: 0)
    private let exited = DispatchSemaphore(value: 0)
    private let isRunning = Atomic<Bool>(false)

    public init(service: CoinService, interval: Duration, logger: Logger) {
        precondition(interval > .zero, "the sweep interval must be positive")
        self.service = service
        self.interval = interval
        self.logger = logger
    }

    public func start() {
        guard isRunning.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return }
        NamedThread.start("kp-coin-sweeper") { [self] in run() }
    }

    public func stop() {
        guard isRunning.compareExchange(expected: true, desired: false, ordering: .relaxed).exchanged else { return }
        stopRequested.signal()
        exited.wait()
    }

    private func run() {
        let milliseconds = Int(interval.components.seconds * 1000 + interval.components.attoseconds / 1_000_000_000_000_000)
        while stopRequested.wait(timeout: .now() + .milliseconds(max(1, milliseconds))) == .timedOut {
            do {
                let expired = try service.expireDueTransfers()
                if expired > 0 { logger.info("expired pending transfers", [("count", .integer(expired))]) }
            } catch {
                // The next sweep tries again; lazy expiry keeps balances right meanwhile.
                logger.error("sweeping expired transfers failed", [("error", .string(String(describing: error)))])
            }
        }
        exited.signal()
    }
}
