import Foundation
import Glibc

/// The last good directory on disk (`DATA/directory.json`), exactly as the registry served it,
/// so the node starts with a member list, and keeps working, while the registry is down. It is
/// verified again on every load: the file is only a cache, never a source of trust.
public struct DirectoryCacheFile: Sendable {
    public static let fileName = "directory.json"

    public let path: String

    public init(dataDirectory: String) {
        path = (dataDirectory as NSString).appendingPathComponent(Self.fileName)
    }

    public init(path: String) {
        self.path = path
    }

    /// The stored document's bytes, or nil when there is none yet.
    public func read() throws(DirectoryError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw .io(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        // One byte past the limit tells "at the limit" from "too large", before reading on.
        while contents.count <= DirectoryLimits.maxDocumentBytes {
            let count = Glibc.read(fd, &chunk, chunk.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, reason: String(cString: strerror(errno)))
            }
            if count == 0 { return contents }
            contents.append(contentsOf: chunk.prefix(count))
        }
        throw .tooLarge(maxBytes: DirectoryLimits.maxDocumentBytes)
    }

    /// Replaces the stored document atomically (temporary file, fsync, rename), so a crash
    /// leaves the old copy or the new one, never half of one. Public content: mode 0644.
    public func write(_ bytes: [UInt8]) throws(DirectoryError) {
        do {
            try PEMFile.write(bytes, to: path, mode: 0o644, replacing: true)
        } catch {
            throw .io(path: path, reason: error.description)
        }
    }
}
