import Node
import Synchronization

/// The directory this node currently believes, shared between the refresher thread that
/// replaces it and every request that checks a peer against it. Reads take the lock for the
/// moment it takes to copy a reference; no I/O happens under it.
public final class DirectoryHolder: Sendable {
    private let held = Mutex<VerifiedDirectory?>(nil)

    public init() {}

    public var current: VerifiedDirectory? { held.withLock { $0 } }

    /// Takes a verified directory unless it is older than the one held (a rollback would bring
    /// revoked members back). Returns the directory it replaced, or nil when none was held.
    @discardableResult
    public func replace(with directory: VerifiedDirectory) throws(DirectoryError) -> VerifiedDirectory? {
        let outcome: Result<VerifiedDirectory?, DirectoryError> = held.withLock { held in
            if let current = held, directory.serial < current.serial {
                return .failure(.rollback(heldSerial: current.serial, offeredSerial: directory.serial))
            }
            let previous = held
            held = directory
            return .success(previous)
        }
        return try outcome.get()
    }
}
