import Node
import Schemas

/// Pulls a set of peers one after the other on the calling thread, keeping one libcurl client
/// per peer between rounds (so its TLS connection is reused). A background puller thread owns
/// one; `knooppunt sync` makes one for its single round.
public final class SyncRound {
    private let puller: PeerPuller
    private let tls: PeerTLSFiles
    private let clientLimits: PeerClientLimits
    /// The client for each peer, with the entry it was made for: a moved member or a changed key
    /// gets a new client, since a client is bound to one URL and one expected identity.
    private var clients: [OIN: (member: DirectoryMember, feed: PeerChangeFeed)] = [:]

    public init(database: Database, localOrigin: OIN, appliers: [any ReplicaApplier], peers: any SyncPeers,
                tls: PeerTLSFiles, logger: Logger, metrics: Metrics, limits: SyncLimits = SyncLimits(),
                clientLimits: PeerClientLimits = PeerClientLimits(), cancellation: CancellationSignal = CancellationSignal()) {
        puller = PeerPuller(database: database, localOrigin: localOrigin, writer: ReplicaPageWriter(appliers: appliers),
                            peers: peers, limits: limits, logger: logger, metrics: SyncMetrics(metrics: metrics),
                            cancellation: cancellation)
        self.tls = tls
        self.clientLimits = clientLimits
    }

    /// Pulls each peer until caught up or the round's page bound; a failing peer is reported
    /// and the next one pulled.
    public func pull(_ peers: [DirectoryMember]) -> [PullReport] {
        var reports: [PullReport] = []
        for peer in peers {
            guard !puller.cancellation.isCancelled else { break }
            reports.append(pull(peer))
        }
        let pulled = Set(peers.map(\.oin))
        clients = clients.filter { pulled.contains($0.key) }
        return reports
    }

    func pull(_ peer: DirectoryMember) -> PullReport {
        let feed: PeerChangeFeed
        if let cached = clients[peer.oin], cached.member.baseURL == peer.baseURL, cached.member.keys == peer.keys {
            feed = cached.feed
        } else {
            do {
                feed = PeerChangeFeed(client: try PeerClient(member: peer, tls: tls, limits: clientLimits,
                                                             cancellation: puller.cancellation),
                                      deadlineSeconds: puller.limits.pageDeadlineSeconds)
            } catch {
                var report = PullReport(peer: peer.oin.value)
                report.failure = String(describing: SyncError.transport(error))
                puller.metrics.recordRound(peer: report.peer, succeeded: false)
                return report
            }
            clients[peer.oin] = (peer, feed)
        }
        return puller.pull(peer, from: feed)
    }
}

@available(*, unavailable)
extension SyncRound: Sendable {}
