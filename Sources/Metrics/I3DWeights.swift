import Foundation

/// Errors of loading the I3D network's weights.
public struct I3DError: LocalizedError, Sendable {
    /// What went wrong, with the file and a hint on how to fix it.
    public let message: String

    public var errorDescription: String? { message }

    static func file(_ url: URL, _ detail: String) -> I3DError {
        I3DError(message: "I3D weights \(url.path): \(detail); rebuild them with "
                 + "`python scripts/fetch_i3d.py --force --out \(url.path)`")
    }
}

/// The float32 tensors of an I3D safetensors file (as written by scripts/fetch_i3d.py), read
/// whole: an 8-byte little-endian header length, a JSON header, then the tensor bytes. Every
/// offset is checked against the file size; names are kept verbatim.
struct I3DTensorFile {
    struct Tensor {
        let shape: [Int]
        let values: [Float]
    }

    let url: URL
    let metadata: [String: String]
    private var tensors: [String: Tensor]
    private var used: Set<String> = []

    init(url: URL) throws {
        self.url = url
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw I3DError(message: "I3D weights not found at \(url.path); create them with "
                           + "`python scripts/fetch_i3d.py --out \(url.path)` (or scripts/setup_weights.sh)")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw I3DError.file(url, "cannot be read (\(error.localizedDescription))")
        }
        guard data.count >= 8 else { throw I3DError.file(url, "is shorter than 8 bytes") }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) {
            $0 | UInt64($1.element) << (8 * UInt64($1.offset))
        }
        guard headerLength >= 2, headerLength <= UInt64(data.count - 8) else {
            throw I3DError.file(url, "header length \(headerLength) does not fit the \(data.count)-byte file")
        }
        let dataStart = 8 + Int(headerLength)
        let header = try? JSONSerialization.jsonObject(with: data.subdata(in: 8..<dataStart))
        guard let entries = header as? [String: Any] else {
            throw I3DError.file(url, "header is not a JSON object")
        }
        var metadata: [String: String] = [:]
        var tensors: [String: Tensor] = [:]
        for (name, value) in entries {
            if name == "__metadata__" {
                metadata = value as? [String: String] ?? [:]
                continue
            }
            guard let entry = value as? [String: Any], entry["dtype"] as? String == "F32",
                  let shape = entry["shape"] as? [Int], shape.allSatisfy({ $0 >= 0 }),
                  let offsets = entry["data_offsets"] as? [Int], offsets.count == 2
            else { throw I3DError.file(url, "tensor \(name) is not a well-formed F32 entry") }
            let count = shape.reduce(1, *)
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, end >= begin, end <= data.count - dataStart, end - begin == count * 4 else {
                throw I3DError.file(url, "tensor \(name) has byte range \(begin)..<\(end) that does not "
                                    + "match its shape \(shape) or the file size (truncated?)")
            }
            var values = [Float](repeating: 0, count: count)
            _ = values.withUnsafeMutableBytes { dst in
                data.copyBytes(to: dst, from: (dataStart + begin)..<(dataStart + end))
            }
            for i in values.indices { values[i] = Float(bitPattern: values[i].bitPattern.littleEndian) }
            tensors[name] = Tensor(shape: shape, values: values)
        }
        guard metadata["format"] == "i3d-kinetics400" else {
            throw I3DError.file(url, "metadata lacks \"format\": \"i3d-kinetics400\"")
        }
        self.metadata = metadata
        self.tensors = tensors
    }

    /// The tensor `name`, which must have exactly `shape`; marks it as used.
    mutating func take(_ name: String, shape: [Int]) throws -> [Float] {
        guard let tensor = tensors[name] else { throw I3DError.file(url, "tensor \(name) is missing") }
        guard tensor.shape == shape else {
            throw I3DError.file(url, "tensor \(name) has shape \(tensor.shape), expected \(shape)")
        }
        used.insert(name)
        return tensor.values
    }

    /// Fails when the file holds tensors no layer took.
    func checkAllUsed() throws {
        let unused = Set(tensors.keys).subtracting(used).sorted()
        if !unused.isEmpty {
            throw I3DError.file(url, "unexpected tensors \(unused.prefix(5).joined(separator: ", "))")
        }
    }
}
