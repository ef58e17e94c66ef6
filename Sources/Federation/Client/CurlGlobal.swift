import CCurl

/// libcurl's process-wide set-up. `curl_global_init` is not thread-safe and must run once before
/// any easy handle exists; a Swift `static let` is initialised exactly once under a lock
/// (`swift_once`), which is exactly that guarantee.
enum CurlGlobal {
    private static let setUp: PeerClientError? = {
        let code = curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        guard code == CURLE_OK else {
            return .setup(step: "curl_global_init", code: Int(code.rawValue), message: String(cString: curl_easy_strerror(code)))
        }
        // The peer check hooks into OpenSSL's handshake through CURLOPT_SSL_CTX_FUNCTION, which
        // only an OpenSSL-backed libcurl offers (libcurl4-openssl-dev on Debian). A GnuTLS build
        // would silently ignore the hook, so it is refused here instead.
        guard let info = kp_curl_version_info(), let ssl = info.pointee.ssl_version,
              String(cString: ssl).hasPrefix("OpenSSL/") else {
            return .setup(step: "curl_version_info", code: 0,
                          message: "libcurl is not built with OpenSSL; install libcurl4-openssl-dev's libcurl")
        }
        return nil
    }()

    /// Runs the set-up on first use and reports its failure on every use.
    static func ensureInitialised() throws(PeerClientError) {
        if let failure = setUp { throw failure }
    }
}
