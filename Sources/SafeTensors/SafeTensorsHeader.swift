import Foundation

/// Writing the preamble of a safetensors file (the format `SafeTensorsFile` reads): the 8-byte
/// little-endian header length, then the JSON header with sorted keys, padded with spaces to
/// a multiple of 8 bytes. The tensors' data, written after it by the caller, follow each
/// other in the order given, from data offset 0.
public enum SafeTensorsHeader {
    /// One tensor described by the header.
    public struct Tensor: Sendable, Equatable {
        /// The tensor's name.
        public var name: String
        /// The element type of its data.
        public var dtype: SafeTensorsDType
        /// The dimensions, outermost first.
        public var shape: [Int]

        /// A tensor `name` of `dtype` and `shape`.
        public init(name: String, dtype: SafeTensorsDType, shape: [Int]) {
            self.name = name
            self.dtype = dtype
            self.shape = shape
        }

        /// Bytes of its data.
        public var byteCount: Int { shape.reduce(dtype.size, *) }
    }

    /// The preamble for `tensors` (names must differ) and the string map `metadata`, which is
    /// stored as `__metadata__` unless empty.
    public static func encode(_ tensors: [Tensor], metadata: [String: String] = [:]) -> [UInt8] {
        var object: [String: Any] = [:]
        if !metadata.isEmpty { object["__metadata__"] = metadata }
        var offset = 0
        for tensor in tensors {
            precondition(object[tensor.name] == nil, "tensor \(tensor.name) is described twice")
            let end = offset + tensor.byteCount
            object[tensor.name] = ["dtype": tensor.dtype.rawValue, "shape": tensor.shape,
                                   "data_offsets": [offset, end]] as [String: Any]
            offset = end
        }
        // Strings, integers, arrays and objects only: always valid JSON.
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else {
            preconditionFailure("a safetensors header of strings and integers always serialises")
        }
        var json = Array(data)
        json += [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8)
        let n = UInt64(json.count)
        return (0..<8).map { UInt8(truncatingIfNeeded: n >> (8 * $0)) } + json
    }
}
