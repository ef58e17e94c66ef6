import Foundation
import Glibc
import Synchronization

/// Writes a response head and body as HTTP/1.1 bytes. `Content-Length`, `Connection` and `Date`
/// are the transport's to set, so handlers cannot get framing wrong. Built directly as bytes: this
/// runs for every response.
enum ResponseSerializer {
    static func serialize(_ response: Response, keepAlive: Bool, omitBody: Bool) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(512 + (omitBody ? 0 : response.body.count))
        bytes.append(contentsOf: "HTTP/1.1 ".utf8)
        DecimalDigits.append(response.status.code, width: 3, to: &bytes)
        bytes.append(UInt8(ascii: " "))
        bytes.appendUTF8(response.status.reason)
        bytes.append(contentsOf: crlf)
        for (name, value) in response.headers where !isFramingHeader(name) {
            bytes.appendUTF8(name)
            bytes.append(contentsOf: colonSpace)
            bytes.appendUTF8(value)
            bytes.append(contentsOf: crlf)
        }
        bytes.append(contentsOf: HTTPDate.current())
        let mayHaveBody = response.status.code != 204 && response.status.code != 304 && response.status.code >= 200
        if mayHaveBody {
            bytes.append(contentsOf: "Content-Length: ".utf8)
            DecimalDigits.append(response.body.count, width: 1, to: &bytes)
            bytes.append(contentsOf: crlf)
        }
        if !keepAlive {
            bytes.append(contentsOf: "Connection: close\r\n".utf8)
        }
        bytes.append(contentsOf: crlf)
        if mayHaveBody && !omitBody {
            bytes.append(contentsOf: response.body)
        }
        return bytes
    }

    private static let crlf: [UInt8] = [13, 10]
    private static let colonSpace: [UInt8] = [UInt8(ascii: ":"), UInt8(ascii: " ")]
    private static let framingHeaders = ["content-length", "connection", "transfer-encoding", "date"].map { Array($0.utf8) }

    /// Case-insensitive comparison on bytes, without building a lowercased copy per header.
    private static func isFramingHeader(_ name: String) -> Bool {
        let utf8 = name.utf8
        return framingHeaders.contains { framing in
            framing.count == utf8.count && zip(framing, utf8).allSatisfy { $0 == ($1 | 0x20) }
        }
    }
}

/// The `Date: <IMF-fixdate>\r\n` header line RFC 9110 requires, formatted once per second and
/// shared, as nginx does.
enum HTTPDate {
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    private static let cache = Mutex<(second: Int, line: [UInt8])>((-1, []))

    static func current() -> [UInt8] {
        let now = time(nil)
        return cache.withLock { cached in
            if cached.second != now {
                cached = (now, line(for: now))
            }
            return cached.line
        }
    }

    static func line(for seconds: Int) -> [UInt8] {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        var bytes = Array("Date: ".utf8)
        bytes.append(contentsOf: days[Int(parts.tm_wday)].utf8)
        bytes.append(contentsOf: ", ".utf8)
        DecimalDigits.append(Int(parts.tm_mday), width: 2, to: &bytes)
        bytes.append(UInt8(ascii: " "))
        bytes.append(contentsOf: months[Int(parts.tm_mon)].utf8)
        bytes.append(UInt8(ascii: " "))
        DecimalDigits.append(Int(parts.tm_year) + 1900, width: 4, to: &bytes)
        bytes.append(UInt8(ascii: " "))
        DecimalDigits.append(Int(parts.tm_hour), width: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        DecimalDigits.append(Int(parts.tm_min), width: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        DecimalDigits.append(Int(parts.tm_sec), width: 2, to: &bytes)
        bytes.append(contentsOf: " GMT\r\n".utf8)
        return bytes
    }
}
