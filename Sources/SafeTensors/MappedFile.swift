import Foundation
#if canImport(SafeInput)
import SafeInput  // scripts/fuzz.sh compiles its sources into this module
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory mapping of a whole regular file, unmapped when the last reference goes.
/// Tensors stored as aligned float32 can be used in place, without a copy. A mapping can also
/// hold a private copy of bytes already in memory (tests and the fuzzer parse those).
public final class MappedFile: @unchecked Sendable {
    /// The mapped file (for an in-memory copy, the name given, used in messages).
    public let url: URL
    /// Start of the mapping; nil for an empty file.
    public let base: UnsafeRawPointer?
    /// Size of the file in bytes.
    public let size: Int
    /// Whether `base` is a heap copy (freed) rather than a mapping (unmapped).
    private let isCopy: Bool

    /// A 64-byte-aligned private copy of `bytes`, named `name` in messages.
    public init(bytes: [UInt8], name: String) {
        url = URL(fileURLWithPath: name)
        size = bytes.count
        isCopy = true
        guard !bytes.isEmpty else {
            base = nil
            return
        }
        let copy = UnsafeMutableRawPointer.allocate(byteCount: bytes.count, alignment: 64)
        bytes.withUnsafeBytes { copy.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
        base = UnsafeRawPointer(copy)
    }

    /// Maps `url`; with `populate`, the pages are read in now (so later use does not fault).
    public init(url: URL, populate: Bool = true) throws {
        self.url = url
        isCopy = false
        let fd: Int32
        do { fd = try InputFile.openRegular(url.path) } catch {
            throw SafeTensorsError(.io, file: url, error.reason)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw SafeTensorsError(.io, file: url, "cannot stat: \(String(cString: strerror(errno)))")
        }
        size = Int(info.st_size)
        guard size > 0 else {
            base = nil
            return
        }
        var flags = MAP_PRIVATE
        #if os(Linux)
        if populate { flags |= MAP_POPULATE }
        #endif
        let mapped = mmap(nil, size, PROT_READ, flags, fd, 0)
        guard let mapped, mapped != UnsafeMutableRawPointer(bitPattern: -1) else {
            throw SafeTensorsError(.io, file: url, "cannot map: \(String(cString: strerror(errno)))")
        }
        base = UnsafeRawPointer(mapped)
    }

    deinit {
        guard let base else { return }
        if isCopy {
            UnsafeMutableRawPointer(mutating: base).deallocate()
        } else {
            munmap(UnsafeMutableRawPointer(mutating: base), size)
        }
    }
}
