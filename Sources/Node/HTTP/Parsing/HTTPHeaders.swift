/// The header fields of a request or response: ordered `(name, value)` pairs, names as sent.
///
/// Order and case are kept because repeated fields are only meaningful in order (RFC 9110 5.3) and
/// logs should show what the peer wrote; lookups still match names case-insensitively, as RFC 9110
/// 5.1 requires. Lookups are linear: a head holds at most `HTTPParseLimits.maxHeaderCount` fields,
/// too few for a dictionary to pay for itself.
public struct HTTPHeaders: Sendable, Equatable, Sequence {
    fileprivate struct Field: Sendable, Equatable {
        var name: String
        var value: String
    }

    private var fields: [Field]

    public init(_ pairs: [(name: String, value: String)] = []) {
        fields = pairs.map { Field(name: $0.name, value: $0.value) }
    }

    /// The first value of the field `name`.
    public subscript(name: String) -> String? {
        fields.first { Self.matches($0, name) }?.value
    }

    /// Every value of the field `name`, in order: callers that must refuse repeats (Host,
    /// Content-Length) need to see them all.
    public func values(_ name: String) -> [String] {
        fields.filter { Self.matches($0, name) }.map(\.value)
    }

    public func contains(_ name: String) -> Bool {
        fields.contains { Self.matches($0, name) }
    }

    public mutating func add(_ name: String, _ value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Removes every field called `name`, then adds one: for fields that must occur once.
    public mutating func replace(_ name: String, _ value: String) {
        fields.removeAll { Self.matches($0, name) }
        add(name, value)
    }

    public var count: Int { fields.count }

    public func makeIterator() -> Iterator {
        Iterator(fields: fields.makeIterator())
    }

    public struct Iterator: IteratorProtocol {
        fileprivate var fields: IndexingIterator<[Field]>

        public mutating func next() -> (name: String, value: String)? {
            fields.next().map { ($0.name, $0.value) }
        }
    }

    private static func matches(_ field: Field, _ name: String) -> Bool {
        HTTPSyntax.equalsIgnoringASCIICase(field.name.utf8, name.utf8)
    }
}
