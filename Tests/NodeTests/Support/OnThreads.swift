import Dispatch
import Foundation

/// Runs `job(index)` for each index below `count`, each on a thread of its own: group commit and
/// the store block their callers, so concurrent callers in tests are threads, never Tasks.
/// The returned closure waits (up to a minute) for all of them and says whether they finished.
func onThreads(_ count: Int, _ job: @escaping @Sendable (Int) -> Void) -> @Sendable () -> Bool {
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        Thread {
            job(index)
            group.leave()
        }.start()
    }
    return { group.wait(timeout: .now() + .seconds(60)) == .success }
}
