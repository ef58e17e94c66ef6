import Foundation
import Schemas
import Testing
@testable import Node

/// The shared-record store under the catalogue and knowledge APIs, against a real SQLite file.
@Suite struct SharedRecordStoreTests {
    static let local = OIN("00000001000000917000")!
    static let peer = OIN("00000001000000637000")!
    static let actor = WriteActor("test")

    func withStores<T>(_ body: (Database, RecordStore<KnowledgeEntryKind>) throws -> T) throws -> T {
        try withStoreTestDirectory { directory in
            let database = try Database(path: storeDatabasePath(in: directory), migrations: NodeRuntime.migrations(
                extensions: [CatalogueExtension(), KnowledgeExtension()]))
            defer { database.close() }
            return try body(database, RecordStore(database: database, localOrigin: Self.local, signer: HashSigner()))
        }
    }

    static func entry(_ title: String, body: String = "Tekst.", kind: KnowledgeKind = .lessonLearned, language: Language = .nl,
                      themes: [String] = [], funding: Funding? = nil) -> KnowledgeEntryDraft {
        KnowledgeEntryDraft(kind: funding == nil ? kind : .fundingScheme, title: title, body: body, language: language,
                            themes: themes, funding: funding)
    }

    func list(_ store: RecordStore<KnowledgeEntryKind>, _ pairs: [(String, String)], page: Int = 1, size: Int = 100) throws -> [String] {
        var issues: [InvalidParam] = []
        var query = RecordListQuery(page: PageRequest(page: page, size: size))
        KnowledgeEntryKind.parseFilters(QueryParameters(pairs.map { (name: $0.0, value: $0.1) }), &query, &issues)
        #expect(issues.isEmpty, "\(issues)")
        return try store.list(query).records.map { record in
            guard case .object(let members) = try JSONParser.parse(record.content), case .string(let title) = members["title"] else { return "" }
            return title
        }
    }

    // MARK: Writes, ETags and tombstones

    @Test func updateNeedsTheCurrentStrongETagAndDeleteLeavesATombstoneOutOfLists() throws {
        try withStores { database, store in
            let created = try store.create(Self.entry("Eerste"), by: Self.actor)
            #expect(created.version == 1 && created.etag.hasPrefix("\"") && created.etag.count == 34)
            let stale = EntityTag.Condition(parsing: "\"0000\"")
            #expect(throws: RecordStoreError.preconditionFailed(kind: "knowledge entry", id: created.id, currentETag: created.etag)) {
                try store.update(id: created.id, with: Self.entry("Tweede"), ifMatch: stale, by: Self.actor)
            }
            let weak = EntityTag.Condition(parsing: "W/\(created.etag)")
            #expect(throws: RecordStoreError.self) { try store.update(id: created.id, with: Self.entry("Tweede"), ifMatch: weak, by: Self.actor) }
            let updated = try store.update(id: created.id, with: Self.entry("Tweede"), ifMatch: EntityTag.Condition(parsing: created.etag),
                                           by: Self.actor)
            #expect(updated.version == 2 && updated.etag != created.etag)
            let deleted = try store.delete(id: created.id, ifMatch: .any, by: Self.actor)
            #expect(deleted.isDeleted && deleted.version == 3)
            #expect(try store.find(id: created.id)?.isDeleted == true)
            #expect(try list(store, []).isEmpty)
            #expect(throws: RecordStoreError.deleted(kind: "knowledge entry", id: created.id)) {
                try store.update(id: created.id, with: Self.entry("Derde"), ifMatch: .any, by: Self.actor)
            }
            // Every write reached the change log (only the latest per record) and the audit trail.
            let feed = try database.read { try ChangeLog.changes(in: $0, origin: Self.local.value, since: 0, limit: 10) }
            #expect(feed.count == 1 && feed[0].isDeleted && feed[0].version == 3)
            let audit = try database.read { try AuditLog.page(in: $0, resource: "knowledge-entry", request: PageRequest()) }
            #expect(audit.entries.map(\.action) == ["delete", "update", "create"])
            #expect(audit.entries.allSatisfy { $0.actor == "test" })
        }
    }

    @Test func invalidContentBuiltInCodeIsRefusedWithEveryIssue() throws {
        try withStores { _, store in
            let bad = KnowledgeEntryDraft(kind: .guide, title: " ", body: "", language: .en, themes: ["Not Kebab"])
            do {
                _ = try store.create(bad, by: Self.actor)
                Issue.record("an invalid entry was stored")
            } catch RecordStoreError.invalid(let issues) {
                #expect(Set(issues.map(\.name)) == ["title", "body", "themes.0"])
            }
        }
    }

    @Test(arguments: [
        ("\"abc\"", true), ("W/\"abc\"", true), ("*", true), ("\"a\", W/\"b\" ,\"c\"", true),
        ("abc", false), ("\"abc", false), ("\"a\" \"b\"", false), ("", false), ("\"a b\"", false),
    ])
    func entityTagConditionsParse(field: String, isValid: Bool) {
        #expect((EntityTag.Condition(parsing: field) != nil) == isValid)
    }

    @Test func ifNoneMatchComparesWeaklyAndIfMatchStrongly() throws {
        let condition = try #require(EntityTag.Condition(parsing: "W/\"x\", \"y\""))
        #expect(condition.matchesWeakly("\"x\"") && !condition.matchesStrongly("\"x\""))
        #expect(condition.matchesStrongly("\"y\"") && !condition.matchesStrongly("\"z\""))
    }

    // MARK: Full text

    @Test(arguments: [
        "air\"", "NOT", "title:x", "(a OR b", "*", "\"", "-", "NEAR(a b)", "lucht^", "a AND", "🙂 sensor", "x:y:z \"\" ''",
        String(repeating: "woord ", count: 30), "é", "\u{0}", "{a b}", "a + b", "^", "AND OR NOT",
    ])
    func anyTextIsASafeQuery(text: String) throws {
        try withStores { _, store in
            _ = try store.create(Self.entry("Sensor woord"), by: Self.actor)
            if let query = FullTextQuery(text) {
                #expect(query.terms.count <= FullTextQuery.maxTerms)
                var listQuery = RecordListQuery()
                listQuery.search = query
                _ = try store.list(listQuery)
            }
        }
    }

    @Test func textWithoutWordsIsNoQuery() {
        #expect(FullTextQuery("!!! ... ---") == nil)
        #expect(FullTextQuery("Air QUALITY air")?.terms == ["air", "quality"])
        #expect(FullTextQuery("air quality")?.matchExpression == "\"air\"* \"quality\"*")
    }

    @Test func searchRanksTitleAboveBodyAndFoldsAccentsAndPrefixes() throws {
        try withStores { _, store in
            _ = try store.create(Self.entry("Parkeren in de wijk", body: "Ook de luchtkwaliteit telt mee."), by: Self.actor)
            _ = try store.create(Self.entry("Luchtkwaliteit meten met sensoren"), by: Self.actor)
            _ = try store.create(Self.entry("Measuring air quality", language: .en), by: Self.actor)
            _ = try store.create(Self.entry("Café-terrassen", body: "Geen lucht."), by: Self.actor)
            #expect(try list(store, [("q", "luchtkwaliteit")]) == ["Luchtkwaliteit meten met sensoren", "Parkeren in de wijk"])
            #expect(try list(store, [("q", "air quality")]) == ["Measuring air quality"])
            #expect(try list(store, [("q", "cafe")]) == ["Café-terrassen"])
            #expect(try list(store, [("q", "lucht")]).count == 3)
            #expect(try list(store, [("q", "lucht"), ("language", "en")]).isEmpty)
        }
    }

    /// A search without other filters is answered by the full-text index alone; with a filter it
    /// joins the table. Both must agree, tombstones and paging included.
    @Test func aSearchAloneAndAFilteredSearchAgreeOnMatchesOrderAndTombstones() throws {
        try withStores { _, store in
            var ids: [String] = []
            for index in 1...12 {
                let body = String(repeating: "Sensoren meten de luchtkwaliteit. ", count: index % 4 + 1)
                ids.append(try store.create(Self.entry("Meting \(index)", body: body), by: Self.actor).id)
            }
            _ = try store.create(Self.entry("Parkeren", body: "Niets over lucht."), by: Self.actor)
            _ = try store.delete(id: ids[4], ifMatch: nil, by: Self.actor)
            let alone = try list(store, [("q", "luchtkwaliteit")])
            #expect(alone.count == 11 && !alone.contains("Meting 5"), "the tombstone is out of the index")
            #expect(alone == (try list(store, [("q", "luchtkwaliteit"), ("language", "nl")])))
            let pages = try (1...3).flatMap { try list(store, [("q", "luchtkwaliteit")], page: $0, size: 4) }
            #expect(pages == alone)
            var issues: [InvalidParam] = []
            var query = RecordListQuery(page: PageRequest(page: 1, size: 4))
            KnowledgeEntryKind.parseFilters(QueryParameters([(name: "q", value: "luchtkwaliteit")]), &query, &issues)
            #expect(try store.list(query).count == 11)
        }
    }

    // MARK: Filters

    @Test(arguments: [("2025-12-31", false), ("2026-01-01", true), ("2026-02-15", true), ("2026-03-31", true), ("2026-04-01", false)])
    func openOnIncludesBothEnds(date: String, isOpen: Bool) throws {
        try withStores { _, store in
            let funding = Funding(funder: "VNG", programme: "Co-financiering", maxAmountCents: 2_500_000, ownContributionPercent: 50,
                                  opensOn: CalendarDate("2026-01-01"), deadline: CalendarDate("2026-03-31"))
            _ = try store.create(Self.entry("Regeling", funding: funding), by: Self.actor)
            let rolling = Funding(funder: "EU", programme: "UIA", maxAmountCents: 100, ownContributionPercent: 20)
            _ = try store.create(Self.entry("Doorlopend", funding: rolling), by: Self.actor)
            _ = try store.create(Self.entry("Geen regeling"), by: Self.actor)
            let open = try list(store, [("openOn", date)])
            #expect(open == (isOpen ? ["Regeling", "Doorlopend"] : ["Doorlopend"]))
        }
    }

    @Test func filtersCombineAndSortByDeadlineKeepsUndatedLast() throws {
        try withStores { _, store in
            func scheme(_ title: String, _ funder: String, deadline: String?) -> KnowledgeEntryDraft {
                Self.entry(title, themes: ["funding"], funding: Funding(funder: funder, programme: "P", maxAmountCents: 1,
                                                                         ownContributionPercent: 0, deadline: deadline.flatMap(CalendarDate.init)))
            }
            _ = try store.create(scheme("Laat", "VNG", deadline: "2026-12-01"), by: Self.actor)
            _ = try store.create(scheme("Zonder", "VNG", deadline: nil), by: Self.actor)
            _ = try store.create(scheme("Vroeg", "vng", deadline: "2026-02-01"), by: Self.actor)
            // Creation times have millisecond precision and ties sort by arrival: let the clock
            // move on, so the newest record is newer by its date and not only by its position.
            let earlier = RFC3339.string(from: Date())
            while RFC3339.string(from: Date()) == earlier {}
            _ = try store.create(scheme("Ander", "EU", deadline: "2026-01-01"), by: Self.actor)
            _ = try store.create(Self.entry("Les", themes: ["scaling"]), by: Self.actor)
            #expect(try list(store, [("funder", "VNG"), ("sort", "deadline")]) == ["Vroeg", "Laat", "Zonder"])
            #expect(try list(store, [("funder", "VNG"), ("sort", "-deadline")]) == ["Laat", "Vroeg", "Zonder"])
            #expect(try list(store, [("theme", "scaling")]) == ["Les"])
            #expect(try list(store, [("kind", "lesson-learned")]) == ["Les"])
            #expect(try list(store, [("theme", "funding"), ("sort", "-date")]).first == "Ander")
        }
    }

    @Test func badFilterValuesAreAllReported() {
        var issues: [InvalidParam] = []
        var query = RecordListQuery()
        KnowledgeEntryKind.parseFilters(QueryParameters([("kind", "blog"), ("openOn", "2026-02-30"), ("theme", "Air Quality"),
                                                         ("origin", "123"), ("sort", "title"), ("q", "")]), &query, &issues)
        #expect(issues.map(\.name) == ["kind", "theme", "origin", "openOn", "q", "sort"])
    }

    // MARK: Paging while others write

    /// Pages through 60 entries, seven at a time, while between any two pages new entries are
    /// created and existing ones (seen and not yet seen) updated: every entry that existed before
    /// paging began is seen exactly once. (A deletion is the one write that moves later items up a
    /// place, since tombstones are left out of lists; see `SharedRecordTable`.)
    @Test func pagingNeitherSkipsNorRepeatsWhileWritesHappen() throws {
        try withStores { _, store in
            var before: [String] = []
            for index in 0..<60 { before.append(try store.create(Self.entry("Vooraf \(index)"), by: Self.actor).id) }
            var seen: [String] = []
            var page = 1
            var written = 0
            while page < 100 {
                let result = try store.list(RecordListQuery(page: PageRequest(page: page, size: 7)))
                if result.records.isEmpty { break }
                seen += result.records.map(\.id)
                page += 1
                for _ in 0..<3 {
                    _ = try store.create(Self.entry("Tijdens \(written)"), by: Self.actor)
                    written += 1
                }
                // Updates keep an entry's place, wherever it is.
                _ = try store.update(id: before[(page * 13) % before.count], with: Self.entry("Bijgewerkt \(page)"), ifMatch: nil, by: Self.actor)
                _ = try store.update(id: before[59 - page], with: Self.entry("Later bijgewerkt \(page)"), ifMatch: nil, by: Self.actor)
            }
            #expect(written > 0)
            #expect(Set(seen).count == seen.count, "an entry was repeated across pages")
            #expect(Set(before).isSubset(of: Set(seen)), "an entry that existed before paging was skipped")
        }
    }

    /// The order alone, without writes: the same filter gives the same pages every time.
    @Test func pagesAreDeterministic() throws {
        try withStores { _, store in
            for index in 0..<25 { _ = try store.create(Self.entry("Item \(index)", themes: index % 2 == 0 ? ["even"] : []), by: Self.actor) }
            let first = try (1...3).flatMap { try list(store, [("theme", "even")], page: $0, size: 5) }
            let second = try (1...3).flatMap { try list(store, [("theme", "even")], page: $0, size: 5) }
            #expect(first == second && first.count == 13 && Set(first).count == 13)
        }
    }

    // MARK: Replicas

    func change(_ draft: KnowledgeEntryDraft, id: UUID, origin: OIN, version: Int, deleted: Bool = false) throws -> RecordChange {
        var record = Record<KnowledgeEntryDraft>.created(draft, id: id, origin: origin, at: Date(timeIntervalSince1970: 1_700_000_000))
        for _ in 1..<version { record = deleted && record.version == version - 1 ? record.deleted(at: Date()) : record.updated(with: draft, at: Date()) }
        let bytes = try record.canonicalBytes()
        return RecordChange(origin: origin.value, sequence: Int64(version), kind: "knowledge-entry", id: id.uuidString.lowercased(),
                            version: version, isDeleted: record.isDeleted, content: bytes, signature: [])
    }

    @Test func replicaApplierTakesOnlyNewerVersionsAndNeverLocalRecords() throws {
        try withStores { database, store in
            let applier = SharedRecordReplicaApplier<KnowledgeEntryKind>(localOrigin: Self.local)
            let id = UUID()
            let v2 = try change(Self.entry("Geluidsmeting v2"), id: id, origin: Self.peer, version: 2)
            let v1 = try change(Self.entry("Geluidsmeting v1"), id: id, origin: Self.peer, version: 1)
            #expect(try database.write { try applier.applyReporting(v2, in: $0) } == .applied)
            #expect(try database.write { try applier.applyReporting(v1, in: $0) } == .ignoredNotNewer)
            #expect(try database.write { try applier.applyReporting(v2, in: $0) } == .ignoredNotNewer)
            #expect(try list(store, [("q", "geluidsmeting"), ("origin", Self.peer.value)]) == ["Geluidsmeting v2"])
            #expect(throws: RecordStoreError.notOrigin(kind: "knowledge entry", id: id.uuidString.lowercased(), origin: Self.peer.value)) {
                try store.update(id: id.uuidString.lowercased(), with: Self.entry("Overschreven"), ifMatch: .any, by: Self.actor)
            }

            // A peer that claims this node's origin, or reuses the id of a local record, changes nothing.
            let own = try store.create(Self.entry("Eigen"), by: Self.actor)
            let ownID = try #require(UUID(uuidString: own.id))
            let claimed = try change(Self.entry("Gekaapt"), id: ownID, origin: Self.local, version: 9)
            let reused = try change(Self.entry("Gekaapt"), id: ownID, origin: Self.peer, version: 9)
            #expect(try database.write { try applier.applyReporting(claimed, in: $0) } == .ignoredLocalOrigin)
            #expect(try database.write { try applier.applyReporting(reused, in: $0) } == .ignoredLocalOrigin)
            #expect(try store.find(id: own.id) == own)
            #expect(throws: ReplicaError.idHeldByAnotherOrigin(kind: "knowledge-entry", id: ownID.uuidString.lowercased())) {
                try database.write { try applier.apply(reused, in: $0) }
            }
            #expect(try store.find(id: own.id) == own)

            let tombstone = try change(Self.entry("Geluidsmeting v2"), id: id, origin: Self.peer, version: 3, deleted: true)
            #expect(tombstone.isDeleted)
            #expect(try database.write { try applier.applyReporting(tombstone, in: $0) } == .applied)
            #expect(try store.find(id: id.uuidString.lowercased())?.isDeleted == true)
            #expect(try list(store, [("q", "geluidsmeting")]).isEmpty)
        }
    }

    @Test func replicaApplierRefusesAChangeWhoseEnvelopeDisagreesWithItsContent() throws {
        try withStores { database, _ in
            let applier = SharedRecordReplicaApplier<KnowledgeEntryKind>(localOrigin: Self.local)
            let good = try change(Self.entry("Echt"), id: UUID(), origin: Self.peer, version: 1)
            let lying = RecordChange(origin: good.origin, sequence: 1, kind: good.kind, id: good.id, version: 5, isDeleted: false,
                                     content: good.content, signature: [])
            #expect(throws: ReplicaError.self) { try database.write { try applier.apply(lying, in: $0) } }
            let garbage = RecordChange(origin: good.origin, sequence: 1, kind: good.kind, id: good.id, version: 1, isDeleted: false,
                                       content: Array("{}".utf8), signature: [])
            #expect(throws: ReplicaError.self) { try database.write { try applier.apply(garbage, in: $0) } }
        }
    }

    // MARK: Sample ids

    @Test func nameBasedIdsAreVersion5AndStable() {
        let id = NameBasedUUID.make(namespace: UUID(uuidString: "6ba7b810-9dad-11d1-80b4-00c04fd430c8")!, name: "python.org")
        // Python: uuid.uuid5(uuid.NAMESPACE_DNS, "python.org")
        #expect(id.uuidString.lowercased() == "886313e1-3b8a-5372-9b90-0c9aee199e5d")
    }
}
