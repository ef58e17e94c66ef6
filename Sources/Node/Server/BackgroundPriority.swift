import CSystem

/// Lowers the calling thread's CPU priority. Work that only has to keep ahead of another thread
/// (verifying the next sync page while the single writer applies this one) then takes the cores
/// the other thread leaves, instead of sharing its core and slowing the whole pipeline down.
public enum BackgroundPriority {
    /// The niceness such a thread gets: the scheduler then gives a busy normal thread about
    /// nine parts in ten of a core they share.
    public static let niceness: Int32 = 10

    /// Renices the calling thread only (Linux schedules threads, so the rest of the process is
    /// untouched). Lowering needs no privilege; a failure leaves the thread as it was.
    public static func lowerCurrentThread() {
        _ = kp_renice_current_thread(niceness)
    }

    /// The calling thread's niceness (for tests: -1 is also a valid answer, so no error is told apart).
    static var currentThreadNiceness: Int32 { kp_current_thread_niceness() }
}
