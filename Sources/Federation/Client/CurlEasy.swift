import CCurl
import Foundation

/// One libcurl easy handle. Its connection cache is how a client keeps its TLS connection to a
/// peer between calls: `curl_easy_reset` before each transfer clears the options but keeps live
/// connections, so every transfer sets all of its options afresh and nothing leaks from one
/// call into the next. Used by one thread at a time (its client's).
final class CurlEasy {
    /// What one transfer sends and how it is bounded.
    struct Transfer {
        let url: String
        let request: PeerRequest
        let connectTimeoutMilliseconds: Int
        let timeoutMilliseconds: Int
        let limits: PeerClientLimits
        let tls: PeerTLSFiles
        let check: PeerCertificateCheck
        let cancellation: CancellationSignal
    }

    /// How one transfer ended.
    enum Outcome {
        case response(PeerResponse)
        /// `code` is the CURLcode; `message` the error buffer's text (or curl's generic text).
        case failed(code: CURLcode, message: String, sink: ResponseSink)
    }

    private let handle: UnsafeMutableRawPointer  // CURL*, owned
    /// CURLOPT_ERRORBUFFER: libcurl writes the reason for a failure here during perform. Owned,
    /// and freed only after the handle that points at it.
    private let errorBuffer: UnsafeMutablePointer<CChar>

    init() throws(PeerClientError) {
        try CurlGlobal.ensureInitialised()
        guard let handle = curl_easy_init() else {
            throw .setup(step: "curl_easy_init", code: 0, message: "libcurl could not allocate an easy handle")
        }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// New connections the last transfer opened: 0 when it reused a cached one.
    var lastNewConnectionCount: Int {
        var count = 0
        return kp_curl_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &count) == CURLE_OK ? count : 0
    }

    /// Runs one transfer to completion on the calling thread (blocking).
    func perform(_ transfer: Transfer) -> Outcome {
        let sink = ResponseSink(limits: transfer.limits, cancellation: transfer.cancellation)
        transfer.check.resetForTransfer()
        errorBuffer[0] = 0
        curl_easy_reset(handle)
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        // The sink and the check are passed unretained; both live until this function returns,
        // which is after the last callback.
        return withExtendedLifetime((sink, transfer.check)) {
            if let failure = configure(transfer, sink: sink, headerList: &headerList) {
                return .failed(code: failure.code, message: "setting \(failure.option) failed", sink: sink)
            }
            let code = curl_easy_perform(handle)
            guard code == CURLE_OK else {
                return .failed(code: code, message: errorText(code), sink: sink)
            }
            var status = 0
            _ = kp_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
            return .response(PeerResponse(status: status, headers: sink.headers, body: sink.body))
        }
    }

    private struct OptionFailure {
        let option: String
        let code: CURLcode
    }

    /// Sets every option of one transfer; the first that libcurl refuses is returned.
    private func configure(_ transfer: Transfer, sink: ResponseSink,
                           headerList: inout UnsafeMutablePointer<curl_slist>?) -> OptionFailure? {
        let sinkPointer = Unmanaged.passUnretained(sink).toOpaque()
        let checkPointer = Unmanaged.passUnretained(transfer.check).toOpaque()
        var steps: [(String, () -> CURLcode)] = [
            ("ERRORBUFFER", { kp_curl_setopt_pointer(self.handle, CURLOPT_ERRORBUFFER, self.errorBuffer) }),
            ("URL", { kp_curl_setopt_string(self.handle, CURLOPT_URL, transfer.url) }),
            // https only, and no redirects: a peer that moves is moved in the directory.
            ("PROTOCOLS_STR", { kp_curl_setopt_string(self.handle, CURLOPT_PROTOCOLS_STR, "https") }),
            ("FOLLOWLOCATION", { kp_curl_setopt_long(self.handle, CURLOPT_FOLLOWLOCATION, 0) }),
            // Federation calls go straight to the peer; an http_proxy in the environment must not
            // silently put a third party in the path.
            ("PROXY", { kp_curl_setopt_string(self.handle, CURLOPT_PROXY, "") }),
            // No signals from libcurl's resolver: the node is multi-threaded.
            ("NOSIGNAL", { kp_curl_setopt_long(self.handle, CURLOPT_NOSIGNAL, 1) }),
            ("CONNECTTIMEOUT_MS", { kp_curl_setopt_long(self.handle, CURLOPT_CONNECTTIMEOUT_MS, transfer.connectTimeoutMilliseconds) }),
            ("TIMEOUT_MS", { kp_curl_setopt_long(self.handle, CURLOPT_TIMEOUT_MS, transfer.timeoutMilliseconds) }),
            // Mutual TLS: our certificate and key; the trust anchor as the only CA (no CA
            // directory, no system store); TLS 1.2 or newer with the server's own cipher list.
            ("SSLCERT", { kp_curl_setopt_string(self.handle, CURLOPT_SSLCERT, transfer.tls.certificatePath) }),
            ("SSLCERTTYPE", { kp_curl_setopt_string(self.handle, CURLOPT_SSLCERTTYPE, "PEM") }),
            ("SSLKEY", { kp_curl_setopt_string(self.handle, CURLOPT_SSLKEY, transfer.tls.privateKeyPath) }),
            ("SSLKEYTYPE", { kp_curl_setopt_string(self.handle, CURLOPT_SSLKEYTYPE, "PEM") }),
            ("CAINFO", { kp_curl_setopt_string(self.handle, CURLOPT_CAINFO, transfer.tls.trustAnchorPath) }),
            ("CAPATH", { kp_curl_setopt_string(self.handle, CURLOPT_CAPATH, nil) }),
            // The trust anchor is read again for each new connection, so a replaced file counts at once.
            ("CA_CACHE_TIMEOUT", { kp_curl_setopt_long(self.handle, CURLOPT_CA_CACHE_TIMEOUT, 0) }),
            ("SSL_VERIFYPEER", { kp_curl_setopt_long(self.handle, CURLOPT_SSL_VERIFYPEER, 1) }),
            ("SSL_VERIFYHOST", { kp_curl_setopt_long(self.handle, CURLOPT_SSL_VERIFYHOST, 2) }),
            ("SSLVERSION", { kp_curl_setopt_long(self.handle, CURLOPT_SSLVERSION, Int(CURL_SSLVERSION_TLSv1_2)) }),
            ("SSL_CIPHER_LIST", { kp_curl_setopt_string(self.handle, CURLOPT_SSL_CIPHER_LIST, Self.tls12Ciphers) }),
            // Resumed sessions skip certificate verification, and with it the member check.
            ("SSL_SESSIONID_CACHE", { kp_curl_setopt_long(self.handle, CURLOPT_SSL_SESSIONID_CACHE, 0) }),
            ("SSL_CTX_FUNCTION", { kp_curl_setopt_ssl_ctx_function(self.handle, PeerCertificateCheck.sslContextCallback) }),
            ("SSL_CTX_DATA", { kp_curl_setopt_pointer(self.handle, CURLOPT_SSL_CTX_DATA, checkPointer) }),
            // The response: body and head into the sink, bounded; progress checks cancellation.
            ("MAXFILESIZE_LARGE", { kp_curl_setopt_off_t(self.handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(transfer.limits.maxResponseBytes)) }),
            ("WRITEFUNCTION", { kp_curl_setopt_write_function(self.handle, CURLOPT_WRITEFUNCTION, ResponseSink.bodyCallback) }),
            ("WRITEDATA", { kp_curl_setopt_pointer(self.handle, CURLOPT_WRITEDATA, sinkPointer) }),
            ("HEADERFUNCTION", { kp_curl_setopt_write_function(self.handle, CURLOPT_HEADERFUNCTION, ResponseSink.headerCallback) }),
            ("HEADERDATA", { kp_curl_setopt_pointer(self.handle, CURLOPT_HEADERDATA, sinkPointer) }),
            ("NOPROGRESS", { kp_curl_setopt_long(self.handle, CURLOPT_NOPROGRESS, 0) }),
            ("XFERINFOFUNCTION", { kp_curl_setopt_xferinfo_function(self.handle, ResponseSink.progressCallback) }),
            ("XFERINFODATA", { kp_curl_setopt_pointer(self.handle, CURLOPT_XFERINFODATA, sinkPointer) }),
        ]
        steps += methodSteps(transfer.request)
        // Expect: 100-continue would stall a small POST for a second; our bodies are small.
        var lines = ["Expect:"]
        if !transfer.request.headers.contains(where: { $0.0.caseInsensitiveCompare("Accept") == .orderedSame }) {
            lines.append("Accept: application/json")
        }
        for (name, value) in transfer.request.headers {
            lines.append("\(name): \(value)")
        }
        for line in lines {
            headerList = curl_slist_append(headerList, line)
        }
        let list = headerList
        steps.append(("HTTPHEADER", { kp_curl_setopt_pointer(self.handle, CURLOPT_HTTPHEADER, list) }))
        for (option, step) in steps {
            let code = step()
            if code != CURLE_OK { return OptionFailure(option: option, code: code) }
        }
        return nil
    }

    /// The options that choose the method and carry the body. COPYPOSTFIELDS copies the bytes
    /// (POSTFIELDS would borrow them past this call); its size is set first so binary bodies
    /// with NUL bytes are sent whole.
    private func methodSteps(_ request: PeerRequest) -> [(String, () -> CURLcode)] {
        var steps: [(String, () -> CURLcode)] = []
        if request.method == "POST" || request.body != nil {
            let body = request.body ?? []
            steps.append(("POST", { kp_curl_setopt_long(self.handle, CURLOPT_POST, 1) }))
            steps.append(("POSTFIELDSIZE_LARGE", { kp_curl_setopt_off_t(self.handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)) }))
            steps.append(("COPYPOSTFIELDS", {
                body.withUnsafeBytes { bytes in
                    // An empty body still needs a valid pointer; curl copies zero bytes from it.
                    let empty: [UInt8] = [0]
                    return empty.withUnsafeBytes { fallback in
                        kp_curl_setopt_pointer(self.handle, CURLOPT_COPYPOSTFIELDS,
                                               UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? fallback.baseAddress))
                    }
                }
            }))
            // A body goes out as POST unless the method is named over it.
            if request.method != "POST" {
                steps.append(("CUSTOMREQUEST", { kp_curl_setopt_string(self.handle, CURLOPT_CUSTOMREQUEST, request.method) }))
            }
        } else if request.method == "GET" {
            steps.append(("HTTPGET", { kp_curl_setopt_long(self.handle, CURLOPT_HTTPGET, 1) }))
        } else if request.method == "HEAD" {
            steps.append(("NOBODY", { kp_curl_setopt_long(self.handle, CURLOPT_NOBODY, 1) }))
        } else {
            steps.append(("CUSTOMREQUEST", { kp_curl_setopt_string(self.handle, CURLOPT_CUSTOMREQUEST, request.method) }))
        }
        return steps
    }

    /// CURLOPT_ERRORBUFFER's text, or curl's generic text for the code when the buffer is empty.
    private func errorText(_ code: CURLcode) -> String {
        let buffered = String(cString: errorBuffer)
        return buffered.isEmpty ? String(cString: curl_easy_strerror(code)) : buffered
    }

    /// The server's TLS 1.2 suites (ECDHE-ECDSA with AEAD); TLS 1.3 suites are all AEAD.
    private static let tls12Ciphers = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305"
}

@available(*, unavailable)
extension CurlEasy: Sendable {}
