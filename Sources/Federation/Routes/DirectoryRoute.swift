import Node

/// `GET /api/registry/v1/members`: the signed member directory, for members only (a revoked
/// member is refused by the registry's peer check before this runs). Served with a strong
/// `ETag`; a poller that sends it back in `If-None-Match` gets 304 and no body.
enum DirectoryRoute {
    static let component = APIComponent(name: "registry", version: "1.0.0")

    static func register(in table: inout RouteTable, publisher: RegistryDirectoryPublisher) {
        table.add(Route("GET", "/api/registry/v1/members", component: component, access: .peerCertificate,
                        execution: .worker) { request in
            let signed: SignedDirectory
            do {
                signed = try publisher.current()
            } catch RegistryError.emptyDirectory {
                throw Problem.serviceUnavailable("The registry lists no members yet.", retryAfterSeconds: 60)
            }
            let entityTag = signed.entityTag
            if let condition = request.headers["If-None-Match"], matches(condition, entityTag) {
                var response = Response(status: .notModified)
                response.headers.add("ETag", entityTag)
                return response
            }
            var response = Response.bytes(signed.documentBytes, contentType: "application/json")
            response.headers.add("ETag", entityTag)
            return response
        })
    }

    /// RFC 9110 §13.1.2: `*`, or any listed tag equal under weak comparison (a `W/` prefix ignored).
    static func matches(_ condition: String, _ entityTag: String) -> Bool {
        let current = entityTag.hasPrefix("W/") ? String(entityTag.dropFirst(2)) : entityTag
        for candidate in condition.split(separator: ",") {
            var tag = candidate.trimmingCharacters(in: .whitespaces)
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag = String(tag.dropFirst(2)) }
            if tag == current { return true }
        }
        return false
    }
}
