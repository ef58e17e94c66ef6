import COpenSSL
import Foundation

/// The server's `SSL_CTX`: built once at start-up (it reads the certificate, key and trust anchor
/// files) and shared by every connection. OpenSSL makes a configured `SSL_CTX` safe to use from
/// several threads for creating connections, which is all we do with it after `init`.
public final class TLSContext: @unchecked Sendable {
    /// TLS 1.2 suites: ECDHE with ECDSA and AEAD only (NCSC "good"); TLS 1.3 suites are all AEAD.
    static let tls12Ciphers = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305"
    static let groups = "X25519:P-256:P-384"

    let handle: OpaquePointer

    /// - Parameters:
    ///   - certificateChainPath: PEM, the node's certificate first, then any intermediates.
    ///   - privateKeyPath: PEM private key matching the certificate.
    ///   - trustAnchorPath: PEM CA certificate(s) that client certificates must chain to.
    public init(certificateChainPath: String, privateKeyPath: String, trustAnchorPath: String) throws(OpenSSLError) {
        OpenSSLError.discardQueue()
        guard let context = SSL_CTX_new(TLS_server_method()) else { throw OpenSSLError(operation: "SSL_CTX_new") }
        handle = context
        // From here on `deinit` frees the context on every failure path.
        guard kp_SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION) == 1,
              kp_SSL_CTX_set_max_proto_version(context, TLS1_3_VERSION) == 1
        else { throw OpenSSLError(operation: "setting TLS versions") }
        kp_SSL_CTX_set_server_options(context)
        guard SSL_CTX_set_cipher_list(context, Self.tls12Ciphers) == 1 else {
            throw OpenSSLError(operation: "SSL_CTX_set_cipher_list")
        }
        guard kp_SSL_CTX_set1_groups_list(context, Self.groups) == 1 else {
            throw OpenSSLError(operation: "SSL_CTX_set1_groups_list")
        }
        // Partial writes and a moving write buffer let a non-blocking writer retry from its own
        // buffer; released buffers keep ten thousand idle connections small.
        _ = kp_SSL_CTX_set_mode(context, Int(SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER
            | SSL_MODE_RELEASE_BUFFERS))
        // Without read-ahead OpenSSL reads each record with two system calls, its 5-byte header
        // and then its body; with it, one read takes in whatever has arrived. Bytes read ahead
        // wait in OpenSSL's buffer, which `Connection` drains before it waits for readiness.
        kp_SSL_CTX_set_read_ahead(context, 1)
        guard SSL_CTX_use_certificate_chain_file(context, certificateChainPath) == 1 else {
            throw OpenSSLError(operation: "loading certificate \(certificateChainPath)")
        }
        guard SSL_CTX_use_PrivateKey_file(context, privateKeyPath, SSL_FILETYPE_PEM) == 1 else {
            throw OpenSSLError(operation: "loading private key \(privateKeyPath)")
        }
        guard SSL_CTX_check_private_key(context) == 1 else {
            throw OpenSSLError(operation: "checking that the private key matches the certificate")
        }
        guard SSL_CTX_load_verify_locations(context, trustAnchorPath, nil) == 1 else {
            throw OpenSSLError(operation: "loading trust anchor \(trustAnchorPath)")
        }
        guard let clientCAs = SSL_load_client_CA_file(trustAnchorPath) else {
            throw OpenSSLError(operation: "reading client CA names from \(trustAnchorPath)")
        }
        SSL_CTX_set_client_CA_list(context, clientCAs)  // takes ownership of the list
        // Always ask for a client certificate and verify any that is presented against the trust
        // anchor; whether one is required is a per-route decision (public reads need none).
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        SSL_CTX_set_verify_depth(context, 4)
        let sessionContext = Array("knooppunt".utf8)
        _ = SSL_CTX_set_session_id_context(context, sessionContext, UInt32(sessionContext.count))
    }

    deinit {
        SSL_CTX_free(handle)
    }
}
