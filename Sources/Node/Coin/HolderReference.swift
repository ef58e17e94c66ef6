/// The pseudonymous reference by which an integrator names a resident or a merchant: 1 to 64
/// letters, digits, `.`, `_` or `-`, starting with a letter or digit (so it can sit in an account
/// id and a URL path unescaped), and nothing that looks like personal data (see
/// `PersonalDataDetector`). Case is kept: `R-1` and `r-1` are different holders.
public enum HolderReference {
    /// Nil when `value` is acceptable, else the reason for `invalidParams`.
    public static func problem(with value: String) -> String? {
        if let finding = PersonalDataDetector.findInReference(value) {
            return finding.reason
        }
        guard !value.isEmpty, value.utf8.count <= CoinLimits.maxHolderReferenceLength else {
            return "must be 1 to \(CoinLimits.maxHolderReferenceLength) characters long"
        }
        guard let first = value.utf8.first, isAlphanumeric(first),
              value.utf8.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") })
        else {
            return "must be letters, digits, '.', '_' or '-', starting with a letter or digit"
        }
        return nil
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }
}
