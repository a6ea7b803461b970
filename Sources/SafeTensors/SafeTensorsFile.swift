import Foundation

/// Element types read from safetensors files.
public enum SafeTensorsDType: String, Sendable {
    case f32 = "F32", f16 = "F16", bf16 = "BF16", i8 = "I8"

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .f32: 4
        case .f16, .bf16: 2
        case .i8: 1
        }
    }
}

/// One tensor of a safetensors file: its type, shape and where its bytes lie in the mapping.
public struct TensorEntry: Sendable {
    /// The tensor's name in the header.
    public let name: String
    /// The element type.
    public let dtype: SafeTensorsDType
    /// The dimensions, outermost first.
    public let shape: [Int]
    /// Byte offset of the first element from the start of the file.
    public let offset: Int
    /// Number of elements (product of the shape).
    public let count: Int
    /// The mapping of the file this entry's bytes live in.
    public let mapping: MappedFile

    /// The file this tensor lives in.
    public var url: URL { mapping.url }
}

/// A parsed safetensors file (https://github.com/huggingface/safetensors, "format" section):
/// an 8-byte little-endian header length, a JSON header, then a byte buffer that the tensors'
/// `data_offsets` tile exactly. Every length and offset is checked before use.
public final class SafeTensorsFile: @unchecked Sendable {
    /// Largest header accepted (the reference implementation uses the same 100 MB cap).
    public static let maxHeaderBytes = 100_000_000

    public let mapping: MappedFile
    /// The `__metadata__` string map (empty when absent).
    public let metadata: [String: String]
    /// Tensors by name.
    public private(set) var tensors: [String: TensorEntry] = [:]

    /// The file.
    public var url: URL { mapping.url }

    /// Maps and validates the file at `url`.
    public convenience init(url: URL) throws {
        try self.init(mapping: MappedFile(url: url))
    }

    /// Validates the bytes of a safetensors file held in memory (copied once), named `name`
    /// in messages. The same checks as for a file on disk.
    public convenience init(bytes: [UInt8], name: String) throws {
        try self.init(mapping: MappedFile(bytes: bytes, name: name))
    }

    /// Validates the file whose bytes `mapping` holds.
    init(mapping: MappedFile) throws {
        self.mapping = mapping
        let url = mapping.url
        let size = mapping.size
        func fail(_ detail: String, tensor: String? = nil) -> SafeTensorsError {
            SafeTensorsError(.malformedFile, file: url, tensor: tensor, detail)
        }
        guard size >= 8, let base = mapping.base else {
            throw fail("file of \(size) bytes is shorter than the 8-byte header length (a"
                       + " safetensors file is never shorter than 8 bytes; truncated?)")
        }
        let headerLength = base.loadUnaligned(as: UInt64.self).littleEndian
        guard headerLength <= UInt64(size - 8) else {
            throw fail("header length \(headerLength) runs past the end of the \(size)-byte file"
                       + " (truncated or not a safetensors file)")
        }
        guard headerLength >= 2, headerLength <= UInt64(Self.maxHeaderBytes) else {
            throw fail("implausible header length \(headerLength)")
        }
        let dataStart = 8 + Int(headerLength)
        let dataSize = size - dataStart
        let headerBytes = Data(bytes: base + 8, count: Int(headerLength))
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: headerBytes)
        } catch {
            throw fail("header is not valid JSON, so not a JSON object")
        }
        guard let header = json as? [String: Any] else { throw fail("header is not a JSON object") }

        var metadata: [String: String] = [:]
        var ranges: [(name: String, begin: Int, end: Int)] = []
        for (name, value) in header {
            if name == "__metadata__" {
                guard let map = value as? [String: String] else {
                    throw fail("__metadata__ must map strings to strings")
                }
                metadata = map
                continue
            }
            guard let fields = value as? [String: Any] else {
                throw fail("header entry is not an object", tensor: name)
            }
            guard let dtypeName = fields["dtype"] as? String else {
                throw fail("missing or non-string dtype", tensor: name)
            }
            guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
                throw SafeTensorsError(.unsupportedDtype, file: url, tensor: name,
                                       "dtype \(dtypeName) is not supported (F32, F16, BF16, I8)")
            }
            guard let shape = Self.integers(fields["shape"]) else {
                throw fail("shape must be a list of non-negative integers", tensor: name)
            }
            guard let offsets = Self.integers(fields["data_offsets"]), offsets.count == 2 else {
                throw fail("data_offsets must be two non-negative integers", tensor: name)
            }
            var count = 1
            for dim in shape {
                let (product, overflow) = count.multipliedReportingOverflow(by: dim)
                guard !overflow else { throw fail("shape \(shape) overflows", tensor: name) }
                count = product
            }
            let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.size)
            guard !overflow else { throw fail("shape \(shape) overflows", tensor: name) }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin <= end else {
                throw fail("data_offsets [\(begin), \(end)] are reversed", tensor: name)
            }
            guard end <= dataSize else {
                throw fail("data ends at byte \(end), past the \(dataSize)-byte data buffer: the header"
                           + " does not match the file (truncated file or lying header)",
                           tensor: name)
            }
            guard end - begin == bytes else {
                throw fail("data_offsets span \(end - begin) bytes but \(dtypeName) \(shape)"
                           + " needs \(bytes)", tensor: name)
            }
            ranges.append((name, begin, end))
            tensors[name] = TensorEntry(name: name, dtype: dtype, shape: shape,
                                        offset: dataStart + begin, count: count, mapping: mapping)
        }
        self.metadata = metadata
        try Self.checkTiling(ranges, dataSize: dataSize, fail: fail)
    }

    /// The tensors must tile the data buffer: in order, without overlap, gap or trailing bytes.
    private static func checkTiling(_ ranges: [(name: String, begin: Int, end: Int)],
                                    dataSize: Int,
                                    fail: (String, String?) -> SafeTensorsError) throws {
        let sorted = ranges.sorted { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var position = 0
        for range in sorted {
            if range.begin < position {
                throw fail("data [\(range.begin), \(range.end)) overlaps the previous tensor",
                           range.name)
            }
            if range.begin > position {
                throw fail("gap of \(range.begin - position) bytes before this tensor's data",
                           range.name)
            }
            position = range.end
        }
        guard position == dataSize else {
            throw fail("\(dataSize - position) bytes at the end of the data buffer belong to"
                       + " no tensor", nil)
        }
    }

    /// A JSON array of non-negative integers, or nil.
    private static func integers(_ value: Any?) -> [Int]? {
        guard let array = value as? [Any] else { return nil }
        var result: [Int] = []
        result.reserveCapacity(array.count)
        for element in array {
            guard let number = element as? NSNumber else { return nil }
            let real = number.doubleValue
            guard real >= 0, real < 9.0e18, real == real.rounded() else { return nil }
            result.append(Int(number.int64Value))
        }
        return result
    }
}
