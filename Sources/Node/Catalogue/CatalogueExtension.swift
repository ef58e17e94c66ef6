import Schemas

/// The `solutions` component: the catalogue of reusable solutions and of who adopted them, at
/// `/api/solutions/v1/solutions` and `/api/solutions/v1/adoptions`, plus the nested
/// `/solutions/{id}/adoptions` list (the conventions' `/core/nested-child`).
public struct CatalogueExtension: NodeExtension {
    public static let component = APIComponent(name: "solutions", version: "1.0.0")
    static let basePath = "/api/solutions/v1"

    /// Media types `POST /solutions` reads besides JSON, e.g. a publiccode.yml as `application/yaml`.
    let solutionImporters: [String: RecordRoutes<SolutionKind>.BodyImporter]

    public init(solutionImporters: [String: RecordRoutes<SolutionKind>.BodyImporter] = CatalogueImport.importers) {
        self.solutionImporters = solutionImporters
    }

    public var components: [APIComponent] { [Self.component] }

    public var migrations: [Migration] { [SolutionKind.migration, AdoptionKind.migration] }

    /// What the sync engine calls to apply peers' solutions and adoptions.
    public func replicaAppliers(localOrigin: OIN) -> [any ReplicaApplier] {
        [SharedRecordReplicaApplier<SolutionKind>(localOrigin: localOrigin),
         SharedRecordReplicaApplier<AdoptionKind>(localOrigin: localOrigin)]
    }

    public func register(in table: inout RouteTable, context: NodeContext) {
        let origin = context.configuration.oin
        let solutions = RecordRoutes<SolutionKind>(
            store: RecordStore(database: context.database, localOrigin: origin, signer: context.signer),
            component: Self.component, collectionPath: Self.basePath + "/solutions", writeScope: APIScope.solutionsWrite,
            filterKeys: SolutionKind.filterKeys, importers: solutionImporters, logger: context.logger,
            parseFilters: SolutionKind.parseFilters)
        let adoptions = RecordRoutes<AdoptionKind>(
            store: RecordStore(database: context.database, localOrigin: origin, signer: context.signer),
            component: Self.component, collectionPath: Self.basePath + "/adoptions", writeScope: APIScope.solutionsWrite,
            filterKeys: AdoptionKind.filterKeys, logger: context.logger, parseFilters: AdoptionKind.parseFilters)
        solutions.register(in: &table)
        adoptions.register(in: &table)
        table.add(Route("GET", Self.basePath + "/solutions/{id}/adoptions", component: Self.component, access: .open) { request in
            let id = try RecordRoutes<SolutionKind>.recordID(request)
            return try adoptions.list(request) { query in query.require("r.solution_id = ?", .text(id)) }
        })
    }
}
