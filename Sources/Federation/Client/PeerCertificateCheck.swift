import CCurl
import COpenSSL
import Node
import Schemas

/// Checks, inside the TLS handshake, that the peer's certificate names the expected member.
///
/// Why in the handshake: libcurl offers the peer certificate after a transfer
/// (`CURLINFO_CERTINFO`, `CURLINFO_TLS_SSL_PTR`), but by then the request, body included, has
/// already gone to whoever answered. `CURLOPT_SSL_CTX_FUNCTION` hands us each new connection's
/// `SSL_CTX` before the handshake; there `SSL_CTX_set_cert_verify_callback` replaces OpenSSL's
/// chain check with ours, which runs the normal chain check (`X509_verify_cert` against the
/// trust anchor curl loaded from `CURLOPT_CAINFO`) and then compares the leaf's OIN (subject
/// `serialNumber`) and key with the expectation. A mismatch fails the handshake, so not one
/// request byte reaches an impostor. Reused connections were checked when they were made, and
/// the client turns off TLS session resumption, on which OpenSSL would skip this callback.
///
/// One check belongs to one client and is used on that client's thread only (libcurl runs the
/// callbacks on the thread inside `curl_easy_perform`).
final class PeerCertificateCheck {
    let expectation: PeerExpectation
    /// What the last refused peer presented, for the error message; reset before each transfer.
    private(set) var refusedPresentation: String?

    init(expectation: PeerExpectation) {
        self.expectation = expectation
    }

    func resetForTransfer() {
        refusedPresentation = nil
    }

    /// The `CURLOPT_SSL_CTX_FUNCTION` callback; `context` is this check, unretained (the client
    /// keeps it alive for the whole transfer).
    static let sslContextCallback: kp_curl_ssl_ctx_callback = { _, sslContext, context in
        guard let sslContext, context != nil else { return CURLE_ABORTED_BY_CALLBACK }
        SSL_CTX_set_cert_verify_callback(OpaquePointer(sslContext), PeerCertificateCheck.verifyCallback, context)
        return CURLE_OK
    }

    /// OpenSSL's certificate verification, replaced: 1 accepts the chain, 0 fails the handshake.
    private static let verifyCallback: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Int32 = { store, context in
        guard let store, let context else { return 0 }
        let check = Unmanaged<PeerCertificateCheck>.fromOpaque(context).takeUnretainedValue()
        // The standard chain check first: a certificate that does not chain to the trust anchor
        // is refused with OpenSSL's own reason, which curl reports.
        guard X509_verify_cert(store) == 1 else { return 0 }
        // get0: the leaf belongs to the store context.
        guard let leaf = X509_STORE_CTX_get0_cert(store) else {
            X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION)
            return 0
        }
        if let refusal = check.refusal(of: leaf) {
            check.refusedPresentation = refusal
            X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION)
            return 0
        }
        return 1
    }

    /// Nil when `leaf` (borrowed) is the expected member; otherwise what it presented instead.
    private func refusal(of leaf: OpaquePointer) -> String? {
        guard let subject = X509_get_subject_name(leaf) else { return "a certificate without a subject" }
        let serialNumber = DistinguishedName.singleEntry(NID_serialNumber, in: subject)
        guard let presentedOIN = serialNumber.flatMap(OIN.init) else { return "a certificate without a single OIN" }
        guard presentedOIN == expectation.oin else { return "OIN \(presentedOIN)" }
        guard let allowed = expectation.publicKeySHA256 else { return nil }
        guard let key = X509_get0_pubkey(leaf),
              let spki = try? DER.encode(operation: "i2d_PUBKEY", { i2d_PUBKEY(key, $0) }),
              let digest = try? DER.sha256(spki) else {
            OpenSSLError.discardQueue()
            return "OIN \(presentedOIN) with an unreadable public key"
        }
        let hash = DER.lowercaseHex(digest)
        return allowed.contains(hash) ? nil : "OIN \(presentedOIN) with key \(hash), which the directory does not list"
    }
}

@available(*, unavailable)
extension PeerCertificateCheck: Sendable {}
