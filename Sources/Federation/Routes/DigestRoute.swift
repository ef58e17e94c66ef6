import Node
import Schemas

/// `GET /api/federation/v1/digest?origin=OIN`: proof of the state this node holds of one
/// origin (its own records, or a peer's replicas): the latest sequence, the number of records
/// (tombstones included) and a SHA-256 over every record's kind, id, version, deletion flag and
/// content hash. Two nodes that synced an origin to the same sequence answer the same
/// (invariant 6); an origin this node holds nothing of answers count 0.
enum DigestRoute {
    static let path = "/api/federation/v1/digest"

    struct OriginDigest: Codable, Equatable {
        let origin: String
        let sequence: Int64
        let count: Int
        let hash: String
    }

    static func register(in table: inout RouteTable, database: Database) {
        table.add(Route("GET", path, component: FederationExtension.component, access: .peerCertificate,
                        execution: .worker) { request in
            var issues = FeedQuery.unknownOrRepeated(request.query, allowed: ["origin"])
            let origin = request.query["origin"].flatMap { OIN($0) }
            if origin == nil {
                issues.append(InvalidParam(name: "origin", code: request.query["origin"] == nil ? "required" : "invalid",
                                           reason: "origin is the OIN of a member: 20 digits"))
            }
            guard issues.isEmpty, let origin else { throw Problem.badRequest("The query is not valid.", invalidParams: issues) }
            do {
                let digest = try database.read { try ChangeLog.digest(in: $0, origin: origin.value) }
                return .json(OriginDigest(origin: origin.value, sequence: digest.sequence, count: digest.count, hash: digest.hash))
            } catch StoreError.busy {
                throw Problem.serviceUnavailable("The node's database is busy; try again shortly.", retryAfterSeconds: 1)
            }
        })
    }
}
