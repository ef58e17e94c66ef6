import Schemas

/// Media types the catalogue imports besides JSON.
public enum CatalogueImport {
    public static let importers: [String: RecordRoutes<SolutionKind>.BodyImporter] = [:]
}
