import Dispatch
import Foundation
import Node
import Schemas
import Synchronization

/// Polls the registry's directory on a thread of its own: fetches it with `If-None-Match`,
/// verifies the signature, stores the last good copy on disk and hands it to the holder the
/// peer check reads. Waits between polls are the configured interval shortened by up to a fifth
/// at random, so members spread out over the registry and a revocation reaches every node
/// within one interval (plus the time of the fetch itself).
public final class DirectoryRefresher: Sendable {
    public static let path = "/api/registry/v1/members"
    /// The shortest a wait between polls may be cut by jitter: 80 % of the interval.
    static let minimumWaitFraction = 0.8

    public struct Settings: Sendable {
        public let registryURL: String
        public let registryOIN: OIN
        public let intervalSeconds: Int
        public let clientLimits: PeerClientLimits

        public init(registryURL: String, registryOIN: OIN, intervalSeconds: Int, clientLimits: PeerClientLimits = PeerClientLimits()) {
            self.registryURL = registryURL
            self.registryOIN = registryOIN
            self.intervalSeconds = intervalSeconds
            self.clientLimits = clientLimits
        }
    }

    /// What one poll did.
    public enum Outcome: Sendable, Equatable {
        case updated(serial: Int64)
        case unchanged
        case failed(String)
    }

    private let settings: Settings
    private let tls: PeerTLSFiles
    private let verifier: DirectoryVerifier
    private let holder: DirectoryHolder
    private let cache: DirectoryCacheFile
    private let logger: Logger
    private let metrics: Metrics
    private let cancellation = CancellationSignal()
    private let finished = DispatchSemaphore(value: 0)
    private let isStarted = Atomic<Bool>(false)

    public init(settings: Settings, tls: PeerTLSFiles, verifier: DirectoryVerifier, holder: DirectoryHolder,
                cache: DirectoryCacheFile, logger: Logger, metrics: Metrics) {
        self.settings = settings
        self.tls = tls
        self.verifier = verifier
        self.holder = holder
        self.cache = cache
        self.logger = logger
        self.metrics = metrics
    }

    /// Loads the copy on disk, verified like a fresh one, so the node knows its members before
    /// it serves. A copy that no longer verifies is ignored (and reported): the node then
    /// refuses peers until the registry answers, rather than trust it.
    public func loadCachedCopy() {
        do {
            guard let bytes = try cache.read() else {
                logger.warning("no cached member directory yet; federation calls are refused until the registry answers",
                               [("registryUrl", .string(settings.registryURL))])
                return
            }
            let directory = try verifier.verify(bytes)
            try holder.replace(with: directory)
            record(directory)
            logger.info("member directory loaded from disk", [("serial", .integer(Int(directory.serial))),
                                                              ("members", .integer(directory.members.count))])
        } catch {
            logger.error("the cached member directory was refused", [("path", .string(cache.path)),
                                                                     ("error", .string(String(describing: error)))])
        }
    }

    public func start() {
        guard !isStarted.exchange(true, ordering: .acquiringAndReleasing) else { return }
        NamedThread.start("kp-directory") { [self] in
            run()
            finished.signal()
        }
    }

    /// Cancels the poll in flight (libcurl aborts within about a second) and waits for the
    /// thread to end, bounded so that a stuck resolver cannot hold up shutdown.
    public func stop() {
        cancellation.cancel()
        guard isStarted.load(ordering: .acquiring) else { return }
        if finished.wait(timeout: .now() + .seconds(5)) == .success {
            finished.signal()
        } else {
            logger.warning("the directory refresher did not stop within 5 s")
        }
    }

    private func run() {
        var entityTag: String?
        var client: PeerClient?
        var consecutiveFailures = 0
        repeat {
            let outcome: Outcome
            do {
                if client == nil {
                    client = try PeerClient(baseURL: settings.registryURL,
                                            expecting: PeerExpectation(oin: settings.registryOIN, publicKeySHA256: nil),
                                            tls: tls, limits: settings.clientLimits, cancellation: cancellation)
                }
                // `!`: assigned just above when it was nil.
                outcome = refresh(with: client!, entityTag: &entityTag)
            } catch {
                outcome = .failed(error.description)
            }
            guard !cancellation.isCancelled else { break }
            switch outcome {
            case .failed(let reason):
                consecutiveFailures += 1
                // The first failure is news; the rest of an outage would only flood the log.
                logger.log(consecutiveFailures == 1 ? .warning : .debug, "member directory refresh failed", [
                    ("registryUrl", .string(settings.registryURL)), ("error", .string(reason)),
                    ("consecutiveFailures", .integer(consecutiveFailures)),
                ])
            case .updated, .unchanged:
                if consecutiveFailures > 0 {
                    logger.info("member directory refresh works again", [("failedPolls", .integer(consecutiveFailures))])
                }
                consecutiveFailures = 0
            }
        } while cancellation.sleep(milliseconds: jitteredWaitMilliseconds())
    }

    /// One poll: fetch (conditionally), verify, store, replace. `entityTag` carries the last
    /// validator between polls; a 304 keeps the directory held.
    func refresh(with client: PeerClient, entityTag: inout String?) -> Outcome {
        let outcome = poll(with: client, entityTag: &entityTag)
        let result: String
        switch outcome {
        case .updated: result = "updated"
        case .unchanged: result = "unchanged"
        case .failed: result = "failed"
        }
        metrics.incrementCounter("knooppunt_directory_refreshes_total", help: "Member directory polls, by result.",
                                 labels: [("result", result)])
        if result != "failed" {
            metrics.setGauge("knooppunt_directory_last_success_timestamp_seconds",
                             help: "When the registry last answered a directory poll (Unix time).",
                             value: Date().timeIntervalSince1970.rounded(.down))
        }
        return outcome
    }

    private func poll(with client: PeerClient, entityTag: inout String?) -> Outcome {
        let deadline = ContinuousClock.now + .seconds(min(max(settings.intervalSeconds, 5), 30))
        let response: PeerResponse
        do {
            response = try client.get(Self.path, headers: entityTag.map { [("If-None-Match", $0)] } ?? [], deadline: deadline)
        } catch {
            return .failed(error.description)
        }
        if response.status == 304, entityTag != nil { return .unchanged }
        guard response.status == 200 else {
            return .failed("the registry answered \(response.status): \(Self.problemDetail(response.body))")
        }
        do {
            let directory = try verifier.verify(response.body)
            let previous = holder.current
            if let previous, previous.signed.documentBytes == directory.signed.documentBytes {
                entityTag = response.header("ETag")
                return .unchanged
            }
            // Refuse a rollback before it reaches the disk, then store before believing, so the
            // copy on disk is never older than what the node acted on.
            if let previous, directory.serial < previous.serial {
                throw DirectoryError.rollback(heldSerial: previous.serial, offeredSerial: directory.serial)
            }
            try cache.write(directory.signed.documentBytes)
            try holder.replace(with: directory)
            entityTag = response.header("ETag")
            record(directory)
            logChanges(from: previous, to: directory)
            return .updated(serial: directory.serial)
        } catch {
            return .failed(String(describing: error))
        }
    }

    private func record(_ directory: VerifiedDirectory) {
        metrics.setGauge("knooppunt_directory_serial", help: "Serial of the member directory in force.",
                         value: Double(directory.serial))
        for status in DirectoryMember.Status.allCases {
            metrics.setGauge("knooppunt_directory_members", help: "Members in the directory in force, by status.",
                             labels: [("status", status.rawValue)],
                             value: Double(directory.members.filter { $0.status == status }.count))
        }
    }

    private func logChanges(from previous: VerifiedDirectory?, to current: VerifiedDirectory) {
        logger.info("member directory updated", [
            ("serial", .integer(Int(current.serial))), ("members", .integer(current.members.count)),
            ("active", .integer(current.members.filter(\.isActive).count)),
        ])
        guard let previous else { return }
        for member in previous.members where member.isActive && current.member(member.oin)?.isActive != true {
            logger.info("member no longer active", [("peerOin", .string(member.oin.value)), ("name", .string(member.name))])
        }
    }

    private func jitteredWaitMilliseconds() -> Int {
        let interval = Double(settings.intervalSeconds) * 1000
        return Int(interval * Double.random(in: Self.minimumWaitFraction...1.0))
    }

    /// A problem's `detail`, for the log; never more than a line of whatever the body is.
    private static func problemDetail(_ body: [UInt8]) -> String {
        struct Problem: Decodable { let detail: String? }
        if let problem = try? JSONDecoder().decode(Problem.self, from: Data(body.prefix(16 * 1024))), let detail = problem.detail {
            return String(detail.prefix(300))
        }
        return "no problem detail"
    }
}
