import Foundation
import Schemas

/// RFC 3339 timestamps in UTC with an uppercase `T` and `Z` and millisecond precision, as the API
/// conventions require in responses and logs: the same text records carry (`RFC3339Timestamp`).
public enum RFC3339 {
    /// For the current time and stored timestamps, which always fall within the years 0001-9999.
    public static func string(from date: Date) -> String {
        guard let text = RFC3339Timestamp.string(from: date) else {
            preconditionFailure("a timestamp outside the years 0001-9999 reached the node")
        }
        return text
    }
}

/// Zero-padded decimal digits appended to a byte buffer, without intermediate allocations: it
/// runs several times for every log line and response.
enum DecimalDigits {
    static func append(_ value: Int, width: Int, to bytes: inout [UInt8]) {
        precondition(value >= 0, "only non-negative numbers are formatted here")
        var digitCount = 1
        var probe = value / 10
        while probe > 0 {
            digitCount += 1
            probe /= 10
        }
        let total = max(width, digitCount)
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: total))
        var rest = value
        var index = start + total - 1
        repeat {
            bytes[index] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
            index -= 1
        } while rest > 0
    }
}

extension Array where Element == UInt8 {
    /// Appends a string's UTF-8 bytes with one copy when the string is stored contiguously (native
    /// Swift strings are); the generic `append(contentsOf: text.utf8)` walks it byte by byte.
    mutating func appendUTF8(_ text: String) {
        let copied: Void? = text.utf8.withContiguousStorageIfAvailable { append(contentsOf: $0) }
        if copied == nil { append(contentsOf: text.utf8) }
    }
}
