import Node
import COpenSSL
import Foundation
import Glibc

/// Reading and writing the PKI's PEM files.
///
/// Files are written atomically: the bytes go to a fresh temporary file in the same directory
/// (created with `O_EXCL` and the final mode, so a key is never readable by others, not even
/// half-written), are `fsync`ed, and then take the final name. A reader sees the old file or the
/// whole new one, never a torn one, even after a crash.
public enum PEMFile {
    /// Writes a freshly issued member certificate and its key as `PREFIX.crt` (0644) and
    /// `PREFIX.key` (0600). Refuses if either exists: the key is never overwritten.
    public static func writeIssued(certificate: Certificate, key: PrivateKey, prefix: String) throws(PKIError) {
        try writePair(certificate: certificate, certificatePath: prefix + ".crt", key: key, keyPath: prefix + ".key")
    }

    /// Writes certificates (a chain, or a trust anchor) as one PEM file with mode 0644, refusing
    /// to replace an existing file.
    public static func writeCertificates(_ certificates: [Certificate], to path: String) throws(PKIError) {
        var text = ""
        for certificate in certificates { text += try certificate.pemString() }
        try write(Array(text.utf8), to: path, mode: 0o644, replacing: false)
    }

    /// Writes certificates as one PEM file with mode 0644, atomically replacing an existing one:
    /// a renewed certificate or a re-installed trust anchor takes the old one's place.
    public static func replaceCertificates(_ certificates: [Certificate], at path: String) throws(PKIError) {
        var text = ""
        for certificate in certificates { text += try certificate.pemString() }
        try write(Array(text.utf8), to: path, mode: 0o644, replacing: true)
    }

    /// Writes a certificate signing request (public material) with mode 0644.
    public static func writeRequest(_ request: CertificateSigningRequest, to path: String) throws(PKIError) {
        try write(Array(try request.pemString().utf8), to: path, mode: 0o644, replacing: false)
    }

    /// Writes a certificate and its key as a unit: both paths are checked first, and if the
    /// certificate cannot be written the key just created is removed again, so a retry does not
    /// find half a pair in its way.
    static func writePair(
        certificate: Certificate, certificatePath: String, key: PrivateKey, keyPath: String
    ) throws(PKIError) {
        for path in [keyPath, certificatePath] where access(path, F_OK) == 0 {
            throw .fileExists(path: path)
        }
        try key.write(to: keyPath)
        do {
            try certificate.write(to: certificatePath)
        } catch {
            // The key was linked into place by us a moment ago (no-clobber), so it is ours to remove.
            unlink(keyPath)
            throw error
        }
    }

    /// Reads a whole PEM file, refusing anything larger than `PKILimits.maxPEMFileBytes`.
    static func read(path: String) throws(PKIError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(path: path, errno: errno) }
        defer { close(fd) }
        var contents: [UInt8] = []
        // One byte past the limit tells "exactly at the limit" from "too large".
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while contents.count <= PKILimits.maxPEMFileBytes {
            let count = Glibc.read(fd, &chunk, chunk.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, errno: errno)
            }
            if count == 0 { return contents }
            contents.append(contentsOf: chunk.prefix(count))
        }
        throw .tooLarge(source: path, maxBytes: PKILimits.maxPEMFileBytes)
    }

    /// Atomically creates `path` with exactly `mode`. Unless `replacing`, an existing file is
    /// left alone and `.fileExists` thrown; the check is the `link(2)` itself, which fails with
    /// `EEXIST`, so no other writer can slip in between a check and the write.
    static func write(_ bytes: [UInt8], to path: String, mode: mode_t, replacing: Bool) throws(PKIError) {
        let directory = directoryName(of: path)
        let temporaryPath = "\(directory)/.\(baseName(of: path)).\(UInt64.random(in: 0...UInt64.max)).tmp"
        let fd = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else { throw .io(path: temporaryPath, errno: errno) }
        do {
            try writeAll(bytes, to: fd, path: temporaryPath, mode: mode)
        } catch {
            unlink(temporaryPath)
            throw error
        }
        if replacing {
            guard rename(temporaryPath, path) == 0 else {
                let failure = errno
                unlink(temporaryPath)
                throw .io(path: path, errno: failure)
            }
        } else {
            let linked = link(temporaryPath, path)
            let failure = errno
            unlink(temporaryPath)
            guard linked == 0 else {
                throw failure == EEXIST ? .fileExists(path: path) : .io(path: path, errno: failure)
            }
        }
        try syncDirectory(directory)
    }

    /// Writes, sets the mode and flushes to disk, then closes `fd` in every case.
    private static func writeAll(_ bytes: [UInt8], to fd: Int32, path: String, mode: mode_t) throws(PKIError) {
        var closed = false
        defer { if !closed { close(fd) } }
        // The umask may have cleared bits of `mode` at open: a certificate must stay world-readable.
        guard fchmod(fd, mode) == 0 else { throw .io(path: path, errno: errno) }
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in
                // `!`: the loop runs only while bytes remain, so the buffer is not empty.
                Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, errno: errno)
            }
            offset += count
        }
        guard fsync(fd) == 0 else { throw .io(path: path, errno: errno) }
        closed = true
        // close can report a deferred write error (NFS); the file must not be trusted then.
        guard close(fd) == 0 else { throw .io(path: path, errno: errno) }
    }

    /// Makes the new directory entry durable: without it a crash can lose the rename.
    private static func syncDirectory(_ directory: String) throws(PKIError) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(path: directory, errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw .io(path: directory, errno: errno) }
    }

    static func directoryName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private static func baseName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}

extension Certificate {
    /// Writes the certificate as PEM with mode 0644 (it is public), atomically. An existing file
    /// is replaced only when `replacing` is true, as when a renewed certificate takes the place
    /// of the old one beside the same key.
    public func write(to path: String, replacing: Bool = false) throws(PKIError) {
        try PEMFile.write(Array(pemString().utf8), to: path, mode: 0o644, replacing: replacing)
    }
}

/// An in-memory BIO, the channel through which OpenSSL's PEM codecs read and write.
struct MemoryBIO: ~Copyable {
    let handle: OpaquePointer  // BIO*, owned

    init() throws(PKIError) {
        guard let bio = BIO_new(BIO_s_mem()) else { throw .openssl(OpenSSLError(operation: "BIO_new")) }
        handle = bio
    }

    /// Copies `bytes` in; `BIO_new_mem_buf` would instead borrow them past this call.
    init(copying bytes: [UInt8], source: String) throws(PKIError) {
        guard bytes.count <= PKILimits.maxPEMFileBytes else {
            throw .tooLarge(source: source, maxBytes: PKILimits.maxPEMFileBytes)
        }
        guard let bio = BIO_new(BIO_s_mem()) else { throw .openssl(OpenSSLError(operation: "BIO_new")) }
        // The limit above keeps the count within Int32.
        let written = bytes.withUnsafeBytes { BIO_write(bio, $0.baseAddress, Int32($0.count)) }
        guard bytes.isEmpty || written == Int32(bytes.count) else {
            let error = OpenSSLError(operation: "BIO_write")
            BIO_free(bio)
            throw .openssl(error)
        }
        handle = bio
    }

    deinit { BIO_free(handle) }

    /// Everything written so far, as text: PEM is ASCII.
    func text() -> String {
        var data: UnsafeMutablePointer<CChar>?
        let count = kp_BIO_get_mem_data(handle, &data)
        guard let data, count > 0 else { return "" }
        return data.withMemoryRebound(to: UInt8.self, capacity: count) {
            String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self)
        }
    }
}
