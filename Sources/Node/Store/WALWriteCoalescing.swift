import CSQLite
import Glibc

/// A VFS over SQLite's default one ("unix") that gathers the writes a commit makes to the WAL
/// into one `pwrite` per run of contiguous bytes, issued before the WAL is synced.
///
/// SQLite appends each WAL frame with two writes, its 24-byte header and then its page, so a
/// group-commit batch of 25 payments (about 80 frames) made 160 system calls, each taking the
/// file's lock and looking up and dirtying page-cache folios: a sixth of the single writer's
/// time. Gathered, the writer's CPU per payment fell from about 44 to 37 us. Durability is unchanged: the bytes reach the file before `xSync` syncs it, in the order
/// SQLite wrote them, and a commit is only visible to other connections once its WAL is synced,
/// because every connection of the node runs with synchronous=FULL (`SQLiteConnection` sets it
/// and reads it back), where SQLite syncs the WAL before it publishes a commit. Whatever was
/// gathered and not yet written when the process dies was never synced, so it was never
/// committed either: the same as a crash halfway through SQLite's own writes.
///
/// Only files opened as a WAL gather; the database file, the journal and temporary files pass
/// through. Every other call on a WAL (read, size, truncate, sync, close, file control) first
/// writes what was gathered, so SQLite never sees the file other than as it wrote it.
enum WALWriteCoalescing {
    /// The name connections open the database with (`sqlite3_open_v2`'s last argument).
    static let vfsName = "knooppunt-wal-coalescing"

    /// Registers the VFS once per process; later calls return at once.
    static func register() {
        _ = registration
    }

    /// Gathered bytes are written out before they pass this size (about 31 frames of 4 KiB).
    /// It is the most the unix VFS writes in one call: its `seekAndWrite` keeps only the low 17
    /// bits of the count, so a larger write comes back short and SQLite reports a full disk.
    static let capacity = 0x1FFFF

    private static let registration: Void = {
        let real = realVFS
        let shim = UnsafeMutablePointer<sqlite3_vfs>.allocate(capacity: 1)
        shim.initialize(to: real.pointee)
        shim.pointee.pNext = nil
        shim.pointee.zName = UnsafePointer(strdup(vfsName))
        shim.pointee.szOsFile = Int32(ShimFile.realFileOffset) + real.pointee.szOsFile
        shim.pointee.xOpen = { _, name, file, flags, outFlags in
            guard let file else { return SQLITE_MISUSE }
            return ShimFile(file).open(name: name, flags: flags, outFlags: outFlags)
        }
        let rc = sqlite3_vfs_register(shim, 0)
        precondition(rc == SQLITE_OK, "registering the WAL-coalescing VFS failed: \(rc)")
    }()

    /// The VFS underneath: SQLite's default, looked up once.
    nonisolated(unsafe) fileprivate static let realVFS: UnsafeMutablePointer<sqlite3_vfs> = {
        guard let real = sqlite3_vfs_find(nil) else { preconditionFailure("SQLite has no default VFS") }
        return real
    }()

    /// The methods every file opened through the shim gets; each forwards to the real file.
    nonisolated(unsafe) fileprivate static let methods: UnsafeMutablePointer<sqlite3_io_methods> = {
        let methods = UnsafeMutablePointer<sqlite3_io_methods>.allocate(capacity: 1)
        methods.initialize(to: sqlite3_io_methods(
            iVersion: 3,
            xClose: { file in ShimFile(file!).close() },
            xRead: { file, buffer, count, offset in ShimFile(file!).read(into: buffer!, count: count, at: offset) },
            xWrite: { file, bytes, count, offset in ShimFile(file!).write(bytes!, count: count, at: offset) },
            xTruncate: { file, size in ShimFile(file!).forwardAfterWriting { $0.xTruncate!($1, size) } },
            xSync: { file, flags in ShimFile(file!).forwardAfterWriting { $0.xSync!($1, flags) } },
            xFileSize: { file, size in ShimFile(file!).forwardAfterWriting { $0.xFileSize!($1, size) } },
            xLock: { file, level in ShimFile(file!).forward { $0.xLock!($1, level) } },
            xUnlock: { file, level in ShimFile(file!).forward { $0.xUnlock!($1, level) } },
            xCheckReservedLock: { file, result in ShimFile(file!).forward { $0.xCheckReservedLock!($1, result) } },
            xFileControl: { file, operation, argument in
                ShimFile(file!).forwardAfterWriting { $0.xFileControl!($1, operation, argument) }
            },
            xSectorSize: { file in ShimFile(file!).forward { $0.xSectorSize!($1) } },
            xDeviceCharacteristics: { file in ShimFile(file!).forward { $0.xDeviceCharacteristics!($1) } },
            xShmMap: { file, page, pageSize, extend, region in
                ShimFile(file!).forward { $0.xShmMap?($1, page, pageSize, extend, region) ?? SQLITE_IOERR }
            },
            xShmLock: { file, offset, count, flags in
                ShimFile(file!).forward { $0.xShmLock?($1, offset, count, flags) ?? SQLITE_IOERR }
            },
            xShmBarrier: { file in ShimFile(file!).forward { $0.xShmBarrier?($1) } },
            xShmUnmap: { file, delete in ShimFile(file!).forward { $0.xShmUnmap?($1, delete) ?? SQLITE_OK } },
            xFetch: { file, offset, count, pointer in
                ShimFile(file!).forwardAfterWriting { methods, real in
                    guard let fetch = methods.xFetch else {
                        // No memory mapping underneath: SQLite then reads the page instead.
                        pointer?.pointee = nil
                        return SQLITE_OK
                    }
                    return fetch(real, offset, count, pointer)
                }
            },
            xUnfetch: { file, offset, pointer in ShimFile(file!).forward { $0.xUnfetch?($1, offset, pointer) ?? SQLITE_OK } }))
        return methods
    }()
}

/// One file opened through the shim, in the memory SQLite allocated for it (`szOsFile` bytes):
/// the `sqlite3_file` header SQLite reads, then the shim's own fields, then the real file.
/// SQLite calls a file from one thread at a time (a connection is never shared), so the fields
/// need no lock.
private struct ShimFile {
    /// Byte offsets of the fields after the header (`sqlite3_file`, one pointer).
    private static let realMethodsOffset = 8
    private static let bufferOffset = 16
    private static let gatheredOffset = 24
    private static let startOffset = 32
    private static let gathersOffset = 40
    static let realFileOffset = 64

    private let base: UnsafeMutableRawPointer

    init(_ file: UnsafeMutablePointer<sqlite3_file>) {
        base = UnsafeMutableRawPointer(file)
    }

    /// The real file and its methods.
    private var real: (file: UnsafeMutablePointer<sqlite3_file>, methods: UnsafePointer<sqlite3_io_methods>) {
        ((base + Self.realFileOffset).assumingMemoryBound(to: sqlite3_file.self),
         base.load(fromByteOffset: Self.realMethodsOffset, as: UnsafePointer<sqlite3_io_methods>.self))
    }

    /// Calls the real file's method that `call` picks.
    func forward<Result>(_ call: (sqlite3_io_methods, UnsafeMutablePointer<sqlite3_file>) -> Result) -> Result {
        let real = self.real
        return call(real.methods.pointee, real.file)
    }

    /// Writes what is gathered, then calls the real file's method that `call` picks.
    func forwardAfterWriting(_ call: (sqlite3_io_methods, UnsafeMutablePointer<sqlite3_file>) -> Int32) -> Int32 {
        let rc = writeGathered()
        return rc == SQLITE_OK ? forward(call) : rc
    }

    /// Whether this file gathers writes (a WAL).
    private var gathers: Bool {
        get { base.load(fromByteOffset: Self.gathersOffset, as: Bool.self) }
        nonmutating set { base.storeBytes(of: newValue, toByteOffset: Self.gathersOffset, as: Bool.self) }
    }

    /// The gathered bytes, allocated at the first write (readers never write).
    private var buffer: UnsafeMutableRawPointer? {
        get { base.load(fromByteOffset: Self.bufferOffset, as: UnsafeMutableRawPointer?.self) }
        nonmutating set { base.storeBytes(of: newValue, toByteOffset: Self.bufferOffset, as: UnsafeMutableRawPointer?.self) }
    }

    /// How many bytes are gathered, and at which file offset the first of them goes.
    private var gathered: Int {
        get { base.load(fromByteOffset: Self.gatheredOffset, as: Int.self) }
        nonmutating set { base.storeBytes(of: newValue, toByteOffset: Self.gatheredOffset, as: Int.self) }
    }

    private var start: Int64 {
        get { base.load(fromByteOffset: Self.startOffset, as: Int64.self) }
        nonmutating set { base.storeBytes(of: newValue, toByteOffset: Self.startOffset, as: Int64.self) }
    }

    func open(name: sqlite3_filename?, flags: Int32, outFlags: UnsafeMutablePointer<Int32>?) -> Int32 {
        let realVFS = WALWriteCoalescing.realVFS
        let file = (base + Self.realFileOffset).assumingMemoryBound(to: sqlite3_file.self)
        let rc = realVFS.pointee.xOpen(realVFS, name, file, flags, outFlags)
        // SQLite calls xClose whenever pMethods is set, even after a failed open; the real
        // file says whether it needs closing.
        guard let realMethods = file.pointee.pMethods else {
            base.storeBytes(of: nil, as: UnsafePointer<sqlite3_io_methods>?.self)
            return rc
        }
        base.storeBytes(of: realMethods, toByteOffset: Self.realMethodsOffset, as: UnsafePointer<sqlite3_io_methods>.self)
        buffer = nil
        gathered = 0
        start = 0
        gathers = flags & SQLITE_OPEN_WAL != 0
        base.storeBytes(of: UnsafePointer(WALWriteCoalescing.methods), as: UnsafePointer<sqlite3_io_methods>?.self)
        return rc
    }

    func write(_ bytes: UnsafeRawPointer, count: Int32, at offset: Int64) -> Int32 {
        let count = Int(count)
        guard gathers, count < WALWriteCoalescing.capacity else {
            return forwardAfterWriting { $0.xWrite!($1, bytes, Int32(count), offset) }
        }
        // Only an append to what is gathered joins it; anything else writes that out first, so
        // the bytes reach the file in the order SQLite wrote them.
        if gathered > 0 && (offset != start + Int64(gathered) || gathered + count > WALWriteCoalescing.capacity) {
            let rc = writeGathered()
            guard rc == SQLITE_OK else { return rc }
        }
        if buffer == nil {
            guard let allocated = malloc(WALWriteCoalescing.capacity) else { return SQLITE_NOMEM }
            buffer = allocated
        }
        if gathered == 0 { start = offset }
        (buffer! + gathered).copyMemory(from: bytes, byteCount: count)
        gathered += count
        return SQLITE_OK
    }

    func read(into destination: UnsafeMutableRawPointer, count: Int32, at offset: Int64) -> Int32 {
        forwardAfterWriting { $0.xRead!($1, destination, count, offset) }
    }

    func close() -> Int32 {
        let written = writeGathered()
        free(buffer)
        buffer = nil
        let closed = forward { $0.xClose!($1) }
        return written == SQLITE_OK ? closed : written
    }

    /// Writes the gathered bytes with one call to the real file. On failure they are dropped:
    /// SQLite abandons the transaction they belong to, and writes its frames again.
    private func writeGathered() -> Int32 {
        guard gathered > 0, let buffer else { return SQLITE_OK }
        let count = gathered
        gathered = 0
        let start = self.start
        return forward { $0.xWrite!($1, buffer, Int32(count), start) }
    }
}
