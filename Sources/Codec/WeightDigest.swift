import CCrypto
import Foundation
import SafeInput
import VTKFormat

/// SHA-256 of a model's weight files, the identity a .vtk header records. The files are
/// hashed as one message (their concatenation, in load order), through OpenSSL's libcrypto
/// (checked in the tests against a portable FIPS 180-4 implementation), which uses the CPU's SHA
/// instructions where present: the 124 MiB default model takes ~0.08 s instead of ~0.6 s,
/// a cost every compress and expand pays.
public enum WeightDigest {
    /// The digest of the concatenation of `files`. Throws `VTKFormatError` (kind `.io`)
    /// naming a file that cannot be read.
    public static func sha256(files: [URL]) throws -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else {
            throw VTKFormatError(.io, file: "weights", "cannot create a SHA-256 context")
        }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
            throw VTKFormatError(.io, file: "weights", "libcrypto has no SHA-256")
        }
        let chunk = 1 << 22
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 64)
        defer { buffer.deallocate() }
        for url in files {
            let fd: Int32
            do { fd = try InputFile.openRegular(url.path) } catch {
                throw VTKFormatError(.io, file: url.lastPathComponent, "cannot hash it: \(error.reason)")
            }
            defer { close(fd) }
            while true {
                let got = read(fd, buffer, chunk)
                if got < 0 && errno == EINTR { continue }
                guard got >= 0 else {
                    throw VTKFormatError(.io, file: url.lastPathComponent,
                                         "read failed while hashing (\(String(cString: strerror(errno))))")
                }
                if got == 0 { break }
                guard EVP_DigestUpdate(context, buffer, got) == 1 else {
                    throw VTKFormatError(.io, file: url.lastPathComponent, "libcrypto failed to hash the file")
                }
            }
        }
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(context, &digest, &length) == 1, length == 32 else {
            throw VTKFormatError(.io, file: "weights", "libcrypto failed to finish the SHA-256")
        }
        return Array(digest.prefix(32))
    }

    /// The SHA-256 of `bytes` in memory (the same libcrypto digest; `ShardPlan` uses it).
    public static func sha256(bytes: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let done = bytes.withUnsafeBytes { EVP_Digest($0.baseAddress, $0.count, &digest, &length, EVP_sha256(), nil) }
        precondition(done == 1 && length == 32, "libcrypto SHA-256 failed")
        return Array(digest.prefix(32))
    }
}
