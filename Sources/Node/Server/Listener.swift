import CSystem
import Foundation
import Glibc

/// The listening TCP socket. Non-blocking, so that every event loop can add it to its epoll set
/// with `EPOLLEXCLUSIVE` and the kernel wakes one loop per burst of new connections.
final class Listener: Sendable {
    let descriptor: Int32
    let address: ListenAddress

    init(_ requested: ListenAddress, backlog: Int32) throws(ServerError) {
        let family = requested.isIPv6 ? AF_INET6 : AF_INET
        let socketDescriptor = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard socketDescriptor >= 0 else { throw .system(call: "socket", errno: errno) }
        do throws(ServerError) {
            var enable: Int32 = 1
            setsockopt(socketDescriptor, SOL_SOCKET, SO_REUSEADDR, &enable, socklen_t(MemoryLayout<Int32>.size))
            let port: UInt16
            if requested.isIPv6 {
                var address = sockaddr_in6()
                address.sin6_family = sa_family_t(AF_INET6)
                address.sin6_port = requested.port.bigEndian
                guard inet_pton(AF_INET6, requested.host, &address.sin6_addr) == 1 else {
                    throw .invalidListenAddress(requested.description)
                }
                try Self.bind(socketDescriptor, &address)
                var bound = sockaddr_in6()
                try Self.boundAddress(socketDescriptor, &bound)
                port = UInt16(bigEndian: bound.sin6_port)
            } else {
                var address = sockaddr_in()
                address.sin_family = sa_family_t(AF_INET)
                address.sin_port = requested.port.bigEndian
                guard inet_pton(AF_INET, requested.host, &address.sin_addr) == 1 else {
                    throw .invalidListenAddress(requested.description)
                }
                try Self.bind(socketDescriptor, &address)
                var bound = sockaddr_in()
                try Self.boundAddress(socketDescriptor, &bound)
                port = UInt16(bigEndian: bound.sin_port)
            }
            guard listen(socketDescriptor, backlog) == 0 else { throw .system(call: "listen", errno: errno) }
            descriptor = socketDescriptor
            address = ListenAddress(host: requested.host, port: port)
        } catch {
            Glibc.close(socketDescriptor)
            throw error
        }
    }

    func close() {
        Glibc.close(descriptor)
    }

    private static func bind<Address>(_ descriptor: Int32, _ address: inout Address) throws(ServerError) {
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(descriptor, $0, socklen_t(MemoryLayout<Address>.size))
            }
        }
        guard result == 0 else { throw .system(call: "bind", errno: errno) }
    }

    private static func boundAddress<Address>(_ descriptor: Int32, _ address: inout Address) throws(ServerError) {
        var length = socklen_t(MemoryLayout<Address>.size)
        let result = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard result == 0 else { throw .system(call: "getsockname", errno: errno) }
    }
}
