import Codec
import Foundation

/// The POSIX ustar pieces of a deterministic tar file (the webdataset shards): every member a
/// regular file with mode 0644, uid and gid 0, mtime 0 and empty user and group names, its
/// data padded with zeros to a multiple of 512 bytes, and two 512-byte zero blocks at the end.
/// Headers are byte for byte those of Python's `tarfile` (USTAR_FORMAT) for the same fields:
/// the device numbers, which regular files do not use, are left as zero bytes.
enum TarArchive {
    static let blockSize = 512
    /// The end-of-archive marker: two zero blocks.
    static let end = [UInt8](repeating: 0, count: 2 * blockSize)
    /// The largest member ustar's 11 octal digits can size: 8 GiB - 1.
    static let maxMemberSize = (1 << 33) - 1

    /// Bytes a member of `size` data bytes takes: its header block plus the padded data.
    static func memberBytes(size: Int) -> Int { blockSize + size + padding(size) }

    /// Zero bytes after `size` data bytes to reach the next block.
    static func padding(_ size: Int) -> Int { (blockSize - size % blockSize) % blockSize }

    /// The 512-byte header of a regular file `name` of `size` bytes. A name longer than 100
    /// bytes is split at a "/" into ustar's prefix (at most 155 bytes) and name fields, as
    /// POSIX and Python's tarfile do; throws `CodecError.invalidOption` when it cannot be.
    static func header(name: String, size: Int) throws -> [UInt8] {
        guard (0...maxMemberSize).contains(size) else {
            throw CodecError.invalidOption("\(name): \(size) bytes is more than a ustar member holds (8 GiB - 1)")
        }
        let (prefix, base) = try split(name)
        var block = [UInt8](repeating: 0, count: blockSize)
        func put(_ bytes: [UInt8], at offset: Int) {
            block.replaceSubrange(offset..<(offset + bytes.count), with: bytes)
        }
        func octal(_ value: Int, digits: Int) -> [UInt8] {
            let text = String(value, radix: 8)
            return Array((String(repeating: "0", count: digits - text.count) + text).utf8) + [0]
        }
        put(base, at: 0)
        put(octal(0o644, digits: 7), at: 100)
        put(octal(0, digits: 7), at: 108)
        put(octal(0, digits: 7), at: 116)
        put(octal(size, digits: 11), at: 124)
        put(octal(0, digits: 11), at: 136)
        put(Array(repeating: 0x20, count: 8), at: 148)
        block[156] = UInt8(ascii: "0")
        put(Array("ustar".utf8) + [0] + Array("00".utf8), at: 257)
        put(prefix, at: 345)
        let checksum = block.reduce(0) { $0 + Int($1) }
        put(octal(checksum, digits: 6) + [0x20], at: 148)
        return block
    }

    /// (prefix, name) fields for `path`: the name alone when it fits in 100 bytes, else the
    /// longest prefix of at most 155 bytes ending before a "/" whose rest fits.
    static func split(_ path: String) throws -> (prefix: [UInt8], name: [UInt8]) {
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty, !bytes.contains(0) else {
            throw CodecError.invalidOption("'\(path)' cannot be a tar member name")
        }
        if bytes.count <= 100 { return ([], bytes) }
        let slash = UInt8(ascii: "/")
        if let cut = bytes.indices.prefix(156).last(where: { bytes[$0] == slash }),
           cut > 0, bytes.count - cut - 1 <= 100, cut + 1 < bytes.count {
            return (Array(bytes[..<cut]), Array(bytes[(cut + 1)...]))
        }
        throw CodecError.invalidOption(
            "member name \(path) does not fit ustar's 100-byte name and 155-byte prefix fields; use shorter paths")
    }
}
