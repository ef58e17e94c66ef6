import Dispatch
import Foundation
import Node
import Synchronization

/// Verifies a page's changes and prepares the verified ones, on every core at once. ECDSA
/// verification (about 60 µs a change) and record decoding are most of what pulling costs
/// besides SQLite, and each change stands alone; on one thread they took longer than the
/// writer needs to apply the previous page.
enum PagePreparation {
    struct Outcome: Sendable {
        var verification = PageVerifier.Outcome()
        var prepared: [ReplicaPageWriter.PreparedChange] = []
    }

    /// Below this many changes per thread, splitting costs more than it saves.
    static let minimumChangesPerThread = 64

    /// The verification and preparation of `changes`, in their order, as one thread would
    /// produce them.
    static func run(_ changes: [RecordChange], peer: OriginKeys, localOrigin: String, writer: ReplicaPageWriter,
                    threads: Int = ProcessInfo.processInfo.activeProcessorCount) -> Outcome {
        let chunkCount = max(1, min(threads, changes.count / minimumChangesPerThread))
        let chunkSize = (changes.count + chunkCount - 1) / max(chunkCount, 1)
        let chunks = Mutex([Outcome?](repeating: nil, count: chunkCount))
        DispatchQueue.concurrentPerform(iterations: chunkCount) { index in
            let slice = Array(changes[min(changes.count, index * chunkSize)..<min(changes.count, (index + 1) * chunkSize)])
            let verification = PageVerifier.verify(slice, peer: peer, localOrigin: localOrigin)
            let outcome = Outcome(verification: verification, prepared: writer.prepare(verification.verified))
            chunks.withLock { $0[index] = outcome }
        }
        return chunks.withLock { chunks in
            chunks.reduce(into: Outcome()) { merged, chunk in
                guard let chunk else { preconditionFailure("concurrentPerform ran every iteration") }
                merged.verification.verified += chunk.verification.verified
                merged.verification.rejected += chunk.verification.rejected
                merged.prepared += chunk.prepared
            }
        }
    }
}
