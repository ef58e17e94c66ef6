import Dispatch
import Foundation
import Node
import Synchronization

/// Verifies a page's changes and prepares the verified ones, on every core at once. ECDSA
/// verification (about 60 µs a change) and record decoding are most of what pulling costs
/// besides SQLite, and each change stands alone; on one thread they took longer than the
/// writer needs to apply the previous page.
///
/// The threads are its own rather than Dispatch's, so that `inBackground` can lower their
/// priority: a page prepared ahead only has to be ready when the writer finishes the page
/// before it, and the single writer is what bounds a sync. At normal priority the preparing
/// threads took a third of the writer's core from it; in the background they take what it
/// leaves (bench/sync.sh: about 8% more records per second).
enum PagePreparation {
    struct Outcome: Sendable {
        var verification = PageVerifier.Outcome()
        var prepared: [ReplicaPageWriter.PreparedChange] = []
    }

    /// Below this many changes per thread, splitting costs more than it saves.
    static let minimumChangesPerThread = 64

    /// The verification and preparation of `changes`, in their order, as one thread would
    /// produce them. The calling thread takes the first share; with `inBackground` the threads
    /// started for the others lower their priority (the caller sees to its own).
    static func run(_ changes: [RecordChange], peer: OriginKeys, localOrigin: String, writer: ReplicaPageWriter,
                    threads: Int = ProcessInfo.processInfo.activeProcessorCount, inBackground: Bool = false) -> Outcome {
        let chunkCount = max(1, min(threads, changes.count / minimumChangesPerThread))
        let chunkSize = (changes.count + chunkCount - 1) / chunkCount
        let chunks = Mutex([Outcome?](repeating: nil, count: chunkCount))
        let prepare = { @Sendable (index: Int) in
            let slice = Array(changes[min(changes.count, index * chunkSize)..<min(changes.count, (index + 1) * chunkSize)])
            let verification = PageVerifier.verify(slice, peer: peer, localOrigin: localOrigin)
            let outcome = Outcome(verification: verification, prepared: writer.prepare(verification.verified))
            chunks.withLock { $0[index] = outcome }
        }
        let helpersDone = DispatchSemaphore(value: 0)
        for index in 1..<chunkCount {
            NamedThread.start("kp-prepare") {
                if inBackground { BackgroundPriority.lowerCurrentThread() }
                prepare(index)
                helpersDone.signal()
            }
        }
        prepare(0)
        for _ in 1..<chunkCount { helpersDone.wait() }
        return chunks.withLock { chunks in
            chunks.reduce(into: Outcome()) { merged, chunk in
                guard let chunk else { preconditionFailure("every share was prepared before the helpers signalled") }
                merged.verification.verified += chunk.verification.verified
                merged.verification.rejected += chunk.verification.rejected
                merged.prepared += chunk.prepared
            }
        }
    }
}
