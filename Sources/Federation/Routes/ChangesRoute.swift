import Node
import Schemas

/// `GET /api/federation/v1/changes?since=SEQ&limit=N`: this node's own records in commit order,
/// tombstones included, each with the signature this node made over its canonical JSON when it
/// committed it. A member pulls it page by page, from its checkpoint, until the last page's
/// sequence reaches `latestSequence`. Records replicated from other origins are never served:
/// each origin is pulled from itself, so a signature is only ever checked against the key of
/// the node that serves it.
enum ChangesRoute {
    static let path = "/api/federation/v1/changes"

    static func register(in table: inout RouteTable, database: Database, localOrigin: OIN) {
        table.add(Route("GET", path, component: FederationExtension.component, access: .peerCertificate,
                        execution: .worker) { request in
            let (since, limit) = try parse(request.query)
            let page: ChangeFeedPage
            do {
                // One read transaction: the page and `latestSequence` come from the same snapshot.
                page = try database.read { connection in
                    ChangeFeedPage(
                        origin: localOrigin.value, epoch: database.epoch,
                        latestSequence: try ChangeLog.latestSequence(in: connection, origin: localOrigin.value),
                        changes: try ChangeLog.changes(in: connection, origin: localOrigin.value, since: since, limit: limit,
                                                       maxBytes: SyncLimits.maxPageBytes))
                }
            } catch StoreError.busy {
                throw Problem.serviceUnavailable("The node's database is busy; try again shortly.", retryAfterSeconds: 1)
            }
            return .bytes(page.encoded, contentType: "application/json")
        })
    }

    /// `since` (default 0) and `limit` (default `SyncLimits.defaultPageSize`), every bad or
    /// unknown parameter listed in one 400.
    static func parse(_ query: QueryParameters) throws -> (since: Int64, limit: Int) {
        var issues = FeedQuery.unknownOrRepeated(query, allowed: ["since", "limit"])
        var since: Int64 = 0
        var limit = SyncLimits.defaultPageSize
        if let text = query["since"] {
            if let value = FeedQuery.wholeNumber(text) {
                since = value
            } else {
                issues.append(InvalidParam(name: "since", code: "invalid",
                                           reason: "since is a sequence number: a whole number from 0"))
            }
        }
        if let text = query["limit"] {
            if let value = FeedQuery.wholeNumber(text), (1...Int64(SyncLimits.maxPageSize)).contains(value) {
                limit = Int(value)
            } else {
                issues.append(InvalidParam(name: "limit", code: "invalid",
                                           reason: "limit is a whole number from 1 to \(SyncLimits.maxPageSize)"))
            }
        }
        guard issues.isEmpty else { throw Problem.badRequest("The query is not valid.", invalidParams: issues) }
        return (since, limit)
    }
}

/// Query checks shared by the feed routes.
enum FeedQuery {
    /// Every key that is not `allowed`, or given more than once, as an invalid parameter: a
    /// misspelt `sinse=` must not silently pull from zero.
    static func unknownOrRepeated(_ query: QueryParameters, allowed: Set<String>) -> [InvalidParam] {
        var issues: [InvalidParam] = []
        var seen: Set<String> = []
        for (name, _) in query.pairs {
            guard !seen.contains(name) else { continue }
            seen.insert(name)
            if !allowed.contains(name) {
                issues.append(InvalidParam(name: name, code: "unknown", reason: "\(name) is not a parameter of this resource"))
            } else if query.values(name).count > 1 {
                issues.append(InvalidParam(name: name, code: "invalid", reason: "\(name) is given more than once"))
            }
        }
        return issues
    }

    /// Decimal digits only (no sign, no spaces), fitting in an Int64.
    static func wholeNumber(_ text: String) -> Int64? {
        guard !text.isEmpty, text.utf8.count <= 19, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int64(text)
    }
}
