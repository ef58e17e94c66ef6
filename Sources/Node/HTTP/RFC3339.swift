import Foundation
import Glibc

/// RFC 3339 timestamps in UTC with an uppercase `T` and `Z` and millisecond precision, as the API
/// conventions require in responses and logs. Formatted by hand from `gmtime_r` into bytes: it runs
/// for every log line, and Foundation's formatters cost far more than this needs.
public enum RFC3339 {
    public static func string(from date: Date) -> String {
        let totalMilliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        var (seconds, milliseconds) = totalMilliseconds.quotientAndRemainder(dividingBy: 1000)
        if milliseconds < 0 {
            seconds -= 1
            milliseconds += 1000
        }
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        DecimalDigits.append(Int(parts.tm_year) + 1900, width: 4, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        DecimalDigits.append(Int(parts.tm_mon) + 1, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        DecimalDigits.append(Int(parts.tm_mday), width: 2, to: &bytes)
        bytes.append(UInt8(ascii: "T"))
        DecimalDigits.append(Int(parts.tm_hour), width: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        DecimalDigits.append(Int(parts.tm_min), width: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        DecimalDigits.append(Int(parts.tm_sec), width: 2, to: &bytes)
        bytes.append(UInt8(ascii: "."))
        DecimalDigits.append(Int(milliseconds), width: 3, to: &bytes)
        bytes.append(UInt8(ascii: "Z"))
        return String(decoding: bytes, as: UTF8.self)
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
