import Foundation

/// Runs `body` with a fresh directory under the system temporary directory and removes the
/// directory afterwards, whether or not `body` threw.
@discardableResult
func withStoreTestDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("knooppunt-store-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
    let result = Result { try body(directory) }
    try FileManager.default.removeItem(at: directory)
    return try result.get()
}

/// The path of the test database inside `directory`.
func storeDatabasePath(in directory: URL) -> String {
    directory.appendingPathComponent("store.sqlite").path
}
