/// A YAML document that could not be read, with the place it went wrong. Lines and columns
/// count from 1; a column counts Unicode scalars from the start of its line.
public struct YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    public let line: Int
    public let column: Int
    public let message: String

    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "line \(line), column \(column): \(message)" }
}

/// How a scalar was written. The reader resolves no types (YAML's core schema would turn `1.10`
/// into a number and `no` into false); consumers decide, knowing what a field means. `isNull`
/// applies the core schema's null rule to plain scalars only.
public enum YAMLScalarStyle: Sendable, Equatable {
    case plain
    case singleQuoted
    case doubleQuoted
    /// `|`
    case literal
    /// `>`
    case folded
}

public struct YAMLMappingEntry: Sendable, Equatable {
    public let key: String
    public let value: YAMLNode

    public init(key: String, value: YAMLNode) {
        self.key = key
        self.value = value
    }
}

public indirect enum YAMLNode: Sendable, Equatable {
    case scalar(String, YAMLScalarStyle)
    case sequence([YAMLNode])
    /// Entries in document order; keys are unique (the reader refuses duplicates).
    case mapping([YAMLMappingEntry])

    /// An empty value, `~` or `null` written plain: YAML's null.
    public var isNull: Bool {
        guard case .scalar(let text, .plain) = self else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(text)
    }

    /// The text of a scalar that is not null.
    public var string: String? {
        guard case .scalar(let text, _) = self, !isNull else { return nil }
        return text
    }

    /// The value under `key` in a mapping; nil for a missing key or anything but a mapping.
    public subscript(key: String) -> YAMLNode? {
        guard case .mapping(let entries) = self else { return nil }
        return entries.first { $0.key == key }?.value
    }

    static let null = YAMLNode.scalar("", .plain)
}
