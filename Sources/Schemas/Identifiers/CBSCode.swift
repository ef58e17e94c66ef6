/// The four-digit municipality code of Statistics Netherlands (CBS), e.g. Heerlen `0917`.
/// It is a string, never a number: the leading zero is part of the code.
public struct CBSCode: Hashable, Sendable, Codable, CustomStringConvertible {
    public static let digitCount = 4

    public let value: String

    public init?(_ text: String) {
        guard text.utf8.count == CBSCode.digitCount, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            return nil
        }
        value = text
    }

    public var description: String { value }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let code = CBSCode(text) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath, debugDescription: "a CBS code is exactly 4 digits"))
        }
        self = code
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
