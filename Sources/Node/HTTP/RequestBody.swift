import Foundation

extension Request {
    /// The body of a request that must be JSON: 415 for any other media type, 400 for an empty body.
    public func jsonBody() throws -> Data {
        guard let contentType = headers["Content-Type"], MediaType.isJSON(contentType) else {
            throw Problem(status: .unsupportedMediaType, code: "unsupported-media-type",
                          detail: "Send the body as application/json.")
        }
        guard !body.isEmpty else { throw Problem.badRequest("The request body is empty; a JSON object is expected.") }
        return Data(body)
    }

    /// Rejects query keys a route does not know, as the conventions (vng-api-common) ask.
    public func checkQueryKeys(allowed: Set<String>, issues: inout [InvalidParam]) {
        for name in query.names.subtracting(allowed).sorted() {
            issues.append(InvalidParam(name: name, code: "unknown-parameter",
                                       reason: "unknown query parameter; known: \(allowed.sorted().joined(separator: ", "))"))
        }
    }
}

/// Media-type checks on `Content-Type` and `Accept` values.
public enum MediaType {
    /// `application/json`, with or without parameters such as `charset=utf-8`.
    public static func isJSON(_ value: String) -> Bool {
        essence(value) == "application/json"
    }

    /// Whether an `Accept` header admits `produced` (exact, `type/*` or `*/*`, any q above zero).
    public static func accepts(_ accept: String, _ produced: String) -> Bool {
        let producedEssence = essence(produced)
        let producedType = producedEssence.split(separator: "/").first.map(String.init) ?? ""
        for range in accept.split(separator: ",") {
            let parameters = range.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            let candidate = parameters.first?.lowercased() ?? ""
            let zeroQuality = parameters.dropFirst().contains { $0.replacingOccurrences(of: " ", with: "") .lowercased() == "q=0" }
            if zeroQuality { continue }
            if candidate == "*/*" || candidate == producedEssence || candidate == producedType + "/*" { return true }
        }
        return false
    }

    /// `type/subtype`, lowercased, without parameters; trimmed by bytes, since every request with
    /// a body or an `Accept` comes here and Foundation's trimming bridges through NSString.
    static func essence(_ value: String) -> String {
        let bytes = Array(value.utf8)
        let mediaType = bytes.split(separator: HTTPSyntax.semicolon, maxSplits: 1, omittingEmptySubsequences: false).first ?? []
        return String(decoding: HTTPSyntax.trimmingWhitespace(mediaType), as: UTF8.self).lowercased()
    }
}
