import Node

/// `GET /api/federation/v1/peer`: tells a member how this node sees its client certificate. An
/// operator setting up mutual TLS uses it to check that the peer's certificate is accepted and
/// carries the right OIN before any data moves.
enum PeerRoute {
    struct PeerView: Encodable {
        let oin: String
        let commonName: String?
        let publicKeySha256: String
    }

    static func register(in table: inout RouteTable) {
        table.add(Route("GET", "/api/federation/v1/peer", component: FederationExtension.component,
                        access: .peerCertificate, execution: .worker) { request in
            guard let peer = request.peer, let oin = peer.oin else {
                preconditionFailure("peerCertificate access admitted a request without a member certificate")
            }
            return .json(PeerView(oin: oin, commonName: peer.commonName, publicKeySha256: peer.publicKeySHA256))
        })
    }
}
