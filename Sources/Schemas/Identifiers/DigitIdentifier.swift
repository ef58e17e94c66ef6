/// An identifier that is exactly a fixed number of ASCII digits, kept as a string because leading
/// zeros are part of it (CBS `0917`) and it is never arithmetic (OIN).
public protocol DigitIdentifier: Hashable, Sendable, Codable, CustomStringConvertible {
    static var digitCount: Int { get }
    /// What the identifier is called in error messages, e.g. "an OIN".
    static var kindDescription: String { get }
    var value: String { get }
    init(validated value: String)
}

extension DigitIdentifier {
    /// Accepts exactly `digitCount` ASCII digits; anything else is not this identifier.
    public init?(_ text: String) {
        guard text.utf8.count == Self.digitCount, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        self.init(validated: text)
    }

    public var description: String { value }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let identifier = Self(text) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "\(Self.kindDescription) is exactly \(Self.digitCount) digits"))
        }
        self = identifier
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
