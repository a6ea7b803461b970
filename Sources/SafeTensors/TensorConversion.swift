import Foundation

extension SafeTensorsDType {
    /// Converts `count` elements of this type at `source` to float32 into `out`. Typed loops
    /// where the source is aligned, so they vectorise (F16C for half precision on haswell),
    /// and a plain copy for F32; I8 values are converted unscaled.
    public func convert(_ source: UnsafeRawPointer, count: Int,
                        into out: UnsafeMutablePointer<Float>) {
        let aligned = Int(bitPattern: source) % size == 0
        switch self {
        case .f32:
            // safetensors is little-endian, as are the hosts this package supports.
            UnsafeMutableRawPointer(out).copyMemory(from: source, byteCount: 4 * count)
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

extension TensorEntry {
    /// Where this tensor's first element lies in memory (nil for an empty file).
    public var bytes: UnsafeRawPointer? { mapping.base.map { $0 + offset } }

    /// The elements as float32 in row-major order, converted in bulk from F32, F16 or BF16.
    /// Throws `SafeTensorsError.Kind.unsupportedDtype` for I8, which needs a scale.
    public func floats() throws -> [Float] {
        guard dtype != .i8 else {
            throw SafeTensorsError(.unsupportedDtype, file: url, tensor: name,
                                   "I8 tensors need a scale; read them as model weights")
        }
        guard count > 0, let source = bytes else { return [] }
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            dtype.convert(source, count: count, into: buffer.baseAddress!)
            initialized = count
        }
    }
}

extension SafeTensorsFile {
    /// Every tensor of the file at `url` as float32 values with its shape. Throws a
    /// `SafeTensorsError` on malformed files and on I8 tensors (which need a scale).
    public static func readFloats(_ url: URL) throws -> [String: (shape: [Int], values: [Float])] {
        let file = try SafeTensorsFile(url: url)
        var result: [String: (shape: [Int], values: [Float])] = [:]
        for (name, entry) in file.tensors {
            result[name] = (entry.shape, try entry.floats())
        }
        return result
    }
}
