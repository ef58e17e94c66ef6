import CCurl
import Foundation

/// Collects one response within the limits, from libcurl's callbacks (which run on the thread
/// inside `curl_easy_perform`). Returning a short count from a write callback makes libcurl
/// abort the transfer, which is how the limits stop reading before allocating more.
final class ResponseSink {
    private let limits: PeerClientLimits
    private let cancellation: CancellationSignal
    private(set) var body: [UInt8] = []
    private(set) var headers: [(String, String)] = []
    private var headBytes = 0
    private(set) var isBodyLimitExceeded = false
    private(set) var isHeadLimitExceeded = false

    init(limits: PeerClientLimits, cancellation: CancellationSignal) {
        self.limits = limits
        self.cancellation = cancellation
    }

    var isCancelled: Bool { cancellation.isCancelled }

    static let bodyCallback: kp_curl_write_callback = { data, size, count, context in
        guard let context else { return 0 }
        let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
        let length = size * count
        guard sink.body.count + length <= sink.limits.maxResponseBytes else {
            sink.isBodyLimitExceeded = true
            return 0
        }
        if let data, length > 0 {
            data.withMemoryRebound(to: UInt8.self, capacity: length) {
                sink.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
            }
        }
        return length
    }

    /// One call per header line, the status line included; a new status line (after a 1xx
    /// interim response) starts the header list over.
    static let headerCallback: kp_curl_write_callback = { data, size, count, context in
        guard let context else { return 0 }
        let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
        let length = size * count
        sink.headBytes += length
        guard sink.headBytes <= sink.limits.maxResponseHeadBytes, sink.headers.count < sink.limits.maxResponseHeaderCount,
              let data else {
            sink.isHeadLimitExceeded = true
            return 0
        }
        let line = data.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
        if line.hasPrefix("HTTP/") {
            sink.headers = []
            sink.headBytes = length
        } else if let colon = line.firstIndex(of: ":") {
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
            sink.headers.append((name, value))
        }
        return length
    }

    /// Non-zero aborts the transfer (CURLE_ABORTED_BY_CALLBACK); libcurl calls it about once a
    /// second while idle and more often while data moves.
    static let progressCallback: kp_curl_xferinfo_callback = { context, _, _, _, _ in
        guard let context else { return 1 }
        return Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue().isCancelled ? 1 : 0
    }
}

@available(*, unavailable)
extension ResponseSink: Sendable {}
