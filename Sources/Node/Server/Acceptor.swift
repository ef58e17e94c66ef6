import CSystem
import Foundation
import Glibc

/// Accepts new connections on one event loop. Each loop has its own acceptor on the shared
/// listening socket; a connection stays on the loop that accepted it for its whole life.
///
/// `@unchecked Sendable`: the server hands it to tasks that run on its own loop; its mutable state
/// is touched only there.
final class Acceptor: EventSource, @unchecked Sendable {
    /// New connections taken per readiness event, so one loop cannot starve its own connections
    /// during a connection storm.
    static let maxAcceptsPerEvent = 64
    /// After running out of descriptors, wait this long before accepting again instead of spinning.
    static let descriptorExhaustionPause: Duration = .seconds(1)

    private let listener: Listener
    private let loop: EventLoop
    private let core: ServerCore
    private var pausedUntil: ContinuousClock.Instant?
    private var isListening = false

    init(listener: Listener, loop: EventLoop, core: ServerCore) {
        self.listener = listener
        self.loop = loop
        self.core = core
    }

    func startListening() throws(ServerError) {
        try loop.register(listener.descriptor, events: kp_EPOLLIN | kp_EPOLLEXCLUSIVE, source: self)
        isListening = true
    }

    func stopListening() {
        guard isListening else { return }
        loop.unregister(listener.descriptor)
        isListening = false
    }

    func handle(events: UInt32) {
        for _ in 0..<Self.maxAcceptsPerEvent {
            let descriptor = kp_accept4(listener.descriptor, Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue))
            if descriptor < 0 {
                let code = errno
                if code == EMFILE || code == ENFILE || code == ENOBUFS || code == ENOMEM {
                    core.logger.error("accept failed: out of descriptors or memory; pausing accepts", [("errno", .integer(Int(code)))])
                    pause()
                }
                return
            }
            admit(descriptor)
        }
    }

    func tick(now: ContinuousClock.Instant) {
        guard let pausedUntil, now >= pausedUntil, !core.isDraining.load(ordering: .relaxed) else { return }
        self.pausedUntil = nil
        // A failure here leaves accepts paused; the next tick tries again.
        do { try startListening() } catch { pause() }
    }

    private func pause() {
        stopListening()
        pausedUntil = .now + Self.descriptorExhaustionPause
    }

    private func admit(_ descriptor: Int32) {
        let open = core.metrics.openConnections.wrappingAdd(1, ordering: .relaxed).newValue
        guard open <= core.limits.maxConnections, !core.isDraining.load(ordering: .relaxed) else {
            core.metrics.openConnections.wrappingSubtract(1, ordering: .relaxed)
            core.metrics.recordRefusedConnection()
            Glibc.close(descriptor)
            return
        }
        var noDelay: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
        guard let session = TLSSession(context: core.tls, socket: descriptor) else {
            core.metrics.openConnections.wrappingSubtract(1, ordering: .relaxed)
            Glibc.close(descriptor)
            return
        }
        let connection = Connection(descriptor: descriptor, session: session, loop: loop, core: core)
        do {
            try loop.register(descriptor, events: kp_EPOLLIN, source: connection)
        } catch {
            core.metrics.openConnections.wrappingSubtract(1, ordering: .relaxed)
            Glibc.close(descriptor)
        }
    }
}
