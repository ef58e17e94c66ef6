/// `page` (1-based, as ZGW) and `pageSize` (default 20, at most 100) from the query string;
/// anything else is a 400 naming the parameter.
public struct PageRequest: Sendable, Equatable {
    public static let defaultSize = 20
    public static let maxSize = 100

    public let page: Int
    public let size: Int

    public init(page: Int = 1, size: Int = PageRequest.defaultSize) {
        self.page = page
        self.size = size
    }

    public var offset: Int { (page - 1) * size }

    /// Collects problems into `issues` rather than throwing, so one response lists every bad parameter.
    public static func parse(_ query: QueryParameters, issues: inout [InvalidParam]) -> PageRequest {
        var page = 1
        var size = defaultSize
        if let text = query["page"] {
            if let value = Int(text), value >= 1, value <= 1_000_000 {
                page = value
            } else {
                issues.append(InvalidParam(name: "page", code: "invalid", reason: "page is a whole number from 1"))
            }
        }
        if let text = query["pageSize"] {
            if let value = Int(text), (1...maxSize).contains(value) {
                size = value
            } else {
                issues.append(InvalidParam(name: "pageSize", code: "invalid", reason: "pageSize is a whole number from 1 to \(maxSize)"))
            }
        }
        return PageRequest(page: page, size: size)
    }
}

/// A ZGW-style page: `count`, `next`, `previous`, `results`, plus RFC 8288 `Link` relations.
public struct Page<Item: Encodable & Sendable>: Encodable, Sendable {
    public let count: Int
    public let next: String?
    public let previous: String?
    public let results: [Item]

    /// - Parameter path: the collection's path; `query` keeps the client's filters in the links.
    public init(results: [Item], count: Int, request: PageRequest, path: String, query: QueryParameters) {
        self.count = count
        self.results = results
        let lastPage = max(1, (count + request.size - 1) / request.size)
        next = request.page < lastPage ? Self.link(path, query, page: request.page + 1) : nil
        previous = request.page > 1 ? Self.link(path, query, page: min(request.page - 1, lastPage)) : nil
    }

    private enum CodingKeys: String, CodingKey {
        case count, next, previous, results
    }

    /// `next` and `previous` are always present, `null` at the ends, as ZGW clients expect.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(count, forKey: .count)
        try container.encode(next, forKey: .next)
        try container.encode(previous, forKey: .previous)
        try container.encode(results, forKey: .results)
    }

    /// The response with the `Link` header the draft pagination module asks for.
    public func response(request: PageRequest, path: String, query: QueryParameters) -> Response {
        var response = Response.json(self)
        let lastPage = max(1, (count + request.size - 1) / request.size)
        var links = ["<\(Self.link(path, query, page: 1))>; rel=\"first\"", "<\(Self.link(path, query, page: lastPage))>; rel=\"last\""]
        if let next { links.append("<\(next)>; rel=\"next\"") }
        if let previous { links.append("<\(previous)>; rel=\"prev\"") }
        response.headers.add("Link", links.joined(separator: ", "))
        return response
    }

    private static func link(_ path: String, _ query: QueryParameters, page: Int) -> String {
        var pairs = query.pairs.filter { $0.name != "page" }
        pairs.append((name: "page", value: String(page)))
        return path + "?" + pairs.map { PercentEncoding.encode($0.name) + "=" + PercentEncoding.encode($0.value) }.joined(separator: "&")
    }
}

/// Percent-encoding for query components: everything but RFC 3986 unreserved characters.
public enum PercentEncoding {
    public static func encode(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                output += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return output
    }
}
