/// Every bound the Schemas module enforces, in one place. Lengths of text are counted in Unicode
/// scalars, not grapheme clusters: grapheme segmentation changes with the Unicode version of the
/// toolchain, and every node in the federation must agree on whether a record is valid.
///
/// This file depends on nothing else in the module, so the fuzz targets can compile it alone.
public enum SchemaLimits {
    // MARK: Text

    /// A solution's name, a knowledge entry's title, names of people and organisations.
    public static let maxNameLength = 200
    /// A one-paragraph summary (publiccode.yml caps `shortDescription` far lower, at 150).
    public static let maxSummaryLength = 1_000
    /// A solution's long description: publiccode.yml caps `longDescription` at 10,000 characters.
    public static let maxDescriptionLength = 10_000
    /// The body of a knowledge entry: a full case study or guide.
    public static let maxBodyLength = 100_000
    /// Free-text notes on an adoption.
    public static let maxNotesLength = 10_000
    /// A funder or programme name.
    public static let maxFundingNameLength = 200
    /// One standard's name, such as "Common Ground" or "NL GOV API Design Rules".
    public static let maxStandardLength = 100
    /// One theme token (kebab-case).
    public static let maxThemeLength = 50
    /// An SPDX license expression.
    public static let maxLicenseExpressionLength = 200
    /// URLs; 2,048 is what browsers and proxies reliably pass along.
    public static let maxURLLength = 2_048
    /// RFC 5321: a forward path holds at most 256 octets, so an address at most 254.
    public static let maxEmailLength = 254
    /// A phone number as people write it, spaces and punctuation included.
    public static let maxPhoneLength = 32

    // MARK: Counts

    public static let maxThemeCount = 20
    public static let maxStandardCount = 20
    public static let maxPartnerCount = 50
    public static let maxLinkedSolutionCount = 50

    // MARK: Numbers

    /// The largest integer every JSON implementation holds exactly (2^53 - 1, I-JSON, RFC 7493).
    /// Integers beyond it are refused rather than silently rounded.
    public static let maxSafeInteger = 9_007_199_254_740_991

    // MARK: Input documents

    /// A JSON request body or a replicated record.
    public static let maxJSONBytes = 1_048_576
    /// Nesting of arrays and objects in JSON; records need 4, the rest is headroom.
    public static let maxJSONDepth = 32
    /// A publiccode.yml file; real ones are a few kilobytes.
    public static let maxYAMLBytes = 262_144
    /// Nesting of mappings and sequences in YAML; publiccode.yml needs 5.
    public static let maxYAMLDepth = 32
    /// Validation stops reporting after this many issues, so a hostile body cannot make the
    /// error response larger than the request.
    public static let maxIssueCount = 100
}
