import Foundation
import Glibc

/// Turns SIGTERM and SIGINT into an ordinary wait on the main thread. The signals are blocked
/// before any other thread starts, so every thread inherits the mask and only `sigwait` sees them;
/// no code runs in a signal handler.
public enum ProcessSignals {
    /// Call first thing, before creating any thread.
    public static func prepare() {
        signal(SIGPIPE, SIG_IGN)
        var set = terminationSet()
        pthread_sigmask(SIG_BLOCK, &set, nil)
        raiseDescriptorLimit()
    }

    /// Blocks until SIGTERM or SIGINT arrives; returns the signal number.
    public static func waitForTermination() -> Int32 {
        var set = terminationSet()
        var received: Int32 = 0
        while sigwait(&set, &received) != 0 {}
        return received
    }

    private static func terminationSet() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        return set
    }

    /// Ten thousand connections need more descriptors than the usual soft limit of 1024; take
    /// whatever the hard limit allows, as nginx's worker_rlimit_nofile would.
    private static func raiseDescriptorLimit() {
        var limit = rlimit()
        guard getrlimit(RLIMIT_NOFILE_VALUE, &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(RLIMIT_NOFILE_VALUE, &limit)
    }
}

/// Glibc imports RLIMIT_NOFILE as an enum case on some toolchains and as an Int32 on others.
private let RLIMIT_NOFILE_VALUE = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
