import COpenSSL

/// One server-side TLS connection (`SSL*`) over a non-blocking socket. Owned by exactly one
/// connection on one event loop; never shared.
final class TLSSession {
    /// What a non-blocking TLS call asks the caller to do next.
    enum IOResult: Equatable {
        case done(Int)
        case wantRead
        case wantWrite
        /// The peer closed the TLS session (close_notify).
        case closed
        case failed(reason: HandshakeFailureReason)
    }

    private let handle: OpaquePointer

    init?(context: TLSContext, socket: Int32) {
        guard let ssl = SSL_new(context.handle) else { return nil }
        handle = ssl
        guard SSL_set_fd(ssl, socket) == 1 else { return nil }
        SSL_set_accept_state(ssl)
    }

    deinit {
        SSL_free(handle)
    }

    func handshake() -> IOResult {
        OpenSSLError.discardQueue()
        let result = SSL_do_handshake(handle)
        return result == 1 ? .done(0) : classify(result)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> IOResult {
        OpenSSLError.discardQueue()
        let result = SSL_read(handle, buffer.baseAddress, Int32(buffer.count))
        return result > 0 ? .done(Int(result)) : classify(result)
    }

    func write(_ bytes: UnsafeRawBufferPointer) -> IOResult {
        OpenSSLError.discardQueue()
        let result = SSL_write(handle, bytes.baseAddress, Int32(bytes.count))
        return result > 0 ? .done(Int(result)) : classify(result)
    }

    /// Sends close_notify once, without waiting for the peer's; the socket is closed right after.
    func shutdown() {
        OpenSSLError.discardQueue()
        _ = SSL_shutdown(handle)
        OpenSSLError.discardQueue()
    }

    /// The verified client certificate's identity. OpenSSL has already checked the chain during the
    /// handshake (SSL_VERIFY_PEER fails it otherwise), so a certificate present here is trusted.
    func peerIdentity() -> PeerIdentity? {
        guard SSL_get_verify_result(handle) == X509_V_OK, let certificate = SSL_get0_peer_certificate(handle) else {
            return nil
        }
        return CertificateIdentity.identity(of: certificate)
    }

    private func classify(_ result: Int32) -> IOResult {
        let error = SSL_get_error(handle, result)
        switch error {
        case SSL_ERROR_WANT_READ:
            return .wantRead
        case SSL_ERROR_WANT_WRITE:
            return .wantWrite
        case SSL_ERROR_ZERO_RETURN:
            return .closed
        default:
            let failure = OpenSSLError(operation: "TLS")
            return .failed(reason: HandshakeFailureReason(reasonCode: failure.firstReason, sslError: error))
        }
    }
}

@available(*, unavailable)
extension TLSSession: Sendable {}

/// Why a TLS connection failed, as a small fixed set of metric labels.
public enum HandshakeFailureReason: String, Sendable, Equatable {
    case unsupportedProtocol = "unsupported_protocol"
    case certificateRejected = "certificate_rejected"
    case noSharedCipher = "no_shared_cipher"
    case plainHTTP = "plain_http"
    case notTLS = "not_tls"
    case connectionClosed = "connection_closed"
    case timeout = "timeout"
    case other = "other"

    init(reasonCode: Int32, sslError: Int32) {
        switch reasonCode {
        case SSL_R_UNSUPPORTED_PROTOCOL, SSL_R_VERSION_TOO_LOW, SSL_R_UNKNOWN_PROTOCOL:
            self = .unsupportedProtocol
        case SSL_R_CERTIFICATE_VERIFY_FAILED, SSL_R_NO_CERTIFICATES_RETURNED, SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE:
            self = .certificateRejected
        case SSL_R_NO_SHARED_CIPHER, SSL_R_NO_SHARED_GROUPS:
            self = .noSharedCipher
        case SSL_R_HTTP_REQUEST, SSL_R_HTTPS_PROXY_REQUEST:
            self = .plainHTTP
        case SSL_R_WRONG_VERSION_NUMBER, SSL_R_PACKET_LENGTH_TOO_LONG, SSL_R_RECORD_LENGTH_MISMATCH:
            self = .notTLS
        case 0 where sslError == SSL_ERROR_SYSCALL:
            self = .connectionClosed
        default:
            self = .other
        }
    }
}
