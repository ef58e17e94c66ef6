import Foundation

/// Write system calls made by the calling thread so far, from `/proc/thread-self/io`: store tests
/// count what SQLite writes by running their body on one thread and reading this around it.
func writeCallsOfThisThread() throws -> Int {
    let io = try String(contentsOfFile: "/proc/thread-self/io", encoding: .utf8)
    guard let line = io.split(separator: "\n").first(where: { $0.hasPrefix("syscw:") }),
          let count = Int(line.dropFirst("syscw:".count).trimmingCharacters(in: .whitespaces)) else {
        throw CocoaError(.fileReadCorruptFile)
    }
    return count
}
