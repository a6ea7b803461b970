// Random-access byte sources for VTKReader: a file (read on demand, bounded memory) or an
// in-memory buffer (tests, fuzzing).
import Foundation
#if canImport(SafeInput)
import SafeInput  // scripts/fuzz.sh compiles its sources into this module
#endif

/// Where VTKReader reads bytes from.
protocol ByteSource: AnyObject {
    /// Total size in bytes.
    var size: Int { get }
    /// Exactly `count` bytes at `offset`; callers check bounds against `size` first.
    func read(at offset: Int, count: Int) throws -> ArraySlice<UInt8>
}

final class MemorySource: ByteSource {
    let bytes: [UInt8]
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    var size: Int { bytes.count }
    func read(at offset: Int, count: Int) throws -> ArraySlice<UInt8> { bytes[offset..<(offset + count)] }
}

final class FileSource: ByteSource {
    private let handle: FileHandle
    private let name: String
    let size: Int

    init(url: URL) throws {
        name = url.lastPathComponent
        let fd: Int32
        do { fd = try InputFile.openRegular(url.path) } catch {
            throw VTKFormatError(.io, file: name, error.reason)
        }
        handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        do { size = Int(try handle.seekToEnd()) } catch {
            throw VTKFormatError(.io, file: name, "cannot be read (\(error.localizedDescription))")
        }
    }

    deinit { try? handle.close() }

    func read(at offset: Int, count: Int) throws -> ArraySlice<UInt8> {
        do {
            try handle.seek(toOffset: UInt64(offset))
            let data = try handle.read(upToCount: count) ?? Data()
            guard data.count == count else {
                throw VTKFormatError(.truncated, file: name, offset: offset + data.count,
                                     "the file shrank while being read")
            }
            return Array(data)[...]
        } catch let error as VTKFormatError {
            throw error
        } catch {
            throw VTKFormatError(.io, file: name, offset: offset, "read failed (\(error.localizedDescription))")
        }
    }
}
