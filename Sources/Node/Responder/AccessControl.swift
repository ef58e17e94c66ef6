import Foundation

/// Checks an integrator's bearer token. The store-backed implementation keeps only salted hashes;
/// this protocol lets the responder stay blind to where keys live.
public protocol APIKeyVerifier: Sendable {
    /// The key's identity, or nil when the token is unknown or revoked.
    func verify(token: String) throws -> APIKeyIdentity?
    /// The identity `verify` would return, when it is known without blocking (the key was
    /// verified a moment ago and nothing changed since); nil when only `verify` can tell. It lets
    /// a request whose key is known run on the event loop instead of waiting for a worker.
    func recentlyVerified(token: String) -> APIKeyIdentity?
}

extension APIKeyVerifier {
    public func recentlyVerified(token: String) -> APIKeyIdentity? { nil }
}

/// Decides whether a peer that presented a certificate chaining to the trust anchor may call
/// federation routes. The federation layer answers from the signed member directory, and on the
/// registry from its own members table, so an answer may block on SQLite: that is why
/// `.peerCertificate` routes run on workers. Any failure to decide must answer false.
public protocol PeerAuthorizer: Sendable {
    func isActiveMember(_ peer: PeerIdentity) -> Bool
}

/// For a node with no registry configured (a standalone node): any certificate issued by the
/// trust anchor that names an OIN is a member.
public struct TrustAnchorPeerAuthorizer: PeerAuthorizer {
    public init() {}

    public func isActiveMember(_ peer: PeerIdentity) -> Bool { peer.oin != nil }
}

/// Enforces a route's declared access before its handler runs.
struct AccessControl: Sendable {
    let apiKeys: (any APIKeyVerifier)?
    let peers: any PeerAuthorizer

    func authorize(_ request: inout Request, for access: RouteAccess) throws {
        switch access {
        case .open:
            return
        case .apiKey(let scope):
            request.apiKey = try verifiedKey(request, grantingAnyOf: [scope])
        case .apiKeyWithAnyScope(let scopes):
            request.apiKey = try verifiedKey(request, grantingAnyOf: scopes)
        case .peerCertificate:
            guard let peer = request.peer, peers.isActiveMember(peer) else {
                throw Problem.forbidden("This federation operation needs the client certificate of an active member.")
            }
        }
    }

    /// Grants access without blocking when it can: an open route, or a key verified a moment ago
    /// that holds one of the route's scopes. False means only `authorize` can decide (a key not
    /// seen lately, a refusal to render, a peer to look up), which may block, so on a worker.
    func authorizeWithoutBlocking(_ request: inout Request, for access: RouteAccess) -> Bool {
        let scopes: [String]
        switch access {
        case .open: return true
        case .apiKey(let scope): scopes = [scope]
        case .apiKeyWithAnyScope(let anyOf): scopes = anyOf
        case .peerCertificate: return false
        }
        guard let token = bearerToken(in: request.headers), let identity = apiKeys?.recentlyVerified(token: token),
              scopes.contains(where: identity.scopes.contains) else { return false }
        request.apiKey = identity
        return true
    }

    /// The request's API key: 401 when absent or unknown, 403 when it holds none of `scopes`.
    private func verifiedKey(_ request: Request, grantingAnyOf scopes: [String]) throws -> APIKeyIdentity {
        guard let token = bearerToken(in: request.headers) else {
            throw Problem.unauthorized("This operation needs an API key in the Authorization header (Bearer).")
        }
        guard let apiKeys, let identity = try apiKeys.verify(token: token) else {
            throw Problem.unauthorized("The API key is not valid.")
        }
        guard scopes.contains(where: identity.scopes.contains) else {
            let needed = scopes.count == 1 ? "the scope \(scopes[0])" : "one of the scopes \(scopes.joined(separator: ", "))"
            throw Problem.forbidden("The API key lacks \(needed).")
        }
        return identity
    }

    private func bearerToken(in headers: HTTPHeaders) -> String? {
        guard let value = headers["Authorization"] else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        // Trimmed by bytes: this runs on every keyed request, and Foundation's trimming bridges
        // through NSString.
        let token = String(decoding: HTTPSyntax.trimmingWhitespace(Array(parts[1].utf8)[...]), as: UTF8.self)
        return token.isEmpty ? nil : token
    }
}
