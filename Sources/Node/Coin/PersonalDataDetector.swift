/// Recognises values that look like personal data, so the ledger can refuse them. The design
/// (Data: Coin) keeps holders pseudonymous: an integrator refers to a resident by a reference it
/// chose, never by name, e-mail, phone number, BSN or bank account. The ledger is append-only and
/// hash-chained, so personal data written into it could never be erased again (GDPR art. 17):
/// refusing it at the door is the only place to stop it.
///
/// The checks are deliberately simple and err on the side of refusing: a reference that happens
/// to contain nine digits passing the eleven-test is refused as a possible BSN. Integrators avoid
/// that by using random references (a UUID, or letters and digits mixed). They run on every
/// payment, so they work on the UTF-8 bytes without allocating.
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
            case .name: "looks like a person's name (words separated by spaces, or a given name and more); use a pseudonymous reference"
            case .dateOfBirth: "looks like a date (of birth); use a pseudonymous reference"
            case .postcode: "looks like a postcode (an address); use a pseudonymous reference"
            }
        }
    }

    /// Checks an identifier-like value (a holder reference): everything `findInText` finds, and
    /// whole values that are a date, a postcode or a phone number, spaces, which no pseudonym
    /// needs but every "Firstname Lastname" has, and the way user names join a name's parts:
    /// a common given name followed by more words (`jan.jansen`, `maria_de-vries`).
    public static func findInReference(_ value: String) -> Finding? {
        var value = value
        return value.withUTF8 { bytes in
            // A UUID is random by construction; its hex groups may happen to hold digit runs.
            if isUUID(bytes) { return nil }
            if let finding = findInText(bytes) { return finding }
            let trimmed = trimSpaces(bytes)
            if isDate(trimmed) { return .dateOfBirth }
            if isPostcode(trimmed) { return .postcode }
            if isPhoneNumberAsAWhole(trimmed) { return .phoneNumber }
            if containsWhitespace(trimmed) || startsWithAGivenName(trimmed) { return .name }
            return nil
        }
    }

    /// Checks free text (a transfer's reference, a claim's note): e-mail addresses, BSNs, phone
    /// numbers and IBANs anywhere in it. Names cannot be told from ordinary words, so text with
    /// spaces passes.
    public static func findInText(_ value: String) -> Finding? {
        var value = value
        return value.withUTF8 { findInText($0) }
    }

    private static func findInText(_ bytes: UnsafeBufferPointer<UInt8>) -> Finding? {
        if bytes.contains(UInt8(ascii: "@")) { return .emailAddress }
        if containsIBAN(bytes) { return .iban }
        var finding: Finding?
        forEachDigitRun(bytes) { run in
            if isBSN(run) {
                finding = .bsn
            } else if isDutchPhoneNumber(run) {
                finding = finding ?? .phoneNumber
            }
        }
        return finding
    }

    /// The eleven-test (elfproef) of the BSN: 9 digits d1…d9 with 9·d1 + 8·d2 + … + 2·d8 − d9
    /// divisible by 11. Eight-digit numbers are BSNs with the leading zero dropped.
    static func isBSN(_ digits: [UInt8]) -> Bool {
        guard digits.count == 9 || digits.count == 8 else { return false }
        let padded = digits.count == 8 ? [0] + digits : digits
        guard padded.contains(where: { $0 != 0 }) else { return false }
        var sum = 0
        for index in 0..<8 {
            sum += (9 - index) * Int(padded[index])
        }
        sum -= Int(padded[8])
        return sum % 11 == 0
    }

    /// Dutch numbers: 10 digits from a leading 0 (06…, 010…), or with the country code 31 / 0031.
    static func isDutchPhoneNumber(_ digits: [UInt8]) -> Bool {
        switch digits.count {
        case 10: digits[0] == 0 && digits[1] != 0
        case 11: digits[0] == 3 && digits[1] == 1
        case 13: digits[0] == 0 && digits[1] == 0 && digits[2] == 3 && digits[3] == 1
        default: false
        }
    }

    /// Calls `body` with each digit sequence (as digit values), joining digits separated only by
    /// one of the marks people put in numbers (`06-1234 5678`, `123.456.782`), so formatting does
    /// not hide a number.
    static func forEachDigitRun(_ bytes: UnsafeBufferPointer<UInt8>, _ body: ([UInt8]) -> Void) {
        var current: [UInt8] = []
        var afterSeparator = false
        for byte in bytes {
            if isDigit(byte) {
                current.append(byte - UInt8(ascii: "0"))
                afterSeparator = false
            } else if !current.isEmpty && !afterSeparator
                        && (byte == UInt8(ascii: "-") || byte == UInt8(ascii: " ") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "/")) {
                afterSeparator = true
            } else {
                if !current.isEmpty { body(current) }
                current.removeAll(keepingCapacity: true)
                afterSeparator = false
            }
        }
        if !current.isEmpty { body(current) }
    }

    /// Digit runs as arrays, for tests.
    static func digitRuns(_ value: String) -> [[UInt8]] {
        var value = value
        var runs: [[UInt8]] = []
        value.withUTF8 { forEachDigitRun($0) { runs.append($0) } }
        return runs
    }

    /// An IBAN (ISO 13616) anywhere: two letters, two check digits, then 11 to 30 letters or
    /// digits (spaces of the printed form skipped), passing the mod-97 check.
    static func containsIBAN(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= 15 else { return false }
        for start in 0..<(bytes.count - 3) {
            guard isLetter(bytes[start]), isLetter(bytes[start + 1]), isDigit(bytes[start + 2]), isDigit(bytes[start + 3]) else {
                continue
            }
            // Collect up to 34 letters and digits, skipping single spaces between groups.
            var characters: [UInt8] = []
            var index = start
            while index < bytes.count, characters.count < 34 {
                let byte = bytes[index]
                if isLetter(byte) || isDigit(byte) {
                    characters.append(upper(byte))
                } else if byte != UInt8(ascii: " ") {
                    break
                }
                index += 1
            }
            // Try every length an IBAN can have at this start, longest first.
            var length = characters.count
            while length >= 15 {
                if passesMod97(characters[0..<length]) { return true }
                length -= 1
            }
        }
        return false
    }

    private static func passesMod97(_ iban: ArraySlice<UInt8>) -> Bool {
        let start = iban.startIndex
        let rearranged = iban[(start + 4)...] + iban[start..<(start + 4)]
        var remainder = 0
        for byte in rearranged {
            if isDigit(byte) {
                remainder = (remainder * 10 + Int(byte - UInt8(ascii: "0"))) % 97
            } else {
                remainder = (remainder * 100 + Int(byte - UInt8(ascii: "A")) + 10) % 97
            }
        }
        return remainder == 1
    }

    /// `1985-03-12`, `12-03-1985`, `12/03/1985` or `12.03.1985` with a real month and day.
    static func isDate(_ bytes: ArraySlice<UInt8>) -> Bool {
        let parts = bytes.split(omittingEmptySubsequences: false,
                                whereSeparator: { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: ".") })
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(isDigit) }) else { return false }
        let (day, month, year) = parts[0].count == 4 ? (parts[2], parts[1], parts[0]) : (parts[0], parts[1], parts[2])
        guard year.count == 4, (1...2).contains(month.count), (1...2).contains(day.count) else { return false }
        let number = { (digits: ArraySlice<UInt8>) in digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) } }
        return (1...12).contains(number(month)) && (1...31).contains(number(day)) && (1900...2100).contains(number(year))
    }

    /// A Dutch postcode such as `6411AB` or `6411 ab`.
    static func isPostcode(_ bytes: ArraySlice<UInt8>) -> Bool {
        let compact = bytes.filter { $0 != UInt8(ascii: " ") }
        guard compact.count == 6, compact[0] != UInt8(ascii: "0") else { return false }
        return compact[0..<4].allSatisfy(isDigit) && compact[4...].allSatisfy(isLetter)
    }

    /// `+31 6 12345678`, `+44 20 7946 0958`, `(045) 560 4000`: a value made only of a leading
    /// plus, digits and phone punctuation, with 8 to 15 digits, written the way phone numbers are.
    static func isPhoneNumberAsAWhole(_ bytes: ArraySlice<UInt8>) -> Bool {
        let punctuation: [UInt8] = Array("+ -.()/".utf8)
        guard let first = bytes.first, bytes.allSatisfy({ isDigit($0) || punctuation.contains($0) }) else { return false }
        let digitCount = bytes.filter(isDigit).count
        let startsLikeAPhone = first == UInt8(ascii: "+") || first == UInt8(ascii: "(")
            || (bytes.count > 1 && first == UInt8(ascii: "0") && bytes[bytes.startIndex + 1] == UInt8(ascii: "0"))
        return (8...15).contains(digitCount) && (startsLikeAPhone || bytes.contains(UInt8(ascii: " ")))
    }

    /// 8-4-4-4-12 hexadecimal digits.
    private static func isUUID(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count == 36 else { return false }
        for (index, byte) in bytes.enumerated() {
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == UInt8(ascii: "-") else { return false }
            } else {
                guard isDigit(byte) || (upper(byte) >= UInt8(ascii: "A") && upper(byte) <= UInt8(ascii: "F")) else { return false }
            }
        }
        return true
    }

    private static func trimSpaces(_ bytes: UnsafeBufferPointer<UInt8>) -> ArraySlice<UInt8> {
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") { start += 1 }
        while end > start, bytes[end - 1] == UInt8(ascii: " ") || bytes[end - 1] == UInt8(ascii: "\t") { end -= 1 }
        return Array(bytes)[start..<end]
    }

    /// A given name from `GivenNames` as the first word, then a separator (`.`, `_` or `-`) and a
    /// word of at least two letters: how people join their names in user names and e-mail
    /// addresses. The given name alone passes (a first name identifies no one), and so does a
    /// word after it that holds digits (`anna-2`).
    static func startsWithAGivenName(_ bytes: ArraySlice<UInt8>) -> Bool {
        let isSeparator = { (byte: UInt8) in byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") }
        guard let end = bytes.firstIndex(where: isSeparator), end > bytes.startIndex else { return false }
        let first = bytes[bytes.startIndex..<end]
        let rest = bytes[(end + 1)...]
        let second = rest.prefix { !isSeparator($0) }
        guard first.allSatisfy(isLetter), second.count >= 2, second.allSatisfy(isLetter) else { return false }
        // Longer than any listed name: not one. Up to 15 bytes, the lowercased word is a String
        // that Swift keeps inline, and the buffer lives on the stack: no allocation per payment.
        guard first.count <= 15 else { return false }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: first.count) { lowercased in
            for (offset, byte) in first.enumerated() { lowercased[offset] = byte | 0x20 }
            return GivenNames.common.contains(String(decoding: lowercased, as: UTF8.self))
        }
    }

    /// Spaces, tabs and line breaks; for text beyond ASCII (rare in a reference) Unicode's
    /// whitespace too, such as the no-break space.
    private static func containsWhitespace(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard bytes.allSatisfy({ $0 < 0x80 }) else {
            return String(decoding: bytes, as: UTF8.self).contains(where: \.isWhitespace)
        }
        return bytes.contains { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        let upper = upper(byte)
        return upper >= UInt8(ascii: "A") && upper <= UInt8(ascii: "Z")
    }

    private static func upper(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") ? byte - 32 : byte
    }
}
