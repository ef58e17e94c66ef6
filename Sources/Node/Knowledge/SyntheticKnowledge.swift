import Foundation
import Schemas

/// Makes many plausible knowledge entries, for the full-text benchmark and for trying the API
/// at scale. The content is deterministic for a seed (a SplitMix64 generator, not the system
/// random source), so two benchmark runs search the same corpus.
public struct SyntheticKnowledge {
    /// Entries per write transaction: large enough that commits do not dominate, small enough
    /// that the writer is not held for long.
    public static let batchSize = 2_000

    static let dutchWords = [
        "luchtkwaliteit", "geluid", "sensoren", "wijk", "bewoners", "participatie", "openbare", "ruimte", "verkeer",
        "duurzaamheid", "energie", "warmtenet", "zonnepanelen", "mobiliteit", "fiets", "parkeren", "afval",
        "zwerfafval", "groen", "klimaatadaptatie", "hittestress", "wateroverlast", "veiligheid", "verlichting",
        "data", "dashboard", "privacy", "algoritme", "dienstverlening", "subsidie", "gemeente", "pilot", "opschaling",
        "samenwerking", "inkoop", "aanbesteding", "binnenstad", "levendigheid", "ondernemers", "school", "jongeren",
    ]
    static let englishWords = [
        "air", "quality", "noise", "sensors", "neighbourhood", "residents", "participation", "public", "space",
        "traffic", "sustainability", "energy", "heat", "network", "solar", "mobility", "cycling", "parking", "waste",
        "litter", "green", "climate", "adaptation", "flooding", "safety", "lighting", "data", "dashboard", "privacy",
        "algorithm", "services", "funding", "municipality", "pilot", "scaling", "cooperation", "procurement",
        "city", "centre", "liveliness", "business", "school", "youth",
    ]
    static let themes = [
        "air-quality", "noise", "sensors", "participation", "public-space", "mobility", "energy", "climate",
        "innovation-process", "scaling", "funding", "privacy", "local-economy", "housing",
    ]
    static let funders = ["VNG", "European Union (ERDF)", "Rijksdienst voor Ondernemend Nederland", "Provincie Zuid-Holland"]

    private var state: UInt64

    public init(seed: UInt64 = 1) {
        state = seed
    }

    /// Writes `count` entries owned by `localOrigin`, `batchSize` per transaction, through the
    /// same store path as the API (change log, audit, search index). Returns how many were written.
    public mutating func load(count: Int, database: Database, localOrigin: OIN, signer: any ContentSigner,
                              progress: (Int) -> Void = { _ in }) throws -> Int {
        let store = RecordStore<KnowledgeEntryKind>(database: database, localOrigin: localOrigin, signer: signer)
        let actor = WriteActor("cli")
        var written = 0
        while written < count {
            let batch = (0..<min(Self.batchSize, count - written)).map { _ in makeEntry() }
            try database.write { connection in
                for entry in batch {
                    _ = try store.create(entry, id: UUID(), by: actor, at: Date(), in: connection)
                }
            }
            written += batch.count
            progress(written)
        }
        return written
    }

    public mutating func makeEntry() -> KnowledgeEntryDraft {
        let isDutch = next(2) == 0
        let words = isDutch ? Self.dutchWords : Self.englishWords
        // One word in eight is a topical one; the rest come from a large made-up vocabulary, so
        // that a topical term matches a realistic share of the corpus rather than nearly all of it.
        func word() -> String { next(8) == 0 ? words[next(words.count)] : filler() }
        func phrase(_ length: Int) -> String { (0..<length).map { _ in word() }.joined(separator: " ") }
        let title = phrase(3 + next(4)).capitalizedFirst
        let body = (0..<(3 + next(5))).map { _ in phrase(8 + next(10)).capitalizedFirst + "." }.joined(separator: " ")
        let kinds = KnowledgeKind.allCases
        let kind = kinds[next(kinds.count)]
        var themes: [String] = []
        for _ in 0..<(1 + next(3)) {
            let theme = Self.themes[next(Self.themes.count)]
            if !themes.contains(theme) { themes.append(theme) }
        }
        var funding: Funding?
        if kind == .fundingScheme {
            let opens = CalendarDate(year: 2025 + next(3), month: 1 + next(12), day: 1 + next(28))
            funding = Funding(funder: Self.funders[next(Self.funders.count)], programme: phrase(2).capitalizedFirst,
                              maxAmountCents: 100_000 * (1 + next(500)), ownContributionPercent: 10 * next(6),
                              opensOn: opens, deadline: opens?.adding(days: 30 + next(300)))
        }
        return KnowledgeEntryDraft(kind: kind, title: title, summary: phrase(12).capitalizedFirst + ".", body: body,
                                   language: isDutch ? .nl : .en, themes: themes, funding: funding)
    }

    static let syllables = ["ka", "mo", "ter", "vin", "lu", "pra", "sel", "do", "ben", "ri", "gon", "wa", "stel", "fa", "nu", "hor",
                            "li", "zen", "tra", "me", "bo", "ker", "san", "pi", "dul", "ve", "ron", "ta", "gim", "ol"]

    /// A pseudo-word of two or three syllables: 27,900 distinct ones.
    private mutating func filler() -> String {
        (0..<(2 + next(2))).map { _ in Self.syllables[next(Self.syllables.count)] }.joined()
    }

    /// SplitMix64 (Steele, Lea, Flood 2014): small, fast, and good enough for test content.
    private mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Int(z % UInt64(bound))
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
