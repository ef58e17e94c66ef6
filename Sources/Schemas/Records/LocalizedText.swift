/// The languages Knooppunt records are written in (ISO 639-1).
public enum Language: String, Sendable, Hashable, Codable, CaseIterable, KeywordEnum {
    case nl
    case en
}

/// Text in Dutch, English or both; at least one is present.
///
/// JSON form: `{"nl": "...", "en": "..."}`. A bare string is also read, as shorthand for
/// `{"en": "..."}` (English is the project's interface language, api-conventions §1, and the
/// sample content is English); the stored and canonical form is always the object.
public struct LocalizedText: Sendable, Hashable, Codable {
    public var nl: String?
    public var en: String?

    public init(nl: String? = nil, en: String? = nil) {
        self.nl = nl
        self.en = en
    }

    public subscript(language: Language) -> String? {
        switch language {
        case .nl: nl
        case .en: en
        }
    }

    /// The text in `language` if present, else in the other language.
    public func preferring(_ language: Language) -> String? {
        self[language] ?? (language == .nl ? en : nl)
    }

    private enum CodingKeys: String, CodingKey {
        case nl, en
    }

    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let text = try? single.decode(String.self) {
            self.init(en: text)
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(nl: try container.decodeIfPresent(String.self, forKey: .nl),
                  en: try container.decodeIfPresent(String.self, forKey: .en))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(nl, forKey: .nl)
        try container.encodeIfPresent(en, forKey: .en)
    }

    /// Reads the object or the bare-string shorthand, checking each present language with the
    /// text rule, and that at least one is present.
    static func read(_ value: JSONValue, at path: FieldPath, maxLength: Int, kind: Rules.TextKind,
                     _ issues: inout IssueList) -> LocalizedText? {
        if case .string = value {
            guard let text = Read.string(value, at: path, &issues) else { return nil }
            Rules.text(text, at: path, maxLength: maxLength, kind: kind, &issues)
            return LocalizedText(en: text)
        }
        let before = issues.recordedCount
        guard let object = ObjectReader(value, at: path, fields: ["nl", "en"], &issues) else { return nil }
        let nl: String? = object.optional("nl", &issues, Read.string)
        let en: String? = object.optional("en", &issues, Read.string)
        if let nl { Rules.text(nl, at: path.key("nl"), maxLength: maxLength, kind: kind, &issues) }
        if let en { Rules.text(en, at: path.key("en"), maxLength: maxLength, kind: kind, &issues) }
        if !object.has("nl"), !object.has("en") {
            issues.add(path, ValidationCode.required, "needs the text in Dutch (nl), English (en) or both")
        }
        return issues.recordedCount == before ? LocalizedText(nl: nl, en: en) : nil
    }
}
