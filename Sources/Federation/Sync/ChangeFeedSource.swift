import Foundation
import Node

/// Where a puller reads a peer's feed: the peer over mutual TLS in a node, a fake in tests.
protocol ChangeFeedSource {
    func fetch(since: Int64, limit: Int) throws(SyncError) -> ChangeFeedPage
}

/// A peer's `/changes` through this node's libcurl client: the client checked the peer's OIN
/// and key during the handshake, bounds the response size, and retries a GET on transport
/// failures and 429/5xx within the page's deadline.
final class PeerChangeFeed: ChangeFeedSource {
    let client: PeerClient
    private let deadlineSeconds: Int

    init(client: PeerClient, deadlineSeconds: Int) {
        self.client = client
        self.deadlineSeconds = deadlineSeconds
    }

    func fetch(since: Int64, limit: Int) throws(SyncError) -> ChangeFeedPage {
        let response: PeerResponse
        do {
            response = try client.get("\(ChangesRoute.path)?since=\(since)&limit=\(limit)",
                                      headers: [("Accept", "application/json")],
                                      deadline: .now + .seconds(deadlineSeconds))
        } catch .cancelled {
            throw .cancelled
        } catch {
            throw .transport(error)
        }
        guard response.status == 200 else {
            throw .peerAnswered(status: response.status, detail: Self.problemDetail(response.body))
        }
        return try ChangeFeedPage.decode(response.body)
    }

    /// A problem's `detail`, for the log; never more than a line of whatever the body is.
    static func problemDetail(_ body: [UInt8]) -> String {
        struct Problem: Decodable { let detail: String? }
        if let problem = try? JSONDecoder().decode(Problem.self, from: Data(body.prefix(16 * 1024))), let detail = problem.detail {
            return String(detail.prefix(300))
        }
        return "no problem detail"
    }
}

@available(*, unavailable)
extension PeerChangeFeed: Sendable {}
