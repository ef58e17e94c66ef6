import Dispatch
import Foundation
import Node
import Schemas
import Synchronization

/// The background pullers: a few threads of our own (never `Task`s: a round blocks on libcurl
/// and SQLite), dealing the peers out between them (see `peers(of:among:count:)`). A thread pulls its peers, then
/// waits the sync interval shortened by up to a fifth at random (so members spread out over
/// each other), or not at all while a peer still has a backlog. `stop` cancels the transfer in
/// flight and waits for the threads, bounded.
public final class SyncService: Sendable {
    /// The shortest a wait between rounds may be cut by jitter: 80 % of the interval.
    static let minimumWaitFraction = 0.8

    public struct Settings: Sendable {
        public let database: Database
        public let localOrigin: OIN
        public let appliers: [any ReplicaApplier]
        public let peers: any SyncPeers
        public let tls: PeerTLSFiles
        public let intervalSeconds: Int
        public let limits: SyncLimits
        public let clientLimits: PeerClientLimits

        public init(database: Database, localOrigin: OIN, appliers: [any ReplicaApplier], peers: any SyncPeers,
                    tls: PeerTLSFiles, intervalSeconds: Int, limits: SyncLimits = SyncLimits(),
                    clientLimits: PeerClientLimits = PeerClientLimits()) {
            self.database = database
            self.localOrigin = localOrigin
            self.appliers = appliers
            self.peers = peers
            self.tls = tls
            self.intervalSeconds = intervalSeconds
            self.limits = limits
            self.clientLimits = clientLimits
        }
    }

    private let settings: Settings
    private let logger: Logger
    private let metrics: Metrics
    private let cancellation = CancellationSignal()
    /// Signalled once by each thread as it ends.
    private let finished = DispatchSemaphore(value: 0)
    private let startedThreads = Atomic<Int>(0)

    public init(settings: Settings, logger: Logger, metrics: Metrics) {
        precondition(settings.limits.pullerThreads >= 1, "at least one puller thread")
        self.settings = settings
        self.logger = logger
        self.metrics = metrics
    }

    public func start() {
        let count = settings.limits.pullerThreads
        guard startedThreads.compareExchange(expected: 0, desired: count, ordering: .acquiringAndReleasing).exchanged else { return }
        for index in 0..<count {
            NamedThread.start("kp-puller-\(index)") { [self] in
                run(shard: index, of: count)
                finished.signal()
            }
        }
    }

    /// Cancels what is in flight (libcurl aborts within about a second; a page being applied
    /// finishes its transaction) and waits for every thread, at most `stopWaitSeconds` in all.
    public func stop() {
        cancellation.cancel()
        let count = startedThreads.load(ordering: .acquiring)
        let giveUp = DispatchTime.now() + .seconds(settings.limits.stopWaitSeconds)
        for _ in 0..<count where finished.wait(timeout: giveUp) == .timedOut {
            logger.warning("a sync puller did not stop in time", [("waitSeconds", .integer(settings.limits.stopWaitSeconds))])
            return
        }
    }

    private func run(shard: Int, of shardCount: Int) {
        let round = SyncRound(database: settings.database, localOrigin: settings.localOrigin, appliers: settings.appliers,
                              peers: settings.peers, tls: settings.tls, logger: logger, metrics: metrics,
                              limits: settings.limits, clientLimits: settings.clientLimits, cancellation: cancellation)
        var failures: [String: Int] = [:]
        while !cancellation.isCancelled {
            let mine: [DirectoryMember]
            do {
                mine = Self.peers(of: shard, among: try settings.peers.activePeers(), count: shardCount)
            } catch {
                logger.error("cannot list the peers to pull", [("error", .string(String(describing: error)))])
                mine = []
            }
            let reports = round.pull(mine)
            guard !cancellation.isCancelled else { break }
            for report in reports { logOutcome(report, failures: &failures) }
            // A peer with a backlog is pulled again at once; otherwise wait for the interval.
            if reports.contains(where: { $0.failure == nil && !$0.caughtUp }) { continue }
            guard cancellation.sleep(milliseconds: jitteredWaitMilliseconds()) else { break }
        }
    }

    /// The first failure of a peer is news; the rest of an outage would only flood the log.
    private func logOutcome(_ report: PullReport, failures: inout [String: Int]) {
        guard let failure = report.failure else {
            if let failed = failures.removeValue(forKey: report.peer) {
                logger.info("pulling the peer works again", [("peerOin", .string(report.peer)), ("failedRounds", .integer(failed))])
            }
            return
        }
        let count = failures[report.peer, default: 0] + 1
        failures[report.peer] = count
        logger.log(count == 1 ? .warning : .debug, "pulling the peer failed", [
            ("peerOin", .string(report.peer)), ("error", .string(failure)), ("consecutiveFailures", .integer(count)),
            ("applied", .integer(report.applied)), ("sequence", .integer(Int(report.sequence))),
        ])
    }

    private func jitteredWaitMilliseconds() -> Int {
        let interval = Double(settings.intervalSeconds) * 1000
        return Int(interval * Double.random(in: Self.minimumWaitFraction...1.0))
    }

    /// The peers thread `shard` of `count` pulls: the active peers in OIN order, dealt out in
    /// turn. With no more peers than threads every peer has a thread of its own, so a peer that
    /// is down (whose fetch retries for a second or more) holds up no other; with more, the
    /// threads differ by at most one peer. The same directory always gives the same deal, so a
    /// peer's client and kept-alive connection stay on one thread; a member joining or leaving
    /// can move peers to another thread, which then connects once, and while the threads pick
    /// up the new directory two of them may pull the same peer, which the checkpoint check in
    /// `ReplicaPageWriter` makes harmless.
    static func peers(of shard: Int, among peers: [DirectoryMember], count: Int) -> [DirectoryMember] {
        peers.sorted { $0.oin.value < $1.oin.value }.enumerated().filter { $0.offset % count == shard }.map(\.element)
    }
}
