/// The headers every response carries, per the conventions' transport-security section
/// (`/core/transport/security-headers`) and `/core/version-header`.
enum StandardHeaders {
    static let security: [(String, String)] = [
        ("Cache-Control", "no-store"),
        ("Content-Security-Policy", "frame-ancestors 'none'"),
        ("Strict-Transport-Security", "max-age=31536000"),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
    ]

    static func apply(to response: inout Response, apiVersion: String, requestID: String) {
        for (name, value) in security where !response.headers.contains(name) {
            response.headers.add(name, value)
        }
        response.headers.replace("API-Version", apiVersion)
        response.headers.replace("X-Request-Id", requestID)
    }
}
