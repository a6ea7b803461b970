import Foundation
import SafeTensors

/// The tensors of one model, from a single safetensors file or a directory of shards, handed
/// out by name and shape. Loading is strict: `take` fails on a missing or wrong-shaped tensor,
/// `finishLoading` on any tensor nobody took.
final class WeightStore {
    /// The weight files, sorted by name.
    let files: [URL]
    /// The model config every file agrees on.
    let config: ViTokConfig
    /// The metadata of the first file.
    let metadata: [String: String]
    private var entries: [String: TensorEntry] = [:]
    private var taken: Set<String> = []

    /// Opens `url`: a .safetensors file, or a directory whose *.safetensors files are shards.
    init(url: URL) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw ViTokError(.io, file: url, "no such file or directory")
        }
        if isDirectory.boolValue {
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: url.path)
            } catch {
                throw ViTokError(.io, file: url, "cannot list the directory")
            }
            files = names.filter { $0.hasSuffix(".safetensors") }.sorted()
                .map { url.appendingPathComponent($0) }
            guard !files.isEmpty else {
                throw ViTokError(.io, file: url, "directory holds no .safetensors shards")
            }
        } else {
            files = [url]
        }
        var config: ViTokConfig?
        var metadata: [String: String]?
        for fileURL in files {
            let file = try ViTokError.translating { try SafeTensorsFile(url: fileURL) }
            let fileConfig = try Self.config(of: file)
            if let config, config != fileConfig {
                throw ViTokError(.invalidConfig, file: fileURL,
                                 "vitok_config differs from that of \(files[0].lastPathComponent)")
            }
            config = fileConfig
            metadata = metadata ?? file.metadata
            for (name, entry) in file.tensors {
                if let earlier = entries[name] {
                    throw ViTokError(.duplicateTensor, file: fileURL, tensor: name,
                                     "also stored in \(earlier.url.lastPathComponent)")
                }
                entries[name] = entry
            }
        }
        self.config = config!
        self.metadata = metadata ?? [:]
    }

    private static func config(of file: SafeTensorsFile) throws -> ViTokConfig {
        guard let json = file.metadata["vitok_config"] else {
            throw ViTokError(.missingConfig, file: file.url,
                             "no \"vitok_config\" in the safetensors metadata; not a ViTok weights file")
        }
        do {
            return try ViTokConfig.parse(json: json)
        } catch let problem as ConfigProblem {
            throw ViTokError(.invalidConfig, file: file.url, problem.detail)
        }
    }

    /// The float32 values of tensor `name`, which must have exactly `shape`. A 2-D weight
    /// stored as I8 is dequantized with its companion `<name>_scale` (one scale per row).
    func take(_ name: String, shape: [Int]) throws -> FloatTensor {
        switch try takeMatrix(name, shape: shape) {
        case .int8(let rows): return try FloatTensor(expanding: rows)
        case .float(let tensor): return tensor
        case .expanded: preconditionFailure("takeMatrix never returns expanded weights")
        }
    }

    /// Tensor `name` of exactly `shape` as a Linear weight: float32 (viewed or converted), or
    /// for I8 storage the int8 rows and their `<name>_scale`, left compressed.
    func takeMatrix(_ name: String, shape: [Int]) throws -> LinearWeight {
        guard let entry = entries[name] else {
            throw ViTokError(.missingTensor, file: files.first, tensor: name,
                             "missing (expected shape \(shape))")
        }
        guard entry.shape == shape else {
            throw ViTokError(.shapeMismatch, file: entry.url, tensor: name,
                             "shape \(entry.shape), expected \(shape)")
        }
        taken.insert(name)
        guard entry.dtype == .i8 else { return .float(try FloatTensor(entry)) }
        guard shape.count == 2, name.hasSuffix(".weight") else {
            throw ViTokError(.unsupportedDtype, file: entry.url, tensor: name,
                             "I8 is only allowed for Linear weights (with a weight_scale)")
        }
        let scaleName = name + "_scale"
        guard let scaleEntry = entries[scaleName], scaleEntry.dtype != .i8 else {
            throw ViTokError(.missingTensor, file: entry.url, tensor: scaleName,
                             "I8 weight '\(name)' needs a float scale tensor of shape [\(shape[0])]")
        }
        let scales = try take(scaleName, shape: [shape[0]])
        return .int8(Int8Rows(entry, rowScales: scales))
    }

    /// Throws when the file holds tensors that no `take` asked for.
    func finishLoading() throws {
        let unused = entries.keys.filter { !taken.contains($0) }.sorted()
        guard let first = unused.first else { return }
        let more = unused.count > 1 ? " (and \(unused.count - 1) more)" : ""
        throw ViTokError(.unusedTensor, file: entries[first]?.url, tensor: first,
                         "not used by this model\(more); the file does not match its vitok_config")
    }
}
