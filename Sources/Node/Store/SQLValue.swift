/// One SQLite value in one of its five storage classes. Values reach SQL only as bound
/// parameters, so a value can never change the meaning of a statement.
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    /// The storage class name as SQLite's `typeof()` spells it, for error messages.
    public var storageClass: String {
        switch self {
        case .null: "null"
        case .integer: "integer"
        case .real: "real"
        case .text: "text"
        case .blob: "blob"
        }
    }
}

extension SQLValue: ExpressibleByNilLiteral {
    public init(nilLiteral: ()) {
        self = .null
    }
}

extension SQLValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int64) {
        self = .integer(value)
    }
}

extension SQLValue: ExpressibleByFloatLiteral {
    public init(floatLiteral value: Double) {
        self = .real(value)
    }
}

extension SQLValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) {
        self = .text(value)
    }
}

/// A Swift type read from exactly one storage class. There is no conversion between classes:
/// a ledger amount stored as text is a bug to surface, not a value to coerce.
public protocol SQLValueDecodable {
    /// `nil` when `sqlValue` is of another storage class (NULL included).
    init?(sqlValue: SQLValue)
}

extension Int64: SQLValueDecodable {
    public init?(sqlValue: SQLValue) {
        guard case .integer(let value) = sqlValue else { return nil }
        self = value
    }
}

extension Int: SQLValueDecodable {
    public init?(sqlValue: SQLValue) {
        guard case .integer(let value) = sqlValue else { return nil }
        // Int is 64 bits on every platform the node runs on, so this never traps.
        self = Int(value)
    }
}

extension Double: SQLValueDecodable {
    public init?(sqlValue: SQLValue) {
        guard case .real(let value) = sqlValue else { return nil }
        self = value
    }
}

extension String: SQLValueDecodable {
    public init?(sqlValue: SQLValue) {
        guard case .text(let value) = sqlValue else { return nil }
        self = value
    }
}

extension Array: SQLValueDecodable where Element == UInt8 {
    public init?(sqlValue: SQLValue) {
        guard case .blob(let value) = sqlValue else { return nil }
        self = value
    }
}
