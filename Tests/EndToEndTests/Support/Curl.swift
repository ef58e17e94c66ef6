import Foundation

/// One HTTP exchange made with the curl command-line tool over real TLS.
struct HTTPResult {
    let status: Int
    /// Lowercased names; the last value wins.
    let headers: [String: String]
    let body: Data

    var json: [String: Any]? { try? JSONSerialization.jsonObject(with: body) as? [String: Any] }
    var text: String { String(decoding: body, as: UTF8.self) }
}

enum Curl {
    enum ClientCertificate {
        case none
        case member
        case foreign
        /// A node's own certificate and key, e.g. `DATA/tls/node.crt` and `node.key`.
        case files(certificate: String, key: String)
    }

    static func request(
        _ node: NodeProcess, _ path: String, method: String = "GET", headers: [String] = [], body: String? = nil,
        certificate: ClientCertificate = .none, extra: [String] = []
    ) throws -> HTTPResult {
        let pki = try TestPKI.shared()
        var arguments = ["-sS", "-i", "--max-time", "20", "--cacert", pki.trustAnchor, "-X", method]
        switch certificate {
        case .none: break
        case .member: arguments += ["--cert", pki.memberCertificate, "--key", pki.memberKey]
        case .foreign: arguments += ["--cert", pki.foreignCertificate, "--key", pki.foreignKey]
        case .files(let certificate, let key): arguments += ["--cert", certificate, "--key", key]
        }
        for header in headers { arguments += ["-H", header] }
        if let body { arguments += ["--data-binary", body] }
        if method == "HEAD" { arguments += ["-I"] }
        arguments += extra
        arguments.append(node.baseURL + path)
        let result = try Run.tool("curl", arguments)
        guard result.status == 0 else { throw HarnessError.commandFailed("curl \(path): \(result.errors)") }
        return try parse(Data(result.output.utf8))
    }

    /// Splits curl's `-i` output into the final status line, headers and body (skipping any
    /// `100 Continue` interim responses).
    static func parse(_ output: Data) throws -> HTTPResult {
        var rest = output
        let separator = Data("\r\n\r\n".utf8)
        while true {
            guard let range = rest.range(of: separator) else { throw HarnessError.commandFailed("no HTTP head in curl output") }
            let head = String(decoding: rest[rest.startIndex..<range.lowerBound], as: UTF8.self)
            rest = Data(rest[range.upperBound...])
            let lines = head.components(separatedBy: "\r\n")
            let status = Int(lines[0].split(separator: " ")[1]) ?? 0
            if status == 100 { continue }
            var headers: [String: String] = [:]
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            return HTTPResult(status: status, headers: headers, body: rest)
        }
    }
}
