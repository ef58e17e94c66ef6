import Foundation
import Glibc

/// Writes a response head and body as HTTP/1.1 bytes. `Content-Length`, `Connection` and `Date`
/// are the transport's to set, so handlers cannot get framing wrong.
enum ResponseSerializer {
    static func serialize(_ response: Response, keepAlive: Bool, omitBody: Bool) -> [UInt8] {
        var head = "HTTP/1.1 \(response.status.code) \(response.status.reason)\r\n"
        for (name, value) in response.headers where !isFramingHeader(name) {
            head += name + ": " + value + "\r\n"
        }
        head += "Date: " + HTTPDate.now() + "\r\n"
        let mayHaveBody = response.status.code != 204 && response.status.code != 304 && response.status.code >= 200
        if mayHaveBody {
            head += "Content-Length: \(response.body.count)\r\n"
        }
        if !keepAlive {
            head += "Connection: close\r\n"
        }
        head += "\r\n"
        var bytes = Array(head.utf8)
        if mayHaveBody && !omitBody {
            bytes.append(contentsOf: response.body)
        }
        return bytes
    }

    private static func isFramingHeader(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return lowered == "content-length" || lowered == "connection" || lowered == "transfer-encoding" || lowered == "date"
    }
}

/// The IMF-fixdate form RFC 9110 requires in `Date`, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
enum HTTPDate {
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func now() -> String {
        var seconds = time(nil)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return days[Int(parts.tm_wday)] + ", " + twoDigits(parts.tm_mday) + " " + months[Int(parts.tm_mon)] + " "
            + String(parts.tm_year + 1900) + " " + twoDigits(parts.tm_hour) + ":" + twoDigits(parts.tm_min) + ":"
            + twoDigits(parts.tm_sec) + " GMT"
    }

    private static func twoDigits(_ value: Int32) -> String {
        value < 10 ? "0\(value)" : String(value)
    }
}
