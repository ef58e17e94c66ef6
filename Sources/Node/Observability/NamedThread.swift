import Foundation

/// Starts the node's own threads with names the system shows (`top -H`, `/proc/PID/task/*/comm`,
/// gdb), so an operator can tell the group-commit writer from a worker. The new thread names
/// itself first thing, through `/proc/thread-self/comm`: Foundation's `Thread.name` reaches the
/// system only when the thread has learnt its own pthread id, which it may not have yet when it
/// starts, and `pthread_setname_np` is not visible from Swift. Linux refuses a name over 15 bytes.
public enum NamedThread {
    @discardableResult
    public static func start(_ name: String, _ body: @escaping @Sendable () -> Void) -> Thread {
        precondition(name.utf8.count <= 15, "Linux keeps at most 15 bytes of a thread's name: \(name)")
        let thread = Thread {
            nameCurrentThread(name)
            body()
        }
        thread.start()
        return thread
    }

    private static func nameCurrentThread(_ name: String) {
        let descriptor = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        var bytes = Array(name.utf8)
        _ = bytes.withUnsafeMutableBytes { write(descriptor, $0.baseAddress, $0.count) }
    }
}
