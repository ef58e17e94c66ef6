import Foundation

/// Strong entity tags for shared records and the `If-Match` / `If-None-Match` rules of RFC 9110
/// section 13.1.
///
/// The tag is a hash of the record's canonical bytes rather than its version number: a version
/// number can come back with other content (an origin restored from a backup writes "version 3"
/// again), and a client's `If-Match` must never match a representation it has not seen.
public enum EntityTag {
    /// Hex digits of SHA-256 kept in a tag: 128 bits, ample against accidental collisions.
    static let hexDigits = 32

    /// The quoted tag, e.g. `"9f86d081884c7d659a2feaa0c55ad015"`.
    public static func of(_ canonicalBytes: [UInt8]) -> String {
        of(sha256Hex: Digest.sha256Hex(canonicalBytes))
    }

    /// The same from the bytes' hex SHA-256, for a caller that needs the hash itself too.
    static func of(sha256Hex: String) -> String {
        "\"" + String(sha256Hex.prefix(hexDigits)) + "\""
    }

    /// A parsed `If-Match` or `If-None-Match` field: `*`, or a list of entity tags.
    public enum Condition: Sendable, Equatable {
        case any
        /// The tags as sent, quotes included; `isWeak` per tag.
        case tags([(tag: String, isWeak: Bool)])

        public static func == (lhs: Condition, rhs: Condition) -> Bool {
            switch (lhs, rhs) {
            case (.any, .any): true
            case (.tags(let left), .tags(let right)):
                left.elementsEqual(right) { $0.tag == $1.tag && $0.isWeak == $1.isWeak }
            default: false
            }
        }

        /// Parses `*` or `#entity-tag` (`"abc"`, `W/"abc"`, comma-separated). Nil when the field
        /// is malformed: RFC 9110 asks a server to treat an unparseable condition as failed, which
        /// the callers do by answering 412 (If-Match) or by ignoring it (If-None-Match).
        public init?(parsing field: String) {
            let trimmed = field.trimmingCharacters(in: .whitespaces)
            if trimmed == "*" {
                self = .any
                return
            }
            var tags: [(tag: String, isWeak: Bool)] = []
            var rest = Substring(trimmed)
            while !rest.isEmpty {
                var isWeak = false
                if rest.hasPrefix("W/") {
                    isWeak = true
                    rest = rest.dropFirst(2)
                }
                guard rest.first == "\"", let close = rest.dropFirst().firstIndex(of: "\"") else { return nil }
                let tag = rest[rest.startIndex...close]
                // etagc: %x21 / %x23-7E / obs-text; no quotes or spaces inside.
                guard tag.dropFirst().dropLast().unicodeScalars.allSatisfy({ $0.value == 0x21 || (0x23...0x7E).contains($0.value) || $0.value >= 0x80 })
                else { return nil }
                tags.append((String(tag), isWeak))
                rest = rest[rest.index(after: close)...].drop { $0 == " " || $0 == "\t" }
                if rest.isEmpty { break }
                guard rest.first == "," else { return nil }
                rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" }
            }
            guard !tags.isEmpty else { return nil }
            self = .tags(tags)
        }

        /// `If-Match` uses the strong comparison: a weak tag never matches.
        public func matchesStrongly(_ current: String) -> Bool {
            switch self {
            case .any: true
            case .tags(let tags): tags.contains { !$0.isWeak && $0.tag == current }
            }
        }

        /// `If-None-Match` uses the weak comparison: `W/"x"` matches `"x"`.
        public func matchesWeakly(_ current: String) -> Bool {
            switch self {
            case .any: true
            case .tags(let tags): tags.contains { $0.tag == current }
            }
        }
    }
}
