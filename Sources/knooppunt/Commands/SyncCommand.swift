import Federation
import Foundation
import Node
import Schemas

/// `knooppunt sync`: one pull round in this process, for every active member or one, exactly as
/// the running node's pullers do it (same checkpoints, same verification, same transactions).
/// SQLite lets it run beside a running node: each page is applied in a write transaction that
/// first checks the checkpoint it was fetched from, so the two never apply a page twice.
struct SyncCommand: Command {
    static let path = ["sync"]
    static let summary = "pull changes from the other members now (all, or one with --peer)"
    static let options: [OptionSpec] = [
        .single("data", "DIR", "this node's data folder", required: true),
        .single("peer", "OIN", "pull only this member"),
    ]

    let dataDirectory: String
    let peer: OIN?

    init(_ arguments: ParsedArguments) throws(UsageError) {
        dataDirectory = try arguments.required("data")
        peer = try arguments.value("peer").map { text throws(UsageError) in try PKIIssueCommand.oin(text) }
    }

    func run() throws -> Int32 {
        let configuration = try NodeConfiguration.load(dataDirectory: dataDirectory)
        let members = try KnownMembers.load(dataDirectory: dataDirectory, configuration: configuration)
        let peers = ListedPeers(members: members, localOrigin: configuration.oin)
        var selected = peers.activePeers()
        if let peer {
            guard peer != configuration.oin else { throw KnownMembersError.notAPeer(peer) }
            selected = selected.filter { $0.oin == peer }
            guard !selected.isEmpty else { throw KnownMembersError.notAnActiveMember(peer) }
        }
        let failed = try NodeAssembly.withDatabase(dataDirectory: dataDirectory) { database in
            let level = LogLevel(name: configuration.logLevel) ?? .info
            let round = SyncRound(
                database: database, localOrigin: configuration.oin,
                appliers: NodeRuntime.replicaAppliers(extensions: NodeAssembly.extensions, localOrigin: configuration.oin),
                peers: peers, tls: PeerTLSFiles(dataDirectory: dataDirectory, configuration: configuration),
                logger: Logger(label: "sync", minimumLevel: max(level, .warning)), metrics: Metrics(version: SoftwareVersion.current),
                clientLimits: PeerClientLimits(configuration.federation))
            var failed = false
            for peer in selected {
                // Several rounds while a peer has a backlog longer than one round's page bound.
                var total = PullReport(peer: peer.oin.value)
                var report: PullReport
                repeat {
                    report = round.pull([peer])[0]
                    total.pages += report.pages
                    total.applied += report.applied
                    total.notNewer += report.notNewer
                    total.rejected.merge(report.rejected, uniquingKeysWith: +)
                    total.restartedFromZero = total.restartedFromZero || report.restartedFromZero
                } while report.failure == nil && !report.caughtUp && report.pages > 0
                print(Self.describe(peer, total: total, last: report))
                failed = failed || report.failure != nil
            }
            return failed
        }
        if selected.isEmpty { print("no other active members to pull") }
        return failed ? CommandLineTool.failureExitCode : 0
    }

    static func describe(_ peer: DirectoryMember, total: PullReport, last: PullReport) -> String {
        var line = "\(peer.name) (\(peer.oin)): applied \(total.applied)"
        let rejected = total.rejected.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        line += rejected.isEmpty ? ", rejected 0" : ", rejected \(total.rejectedCount) (\(rejected.joined(separator: ", ")))"
        if total.notNewer > 0 { line += ", already held \(total.notNewer)" }
        if total.restartedFromZero { line += ", started over from zero (the peer's feed restarted)" }
        line += "; at sequence \(last.sequence) of \(last.latestSequence)"
        if let failure = last.failure { line += "; failed: \(failure)" }
        return line
    }
}
