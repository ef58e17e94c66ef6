import COpenSSL

/// A failed OpenSSL call and everything OpenSSL queued about it. Shared by the server's TLS code
/// and the federation's PKI.
///
/// Creating one drains the calling thread's error queue to empty: entries left behind would
/// otherwise be reported as the cause of the next, unrelated failure on this thread.
public struct OpenSSLError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The OpenSSL function (or step) that failed, e.g. `X509_sign`.
    public let operation: String
    /// Every queued entry, oldest first, as `ERR_error_string_n` renders it plus any detail
    /// text OpenSSL attached (such as the offending value).
    public let queuedErrors: [String]
    /// The reason code of the oldest queued entry (`ERR_GET_REASON`), for classifying failures.
    public let firstReason: Int32

    public init(operation: String) {
        self.operation = operation
        var entries: [String] = []
        var firstReason: Int32 = 0
        // 256 bytes: ERR_error_string_n documents 256 as always enough for one entry.
        var buffer = [CChar](repeating: 0, count: 256)
        while true {
            var data: UnsafePointer<CChar>?
            var flags: Int32 = 0
            let code = ERR_get_error_all(nil, nil, nil, &data, &flags)
            if code == 0 { break }
            if entries.isEmpty { firstReason = ERR_GET_REASON(code) }
            ERR_error_string_n(code, &buffer, buffer.count)
            var entry = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if flags & ERR_TXT_STRING != 0, let data, data.pointee != 0 {
                entry += " (\(String(cString: data)))"
            }
            entries.append(entry)
        }
        self.queuedErrors = entries
        self.firstReason = firstReason
    }

    public var description: String {
        if queuedErrors.isEmpty {
            return "\(operation) failed (OpenSSL queued no detail)"
        }
        return "\(operation) failed: " + queuedErrors.joined(separator: "; ")
    }

    /// Discards whatever is queued: before a call whose failure we classify ourselves, and after a
    /// check whose `false` answer is the whole result (a signature that does not verify), so the
    /// entries cannot blame a later call.
    public static func discardQueue() {
        ERR_clear_error()
    }
}
