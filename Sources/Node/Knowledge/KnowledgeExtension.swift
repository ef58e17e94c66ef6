import Schemas

/// The `knowledge` component: lessons learned, best practices, case studies, guides, fieldlabs
/// and funding schemes at `/api/knowledge/v1/entries`, with full-text search.
public struct KnowledgeExtension: NodeExtension {
    public static let component = APIComponent(name: "knowledge", version: "1.0.0")
    static let collectionPath = "/api/knowledge/v1/entries"

    public init() {}

    public var components: [APIComponent] { [Self.component] }

    public var migrations: [Migration] { [KnowledgeEntryKind.migration, KnowledgeEntryKind.searchRebuild] }

    /// What the sync engine calls to apply peers' knowledge entries.
    public func replicaAppliers(localOrigin: OIN) -> [any ReplicaApplier] {
        [SharedRecordReplicaApplier<KnowledgeEntryKind>(localOrigin: localOrigin)]
    }

    public func register(in table: inout RouteTable, context: NodeContext) {
        RecordRoutes<KnowledgeEntryKind>(
            store: RecordStore(database: context.database, localOrigin: context.configuration.oin, signer: context.signer),
            component: Self.component, collectionPath: Self.collectionPath, writeScope: APIScope.knowledgeWrite,
            filterKeys: KnowledgeEntryKind.filterKeys, logger: context.logger, parseFilters: KnowledgeEntryKind.parseFilters)
            .register(in: &table)
    }
}
