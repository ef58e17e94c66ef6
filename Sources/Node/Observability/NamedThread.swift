import Foundation

/// Starts the node's own threads with names the system shows (`top -H`, `/proc/PID/task/*/comm`,
/// gdb), so an operator can tell the group-commit writer from a worker. Foundation on Linux
/// hands a thread's name to the system only when the thread sets it itself, and Linux refuses a
/// name over 15 bytes, so the name is short and set first thing on the new thread.
public enum NamedThread {
    @discardableResult
    public static func start(_ name: String, _ body: @escaping @Sendable () -> Void) -> Thread {
        precondition(name.utf8.count <= 15, "Linux keeps at most 15 bytes of a thread's name: \(name)")
        let thread = Thread {
            Thread.current.name = name
            body()
        }
        thread.start()
        return thread
    }
}
