import Foundation

/// Recognises values that look like personal data, so the ledger can refuse them. The design
/// (Data: Coin) keeps holders pseudonymous: an integrator refers to a resident by a reference it
/// chose, never by name, e-mail, phone number, BSN or bank account. The ledger is append-only and
/// hash-chained, so personal data written into it could never be erased again (GDPR art. 17):
/// refusing it at the door is the only place to stop it.
///
/// The checks are deliberately simple and err on the side of refusing: a reference that happens
/// to contain nine digits passing the eleven-test is refused as a possible BSN. Integrators avoid
/// that by using random references (a UUID, or letters and digits mixed).
public enum PersonalDataDetector {
    /// What a value looks like; the `reason` goes into the problem's `invalidParams`.
    public enum Finding: Sendable, Equatable {
        case emailAddress
        case bsn
        case phoneNumber
        case iban
        case name
        case dateOfBirth
        case postcode

        public var reason: String {
            switch self {
            case .emailAddress: "looks like an e-mail address; use a pseudonymous reference"
            case .bsn: "looks like a BSN (nine digits passing the eleven-test); use a pseudonymous reference"
            case .phoneNumber: "looks like a phone number; use a pseudonymous reference"
            case .iban: "looks like an IBAN; use a pseudonymous reference"
            case .name: "looks like a person's name (words separated by spaces); use a pseudonymous reference"
            case .dateOfBirth: "looks like a date (of birth); use a pseudonymous reference"
            case .postcode: "looks like a postcode (an address); use a pseudonymous reference"
            }
        }
    }

    /// Checks an identifier-like value (a holder reference): everything below, and spaces, which
    /// no pseudonym needs but every "Firstname Lastname" has.
    public static func findInReference(_ value: String) -> Finding? {
        // A UUID is random by construction; its hex groups may happen to hold digit runs.
        if UUID(uuidString: value) != nil { return nil }
        if let finding = findInText(value) { return finding }
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if isDate(trimmed) { return .dateOfBirth }
        if isPostcode(trimmed) { return .postcode }
        if isPhoneNumberAsAWhole(trimmed) { return .phoneNumber }
        if trimmed.contains(where: \.isWhitespace) { return .name }
        return nil
    }

    /// Checks free text (a transfer's reference, a claim's note): e-mail addresses, BSNs, phone
    /// numbers and IBANs anywhere in it. Names cannot be told from ordinary words, so text with
    /// spaces passes.
    public static func findInText(_ value: String) -> Finding? {
        if containsEmailAddress(value) { return .emailAddress }
        if containsIBAN(value) { return .iban }
        for run in digitRuns(value) {
            if isBSN(run) { return .bsn }
            if isDutchPhoneNumber(run) { return .phoneNumber }
        }
        return nil
    }

    /// The eleven-test (elfproef) of the BSN: 9 digits d1…d9 with 9·d1 + 8·d2 + … + 2·d8 − d9
    /// divisible by 11. Eight-digit numbers are BSNs with the leading zero dropped.
    static func isBSN(_ digits: [UInt8]) -> Bool {
        guard digits.count == 9 || digits.count == 8 else { return false }
        let padded = digits.count == 8 ? [0] + digits : digits
        guard padded.contains(where: { $0 != 0 }) else { return false }
        var sum = 0
        for (index, digit) in padded.prefix(8).enumerated() {
            sum += (9 - index) * Int(digit)
        }
        sum -= Int(padded[8])
        return sum % 11 == 0
    }

    /// Dutch numbers: 10 digits from a leading 0 (06…, 010…), or with the country code 31 / 0031.
    static func isDutchPhoneNumber(_ digits: [UInt8]) -> Bool {
        switch digits.count {
        case 10: digits[0] == 0 && digits[1] != 0
        case 11: digits[0] == 3 && digits[1] == 1
        case 13: digits.prefix(4) == [0, 0, 3, 1]
        default: false
        }
    }

    /// Digit sequences, joining digits separated only by the punctuation people put in numbers
    /// (`06-1234 5678`, `123.456.782`), so formatting does not hide a number.
    static func digitRuns(_ value: String) -> [[UInt8]] {
        var runs: [[UInt8]] = []
        var current: [UInt8] = []
        var pendingSeparator = false
        for scalar in value.unicodeScalars {
            if isASCIIDigit(scalar) {
                current.append(UInt8(scalar.value - 0x30))
                pendingSeparator = false
            } else if !current.isEmpty && !pendingSeparator && (scalar == "-" || scalar == " " || scalar == "." || scalar == "/") {
                pendingSeparator = true
            } else {
                if !current.isEmpty { runs.append(current) }
                current = []
                pendingSeparator = false
            }
        }
        if !current.isEmpty { runs.append(current) }
        return runs
    }

    /// `local@domain.tld`, anywhere in the value.
    static func containsEmailAddress(_ value: String) -> Bool {
        for token in value.split(whereSeparator: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," || $0 == ";" }) {
            let parts = token.split(separator: "@", omittingEmptySubsequences: false)
            if parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix(".") {
                return true
            }
        }
        // "name@domain" without a dot is unusual but still an address in intent.
        return value.contains("@")
    }

    /// An IBAN (ISO 13616): country letters, check digits, 11 to 30 letters or digits, passing
    /// the mod-97 check; spaces in the printed form are ignored.
    static func containsIBAN(_ value: String) -> Bool {
        let compact = value.uppercased().filter { !$0.isWhitespace }
        let characters = Array(compact.unicodeScalars)
        guard characters.count >= 15 else { return false }
        for start in characters.indices where start + 15 <= characters.count {
            guard characters[start].properties.isUppercase, characters[start + 1].properties.isUppercase,
                  characters[start].isASCII, characters[start + 1].isASCII,
                  isASCIIDigit(characters[start + 2]), isASCIIDigit(characters[start + 3])
            else { continue }
            var end = start + 4
            while end < characters.count, end - start < 34, isASCIIAlphanumeric(characters[end]) { end += 1 }
            // Try every length an IBAN can have at this start, longest first.
            var length = end - start
            while length >= 15 {
                if passesMod97(Array(characters[start..<(start + length)])) { return true }
                length -= 1
            }
        }
        return false
    }

    private static func passesMod97(_ iban: [Unicode.Scalar]) -> Bool {
        let rearranged = iban[4...] + iban[..<4]
        var remainder = 0
        for scalar in rearranged {
            let value: Int
            if isASCIIDigit(scalar) {
                value = Int(scalar.value - 0x30)
                remainder = (remainder * 10 + value) % 97
            } else {
                value = Int(scalar.value) - 0x41 + 10
                remainder = (remainder * 100 + value) % 97
            }
        }
        return remainder == 1
    }

    /// `1985-03-12`, `12-03-1985`, `12/03/1985` with a real month and day.
    static func isDate(_ value: String) -> Bool {
        let parts = value.split(whereSeparator: { $0 == "-" || $0 == "/" || $0 == "." }).map(String.init)
        guard parts.count == 3, parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else { return false }
        let (day, month, year): (String, String, String) = parts[0].count == 4 ? (parts[2], parts[1], parts[0]) : (parts[0], parts[1], parts[2])
        guard year.count == 4, (1...2).contains(month.count), (1...2).contains(day.count),
              let monthNumber = Int(month), let dayNumber = Int(day), let yearNumber = Int(year)
        else { return false }
        return (1...12).contains(monthNumber) && (1...31).contains(dayNumber) && (1900...2100).contains(yearNumber)
    }

    /// A Dutch postcode such as `6411AB` or `6411 ab`.
    static func isPostcode(_ value: String) -> Bool {
        let compact = Array(value.filter { $0 != " " }.unicodeScalars)
        guard compact.count == 6 else { return false }
        return compact[0] != "0" && compact[..<4].allSatisfy(isASCIIDigit)
            && compact[4...].allSatisfy { $0.isASCII && $0.properties.isAlphabetic }
    }

    /// `+31 6 12345678`, `+44 20 7946 0958`, `(045) 560 4000`: a value made only of a leading
    /// plus, digits and phone punctuation, with 8 to 15 digits.
    static func isPhoneNumberAsAWhole(_ value: String) -> Bool {
        let allowed = Set("+0123456789 -.()/")
        guard value.allSatisfy(allowed.contains) else { return false }
        let digitCount = value.filter(\.isNumber).count
        return (8...15).contains(digitCount) && (value.hasPrefix("+") || value.hasPrefix("00") || value.hasPrefix("(") || value.contains(" "))
    }

    private static func isASCIIDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0x30 && scalar.value <= 0x39
    }

    private static func isASCIIAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        isASCIIDigit(scalar) || (scalar.value >= 0x41 && scalar.value <= 0x5A)
    }
}
