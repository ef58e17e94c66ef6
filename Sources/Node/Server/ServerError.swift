import Foundation
import Glibc

/// Failures of the transport that an operator must see, each naming the system call and errno.
public enum ServerError: Error, CustomStringConvertible, Sendable, Equatable {
    case system(call: String, errno: Int32)
    case invalidListenAddress(String)

    public var description: String {
        switch self {
        case .system(let call, let code):
            "\(call) failed: \(String(cString: strerror(code))) (errno \(code))"
        case .invalidListenAddress(let address):
            "invalid listen address \(address): expected HOST:PORT, e.g. 127.0.0.1:8443 or [::1]:0"
        }
    }
}
