/// An Organisatie-identificatienummer: the 20-digit number that identifies a Dutch government
/// organisation. Members of the federation are known by it, and it travels in the `serialNumber`
/// of their certificate subject, as PKIoverheid certificates carry it.
public struct OIN: DigitIdentifier, Comparable {
    public static let digitCount = 20
    public static let kindDescription = "an OIN"

    public let value: String

    public init(validated value: String) {
        self.value = value
    }

    public static func < (lhs: OIN, rhs: OIN) -> Bool { lhs.value < rhs.value }
}
