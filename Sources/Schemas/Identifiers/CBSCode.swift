/// The four-digit municipality code of Statistics Netherlands (CBS), e.g. Heerlen `0917`.
public struct CBSCode: DigitIdentifier {
    public static let digitCount = 4
    public static let kindDescription = "a CBS code"

    public let value: String

    public init(validated value: String) {
        self.value = value
    }
}
