import CSystem

/// Lowers the calling thread's CPU priority. Work that only has to keep ahead of another thread
/// (verifying the next sync page while the single writer applies this one) then takes the cores
/// the other thread leaves, instead of sharing its core and slowing the whole pipeline down.
public enum BackgroundPriority {
    /// The niceness such a thread gets: the scheduler then gives a busy normal thread about
    /// nine parts in ten of a core they share.
    public static let niceness: Int32 = 10

    /// The niceness of the HTTP workers: a step below the event loops and the group-commit
    /// writer, which every request passes through one at a time. A committed batch wakes all of
    /// the workers waiting for it at once (writes other than the deferred transfer creations); at
    /// equal priority those dozens of threads would take the cores from the writer and stall the
    /// next batch. At 5 a busy normal thread gets about three times a worker's share. In 6
    /// alternating pairs of payment-load runs (64 clients) this gave 4 to 31% more payments/s
    /// than nice 0, 14% on average.
    static let workerNiceness: Int32 = 5

    /// The niceness of the event loops: below the group-commit writer, above the workers. Under a
    /// payment load the writer is the one thread every write waits for, running each batch's jobs
    /// and then its COMMIT; when it shared the cores with the loops at equal priority it waited
    /// for them. In 7 alternating pairs of 8 s payment-load runs (64 clients) loops at nice 3 gave
    /// 6% more payments/s on average than nice 0, more in 5 pairs of 7. Without writes to make,
    /// the writer sleeps and the loops have the cores as before.
    static let eventLoopNiceness: Int32 = 3

    /// Renices the calling thread only (Linux schedules threads, so the rest of the process is
    /// untouched) to `niceness`, or leaves it where it is when it is already lower. Lowering
    /// needs no privilege; a failure leaves the thread as it was.
    public static func lowerCurrentThread(to niceness: Int32 = niceness) {
        guard currentThreadNiceness < niceness else { return }
        _ = kp_renice_current_thread(niceness)
    }

    /// The calling thread's niceness (for tests: -1 is also a valid answer, so no error is told apart).
    static var currentThreadNiceness: Int32 { kp_current_thread_niceness() }
}
