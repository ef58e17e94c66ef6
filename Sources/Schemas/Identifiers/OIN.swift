/// An Organisatie-identificatienummer: the 20-digit number that identifies a Dutch government
/// organisation. Members of the federation are known by it, and it travels in the `serialNumber`
/// of their certificate subject, as PKIoverheid certificates carry it.
public struct OIN: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    public static let digitCount = 20

    public let value: String

    /// Accepts exactly twenty ASCII digits; anything else is not an OIN.
    public init?(_ text: String) {
        guard text.utf8.count == OIN.digitCount, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            return nil
        }
        value = text
    }

    public var description: String { value }

    public static func < (lhs: OIN, rhs: OIN) -> Bool { lhs.value < rhs.value }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let oin = OIN(text) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath, debugDescription: "an OIN is exactly 20 digits"))
        }
        self = oin
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
