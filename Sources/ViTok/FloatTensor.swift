import Foundation

/// A read-only float32 tensor: either a view of an aligned F32 tensor in a mapped file, or
/// memory owned here holding values converted from F16, BF16 or scaled I8.
final class FloatTensor: @unchecked Sendable {
    let shape: [Int]
    let pointer: UnsafePointer<Float>
    let count: Int
    private let owned: UnsafeMutablePointer<Float>?
    private let mapping: MappedFile?

    /// Converts or views `entry` (F32/F16/BF16) as float32.
    init(_ entry: TensorEntry) {
        shape = entry.shape
        count = entry.count
        let source = entry.mapping.base.map { $0 + entry.offset }
        if entry.dtype == .f32, let source, Int(bitPattern: source) % 4 == 0 {
            pointer = source.assumingMemoryBound(to: Float.self)
            mapping = entry.mapping
            owned = nil
            return
        }
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
        if let source {
            Self.convert(source, entry.dtype, count: count, into: buffer)
        }
        owned = buffer
        pointer = UnsafePointer(buffer)
        mapping = nil
    }

    /// Dequantizes an I8 (rows, cols) matrix `entry` with one float scale per row.
    init(int8 entry: TensorEntry, rowScales: FloatTensor) {
        shape = entry.shape
        count = entry.count
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
        let rows = entry.shape[0], cols = count / max(rows, 1)
        if let base = entry.mapping.base {
            let q = (base + entry.offset).assumingMemoryBound(to: Int8.self)
            for row in 0..<rows {
                let scale = rowScales.pointer[row]
                let src = q + row * cols, dst = buffer + row * cols
                for i in 0..<cols { dst[i] = Float(src[i]) * scale }
            }
        }
        owned = buffer
        pointer = UnsafePointer(buffer)
        mapping = nil
    }

    deinit { owned?.deallocate() }

    /// Element-wise conversion to float32; typed loops where aligned so they vectorise
    /// (F16C for half precision on the haswell target).
    private static func convert(_ source: UnsafeRawPointer, _ dtype: SafeTensorsDType, count: Int,
                                into out: UnsafeMutablePointer<Float>) {
        let aligned = Int(bitPattern: source) % dtype.size == 0
        switch dtype {
        case .f32:
            for i in 0..<count {
                out[i] = source.loadUnaligned(fromByteOffset: 4 * i, as: Float.self)
            }
        case .f16:
            if aligned {
                let half = source.assumingMemoryBound(to: Float16.self)
                for i in 0..<count { out[i] = Float(half[i]) }
            } else {
                for i in 0..<count {
                    let bits = source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)
                    out[i] = Float(Float16(bitPattern: UInt16(littleEndian: bits)))
                }
            }
        case .bf16:
            if aligned {
                let bits = source.assumingMemoryBound(to: UInt16.self)
                for i in 0..<count { out[i] = Float(bitPattern: UInt32(bits[i]) << 16) }
            } else {
                for i in 0..<count {
                    let raw = source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)
                    out[i] = Float(bitPattern: UInt32(UInt16(littleEndian: raw)) << 16)
                }
            }
        case .i8:
            let q = source.assumingMemoryBound(to: Int8.self)
            for i in 0..<count { out[i] = Float(q[i]) }
        }
    }
}
