import Foundation
import SafeTensors
#if canImport(Glibc)
import Glibc
#endif

/// A read-only float32 tensor: either a view of an aligned F32 tensor in a mapped file, or
/// memory owned here holding values converted from F16, BF16 or expanded from int8.
final class FloatTensor: @unchecked Sendable {
    let shape: [Int]
    let pointer: UnsafePointer<Float>
    let count: Int
    private let owned: FloatStorage?
    private let mapping: MappedFile?

    /// Converts or views `entry` (F32/F16/BF16) as float32, converting on up to `threads`
    /// threads; throws when memory runs out, and `.malformedFile` when a value is NaN or
    /// infinite (weights like that decode every clip to NaN).
    convenience init(_ entry: TensorEntry, threads: Int) throws {
        try self.init(converting: entry, threads: threads)
        if let bad = (0..<count).first(where: { !pointer[$0].isFinite }) {
            throw ViTokError(.malformedFile, file: entry.url, tensor: entry.name,
                             "value \(bad) is \(pointer[bad]); weights must be finite numbers")
        }
    }

    private init(converting entry: TensorEntry, threads: Int) throws {
        shape = entry.shape
        count = entry.count
        let source = entry.mapping.base.map { $0 + entry.offset }
        if entry.dtype == .f32, let source, Int(bitPattern: source) % 4 == 0 {
            pointer = source.assumingMemoryBound(to: Float.self)
            mapping = entry.mapping
            owned = nil
            return
        }
        let storage = try FloatStorage(count: count)
        if let source {
            let (from, to, dtype) = (SharedPointer(source.assumingMemoryBound(to: UInt8.self)),
                                     SharedPointer(storage.pointer), entry.dtype)
            Self.inChunks(count, threads: threads) { range in
                dtype.convert(UnsafeRawPointer(from.base + range.lowerBound * dtype.size),
                              count: range.count, into: to.base + range.lowerBound)
            }
        }
        owned = storage
        pointer = UnsafePointer(storage.pointer)
        mapping = nil
    }

    /// Expands int8 rows to owned float32 values on `threads` threads (for the small matrices
    /// outside the blocks).
    init(expanding matrix: Int8Rows, threads: Int) throws {
        shape = [matrix.rows, matrix.columns]
        count = matrix.count
        let storage = try FloatStorage(count: count)
        Int8Rows.expand([(matrix, storage.pointer)], threads: threads)
        owned = storage
        pointer = UnsafePointer(storage.pointer)
        mapping = nil
    }

    /// Splits `count` items over up to `threads` threads, at least 2^16 items per thread.
    private static func inChunks(_ count: Int, threads: Int, _ body: @Sendable (Range<Int>) -> Void) {
        let workers = min(threads, count >> 16)
        parallelRanges(count, threads: max(1, workers), body)
    }
}

/// Float memory for converted weights: an anonymous mapping with transparent huge pages
/// requested, so that filling hundreds of MB takes few page faults.
final class FloatStorage: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    private let bytes: Int

    init(count: Int) throws {
        bytes = max(count, 1) * MemoryLayout<Float>.size
        let mapped = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let mapped, mapped != UnsafeMutableRawPointer(bitPattern: -1) else {
            throw ViTokError(.outOfMemory, file: nil,
                             "cannot allocate \(bytes) bytes for converted weights")
        }
        #if os(Linux)
        if bytes >= 1 << 21 { madvise(mapped, bytes, MADV_HUGEPAGE) }
        #endif
        pointer = mapped.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    deinit { munmap(pointer, bytes) }
}
