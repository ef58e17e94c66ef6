/// The field rules, each recording its problems on the path it is given.
enum Rules {
    enum TextKind {
        /// Names and titles: no line breaks or other control characters.
        case singleLine
        /// Summaries and bodies: tabs and line breaks allowed, other controls not.
        case multiLine
    }

    /// Non-empty (not only whitespace), at most `maxLength` Unicode scalars, no control characters
    /// beyond what `kind` allows.
    static func text(_ text: String, at path: FieldPath, maxLength: Int, kind: TextKind, _ issues: inout IssueList) {
        if text.unicodeScalars.allSatisfy(\.properties.isWhitespace) {
            issues.add(path, ValidationCode.required, "must not be empty")
            return
        }
        // ASCII text (most titles and bodies) has one scalar per byte: its bytes are counted and
        // checked without decoding scalars.
        let isASCII = text.utf8.allSatisfy { $0 < 0x80 }
        let length = isASCII ? text.utf8.count : text.unicodeScalars.count
        if length > maxLength {
            issues.add(path, ValidationCode.tooLong, "at most \(maxLength) characters, found \(length)")
        }
        let firstForbidden = isASCII
            ? text.utf8.first { isForbidden(Unicode.Scalar($0), in: kind) }.map(Unicode.Scalar.init)
            : text.unicodeScalars.first { isForbidden($0, in: kind) }
        if let control = firstForbidden {
            let code = "U+" + String(control.value, radix: 16, uppercase: true).leftPadded(to: 4)
            let reason = kind == .singleLine
                ? "must be a single line without control characters (found \(code))"
                : "must not contain control characters other than tab and line breaks (found \(code))"
            issues.add(path, ValidationCode.invalid, reason)
        }
    }

    private static func isForbidden(_ scalar: Unicode.Scalar, in kind: TextKind) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: kind == .singleLine
        case 0x00..<0x20, 0x7F...0x9F: true
        case 0x2028, 0x2029: kind == .singleLine
        default: false
        }
    }

    /// An absolute `https` URL with a host name, no user info, and only printable ASCII (anything
    /// else must be percent-encoded, as RFC 3986 says).
    static func httpsURL(_ text: String, at path: FieldPath, _ issues: inout IssueList) {
        let bytes = Array(text.utf8)
        if bytes.count > SchemaLimits.maxURLLength {
            issues.add(path, ValidationCode.tooLong, "at most \(SchemaLimits.maxURLLength) characters")
            return
        }
        guard bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            issues.add(path, ValidationCode.invalid, "must not contain spaces or non-ASCII characters; percent-encode them")
            return
        }
        let scheme = Array("https://".utf8)
        guard bytes.count > scheme.count, bytes[0..<scheme.count].map(asciiLowercased).elementsEqual(scheme) else {
            issues.add(path, ValidationCode.invalid, "must be an https URL")
            return
        }
        let rest = bytes[scheme.count...]
        let authorityEnd = rest.firstIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") })
            ?? rest.endIndex
        let authority = rest[rest.startIndex..<authorityEnd]
        guard !authority.contains(UInt8(ascii: "@")) else {
            issues.add(path, ValidationCode.invalid, "must not carry a user name or password")
            return
        }
        var host = authority[...]
        if let colon = authority.firstIndex(of: UInt8(ascii: ":")) {
            host = authority[authority.startIndex..<colon]
            let port = authority[(colon + 1)...]
            guard !port.isEmpty, port.count <= 5, port.allSatisfy(isDigit),
                  let number = Int(String(decoding: port, as: UTF8.self)), (1...65_535).contains(number) else {
                issues.add(path, ValidationCode.invalid, "has an invalid port")
                return
            }
        }
        guard isHostName(host) else {
            issues.add(path, ValidationCode.invalid, "must name a host, such as https://example.nl/")
            return
        }
    }

    /// Letters, digits and hyphens in dot-separated labels of 1...63, a hyphen never first or
    /// last (RFC 1123); international names in their punycode form.
    static func isHostName(_ host: some BidirectionalCollection<UInt8>) -> Bool {
        guard !host.isEmpty, host.count <= 253 else { return false }
        let labels = host.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.first != UInt8(ascii: "-") && label.last != UInt8(ascii: "-")
                && label.allSatisfy { isDigit($0) || isLetter($0) || $0 == UInt8(ascii: "-") }
        }
    }

    /// `local@domain` in the common dot-atom form (RFC 5322 without quoted local parts or
    /// comments), with a domain of at least two labels.
    static func email(_ text: String, at path: FieldPath, _ issues: inout IssueList) {
        let bytes = Array(text.utf8)
        guard bytes.count <= SchemaLimits.maxEmailLength else {
            issues.add(path, ValidationCode.tooLong, "at most \(SchemaLimits.maxEmailLength) characters")
            return
        }
        let parts = bytes.split(separator: UInt8(ascii: "@"), omittingEmptySubsequences: false)
        let atextSymbols = Array("!#$%&'*+-/=?^_`{|}~".utf8)
        guard parts.count == 2, let local = parts.first, let domain = parts.last,
              !local.isEmpty, local.count <= 64,
              local.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).allSatisfy({ atom in
                  !atom.isEmpty && atom.allSatisfy { isDigit($0) || isLetter($0) || atextSymbols.contains($0) }
              }),
              isHostName(domain), domain.contains(UInt8(ascii: ".")) else {
            issues.add(path, ValidationCode.invalid, "must be an e-mail address such as info@gemeente.nl")
            return
        }
    }

    /// A phone number as people write it: digits with spaces, hyphens, dots or parentheses, an
    /// optional leading `+`; 5 to 15 digits (ITU-T E.164 caps numbers at 15; the Dutch 14 + area
    /// code municipal numbers have 5).
    static func phone(_ text: String, at path: FieldPath, _ issues: inout IssueList) {
        let bytes = Array(text.utf8)
        guard bytes.count <= SchemaLimits.maxPhoneLength else {
            issues.add(path, ValidationCode.tooLong, "at most \(SchemaLimits.maxPhoneLength) characters")
            return
        }
        let separators = Array(" -.()".utf8)
        let body = bytes.first == UInt8(ascii: "+") ? bytes.dropFirst() : bytes[...]
        let digitCount = body.filter(isDigit).count
        guard body.allSatisfy({ isDigit($0) || separators.contains($0) }), (5...15).contains(digitCount) else {
            issues.add(path, ValidationCode.invalid, "must be a phone number such as +31 45 560 4040 or 14 045")
            return
        }
    }

    /// A theme: lowercase kebab-case (`air-quality`), at most `SchemaLimits.maxThemeLength`.
    static func theme(_ text: String, at path: FieldPath, _ issues: inout IssueList) {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else {
            issues.add(path, ValidationCode.required, "must not be empty")
            return
        }
        guard bytes.count <= SchemaLimits.maxThemeLength else {
            issues.add(path, ValidationCode.tooLong, "at most \(SchemaLimits.maxThemeLength) characters")
            return
        }
        let words = bytes.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        guard words.allSatisfy({ !$0.isEmpty && $0.allSatisfy { isDigit($0) || ($0 >= 0x61 && $0 <= 0x7A) } }) else {
            issues.add(path, ValidationCode.invalid, "must be lowercase kebab-case, such as air-quality")
            return
        }
    }

    /// Reports each item that repeats an earlier one, named by its own index.
    static func unique<T: Hashable>(_ items: [T], at path: FieldPath, _ issues: inout IssueList) {
        var seen: [T: Int] = [:]
        for (index, item) in items.enumerated() {
            if let first = seen[item] {
                issues.add(path.index(index), ValidationCode.duplicate, "repeats item \(first)")
            } else {
                seen[item] = index
            }
        }
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    static func isLetter(_ byte: UInt8) -> Bool { (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) }
    private static func asciiLowercased(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
